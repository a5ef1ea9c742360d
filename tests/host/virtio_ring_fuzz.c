/*
 * Host-only, stage 5 on: the virtqueue of drivers/virtio/virtio_ring.c
 * (appendices/05-virtio.nw) against a fake device, on the machine that
 * tests/host/host_mm.c sets up.  The ring's memory and the buffers are
 * pages of that machine, and the host's "physical" addresses are its own
 * (tests/host/include/asm/memory.h), so the fake device reads and writes
 * the buffers through the addresses in the descriptors, as QEMU does.
 *
 * The fake device takes new heads from the available ring, walks each
 * chain by its descriptors' next fields and flags, checks that the
 * buffers the device reads come before those it writes and that no
 * descriptor belongs to two chains in flight, fills each buffer it
 * writes with a byte that names the chain, and completes chains in the
 * order a case chooses: first in first out, last in first out, or at
 * random.  The cases:
 *
 * virtio_ring_completes_in_any_order: chains of 1 to 8 buffers, up to a
 *   full ring, completed in each of the three orders; every token comes
 *   back exactly once with the length the device wrote, the data is the
 *   device's, and num_free returns to the ring size.
 * virtio_ring_fuzz_against_a_fake_device: fuzz.ops/10 (1,000,000 by
 *   default) random steps of adding chains of random length and shape
 *   and completing random ones, so that the free list is reused in
 *   scrambled orders; num_free always equals the size minus the
 *   descriptors of the chains in flight, and a full ring refuses a
 *   chain with -ENOSPC and changes nothing.
 * virtio_ring_notification_and_interrupt_suppression: kick_prepare
 *   honours VRING_USED_F_NO_NOTIFY; disable_cb sets
 *   VRING_AVAIL_F_NO_INTERRUPT; enable_cb clears it and returns false
 *   while used entries wait; vring_interrupt calls the callback only then,
 *   and answers IRQ_NONE when the used ring holds nothing new.
 * virtio_ring_refuses_a_lying_device: a used entry out of range, one that
 *   names a descriptor that is not a head in flight, and one that names
 *   a head twice each break the queue: get_buf returns NULL, add_sgs
 *   -EIO, and nothing is freed twice; the broken queue's interrupt is
 *   IRQ_HANDLED without a callback.
 * virtio_ring_create_checks_its_arguments: a size that is 0, not a power
 *   of two or above 32768, and an alignment that is not a power of two,
 *   are refused; the layout is the specification's.
 *
 *   make host-5 && build/host/ch05/ktest-host --dtb build/host/virt.dtb \
 *       --cmdline "fuzz.seed=12345 fuzz.ops=1000000" host_virtio_ring
 */
#if KERNEL_STAGE >= 5
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/virtio.h>
#include <linux/virtio_ring.h>
#include "fuzz.h"

#define QSIZE		64
#define MAXCHAIN	8
#define NOTOKEN		0xffff

struct fake_dev {
	struct virtqueue *vq;
	const struct vring *vr;
	u16 last_avail;			/* the next available entry to take */
	u16 used_idx;			/* our used->idx */
	u16 owner[QSIZE];		/* the head whose chain holds each desc */
	u16 pending[QSIZE];		/* heads taken, not yet completed */
	u32 written[QSIZE];		/* per head: bytes the device wrote */
	unsigned int npending;
	unsigned long errors;		/* rules the driver broke */
	unsigned long notified;
};

/* The driver's side: one token per chain, holding what it asked for. */
struct req {
	unsigned int out, in;		/* buffers read, buffers written */
	struct page *page[MAXCHAIN];
	unsigned int len[MAXCHAIN];
	bool busy;
	unsigned int returned;
};

static struct req reqs[QSIZE];
static struct page *pool[QSIZE * MAXCHAIN];
static struct fake_dev dev;

static bool fake_notify(struct virtqueue *vq)
{
	dev.notified++;
	return true;
}

static unsigned int callbacks;

static void fake_callback(struct virtqueue *vq)
{
	callbacks++;
}

static void fake_open(struct ktest *t)
{
	unsigned int i;

	memset(&dev, 0, sizeof(dev));
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < QSIZE; i++)
		dev.owner[i] = NOTOKEN;
	dev.vq = vring_create_virtqueue(0, QSIZE, PAGE_SIZE, NULL, fake_notify,
					fake_callback, "fake");
	if (!dev.vq) {
		ktest_fail(t, __FILE__, __LINE__, "vring_create_virtqueue");
		return;
	}
	dev.vr = virtqueue_get_vring(dev.vq);
	for (i = 0; i < QSIZE * MAXCHAIN; i++)
		if (!pool[i])
			pool[i] = alloc_page(GFP_KERNEL);
}

static void fake_close(void)
{
	if (dev.vq)
		vring_del_virtqueue(dev.vq);
	dev.vq = NULL;
}

/* Walk one chain as a device does, checking and writing its buffers. */
static void fake_walk(u16 head)
{
	const struct vring_desc *d;
	unsigned int i = head, n = 0, wrote = 0;
	bool writing = false;

	for (;;) {
		if (i >= QSIZE || n++ == QSIZE || dev.owner[i] != NOTOKEN) {
			dev.errors++;		/* loop, or shared with another */
			return;
		}
		dev.owner[i] = head;
		d = &dev.vr->desc[i];
		if (d->flags & VRING_DESC_F_WRITE) {
			writing = true;
			memset(phys_to_virt(d->addr), head & 0xff, d->len);
			wrote += d->len;
		} else if (writing) {
			dev.errors++;		/* read after write */
		}
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = d->next;
	}
	dev.written[head] = wrote;
}

/* Take every new head from the available ring. */
static void fake_take(void)
{
	u16 idx = READ_ONCE(dev.vr->avail->idx);

	virtio_rmb();
	while (dev.last_avail != idx) {
		u16 head = dev.vr->avail->ring[dev.last_avail++ % QSIZE];

		fake_walk(head);
		dev.pending[dev.npending++] = head;
	}
}

/* Complete pending[k]: free its descriptors on our side, publish it. */
static void fake_complete(unsigned int k, u32 id)
{
	u16 head = dev.pending[k];
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		if (dev.owner[i] == head)
			dev.owner[i] = NOTOKEN;
	memmove(&dev.pending[k], &dev.pending[k + 1],
		(--dev.npending - k) * sizeof(dev.pending[0]));
	dev.vr->used->ring[dev.used_idx % QSIZE].id = id;
	dev.vr->used->ring[dev.used_idx % QSIZE].len = dev.written[head];
	virtio_wmb();
	WRITE_ONCE(dev.vr->used->idx, ++dev.used_idx);
}

/* The driver adds a chain of out + in buffers for token r. */
static int drv_add(struct req *r, unsigned int out, unsigned int in,
		   unsigned int first_page)
{
	struct scatterlist sg[MAXCHAIN], *sgs[MAXCHAIN];
	unsigned int i;
	int err;

	r->out = out;
	r->in = in;
	for (i = 0; i < out + in; i++) {
		r->page[i] = pool[first_page + i];
		r->len[i] = 1 + rnd() % PAGE_SIZE;
		memset(page_address(r->page[i]), 0xee, PAGE_SIZE);
		sg_set_page(&sg[i], r->page[i], r->len[i], 0);
		sgs[i] = &sg[i];
	}
	err = virtqueue_add_sgs(dev.vq, sgs, out, in, r, GFP_KERNEL);
	if (!err)
		r->busy = true;
	return err;
}

/* The driver takes back one token; 0 if it is right in every way. */
static unsigned long drv_check(struct req *r, unsigned int len)
{
	unsigned long bad = 0;
	unsigned int i, expect = 0;
	u8 *p;

	if (!r->busy)
		return 1;
	r->busy = false;
	r->returned++;
	for (i = r->out; i < r->out + r->in; i++) {
		expect += r->len[i];
		p = page_address(r->page[i]);
		bad += p[0] == 0xee || p[r->len[i] - 1] != p[0] ||
		       (r->len[i] < PAGE_SIZE && p[r->len[i]] != 0xee);
	}
	for (i = 0; i < r->out; i++)
		bad += *(u8 *)page_address(r->page[i]) != 0xee;
	return bad + (len != expect);
}

static unsigned long drv_drain(void)
{
	unsigned long bad = 0;
	unsigned int len;
	struct req *r;

	while ((r = virtqueue_get_buf(dev.vq, &len)))
		bad += drv_check(r, len);
	return bad;
}

enum { FIFO, LIFO, RANDOM };

static void virtio_ring_completes_in_any_order(struct ktest *t)
{
	unsigned int order, i, used, n;
	unsigned long bad = 0, returned = 0;

	rng = fuzz_option("fuzz.seed", 0x2545f4914f6cdd1dULL);
	for (order = FIFO; order <= RANDOM; order++) {
		fake_open(t);
		if (!dev.vq)
			return;
		for (i = used = n = 0; i < QSIZE; i++) {
			unsigned int len = 1 + rnd() % MAXCHAIN;

			if (used + len > QSIZE)
				break;
			KTEST_EXPECT_EQ(t, drv_add(&reqs[i], (len + 1) / 2,
						   len / 2, used), 0);
			used += len;
			n++;
		}
		KTEST_EXPECT_EQ(t, dev.vq->num_free, QSIZE - used);
		fake_take();
		KTEST_EXPECT_EQ(t, dev.npending, n);
		while (dev.npending) {
			unsigned int k = order == FIFO ? 0 :
				order == LIFO ? dev.npending - 1 :
				rnd() % dev.npending;

			fake_complete(k, dev.pending[k]);
			bad += drv_drain();
		}
		for (i = 0, returned = 0; i < n; i++)
			returned += reqs[i].returned == 1;
		KTEST_EXPECT_EQ(t, returned, n);
		KTEST_EXPECT_EQ(t, dev.vq->num_free, QSIZE);
		KTEST_EXPECT_EQ(t, dev.errors, 0);
		KTEST_EXPECT_EQ(t, bad, 0);
		KTEST_EXPECT_FALSE(t, virtqueue_is_broken(dev.vq));
		fake_close();
	}
}

static void virtio_ring_fuzz_against_a_fake_device(struct ktest *t)
{
	unsigned long ops = fuzz_option("fuzz.ops", 10000000) / 10, i;
	unsigned long bad = 0, refused = 0, added = 0, taken = 0, wrong = 0;
	unsigned int inflight = 0, len;
	struct req *r;

	rng = fuzz_option("fuzz.seed", 0x2545f4914f6cdd1dULL) ^ 1;
	fake_open(t);
	if (!dev.vq)
		return;
	for (i = 0; i < ops; i++) {
		u64 x = rnd();

		if (x % 3) {		/* add a chain for a free token */
			unsigned int tok = x / 3 % QSIZE;
			unsigned int n = 1 + x / 1024 % MAXCHAIN;
			unsigned int out = x / 65536 % (n + 1);
			unsigned int free_before = dev.vq->num_free;
			int err;

			if (reqs[tok].busy)
				continue;
			err = drv_add(&reqs[tok], out, n - out, tok * MAXCHAIN);
			if (err == -ENOSPC) {
				refused++;
				wrong += n <= free_before ||
					 dev.vq->num_free != free_before;
			} else if (err) {
				wrong++;
			} else {
				added++;
				inflight += n;
			}
		} else {		/* the device takes and completes some */
			fake_take();
			if (dev.npending) {
				unsigned int k = x / 3 % dev.npending;

				fake_complete(k, dev.pending[k]);
			}
			while ((r = virtqueue_get_buf(dev.vq, &len))) {
				inflight -= r->out + r->in;
				bad += drv_check(r, len);
				taken++;
			}
		}
		wrong += dev.vq->num_free != QSIZE - inflight;
	}
	ktest_log("  # %lu steps: %lu chains added, %lu taken back, %lu "
		  "refused as the ring was full\n", ops, added, taken, refused);
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_EQ(t, wrong, 0);
	KTEST_EXPECT_EQ(t, dev.errors, 0);
	KTEST_EXPECT_GT(t, refused, 0);
	KTEST_EXPECT_GT(t, taken, ops / 10);
	KTEST_EXPECT_LE(t, added - taken, QSIZE);
	fake_close();
}

static void virtio_ring_notification_and_interrupt_suppression(struct ktest *t)
{
	unsigned int len;

	fake_open(t);
	if (!dev.vq)
		return;
	KTEST_EXPECT_EQ(t, drv_add(&reqs[0], 1, 1, 0), 0);
	KTEST_EXPECT_TRUE(t, virtqueue_kick(dev.vq));
	KTEST_EXPECT_EQ(t, dev.notified, 1);
	dev.vr->used->flags = VRING_USED_F_NO_NOTIFY;
	KTEST_EXPECT_FALSE(t, virtqueue_kick_prepare(dev.vq));
	dev.vr->used->flags = 0;
	KTEST_EXPECT_TRUE(t, virtqueue_kick_prepare(dev.vq));

	virtqueue_disable_cb(dev.vq);
	KTEST_EXPECT_EQ(t, dev.vr->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	KTEST_EXPECT_EQ(t, vring_interrupt(0, dev.vq), IRQ_NONE);
	KTEST_EXPECT_EQ(t, callbacks, 0);
	fake_take();
	fake_complete(0, dev.pending[0]);
	KTEST_EXPECT_FALSE(t, virtqueue_enable_cb(dev.vq));	/* one waits */
	KTEST_EXPECT_EQ(t, dev.vr->avail->flags, 0);
	KTEST_EXPECT_EQ(t, vring_interrupt(0, dev.vq), IRQ_HANDLED);
	KTEST_EXPECT_EQ(t, callbacks, 1);
	KTEST_EXPECT_TRUE(t, virtqueue_get_buf(dev.vq, &len) == &reqs[0]);
	KTEST_EXPECT_TRUE(t, virtqueue_get_buf(dev.vq, &len) == NULL);
	KTEST_EXPECT_TRUE(t, virtqueue_enable_cb(dev.vq));
	KTEST_EXPECT_EQ(t, vring_interrupt(0, dev.vq), IRQ_NONE);
	KTEST_EXPECT_EQ(t, callbacks, 1);
	fake_close();
}

/* One chain in flight, then a used entry that breaks a rule. */
static void lie_once(struct ktest *t, u32 id, bool twice)
{
	unsigned int len;

	fake_open(t);
	if (!dev.vq)
		return;
	KTEST_EXPECT_EQ(t, drv_add(&reqs[0], 1, 2, 0), 0);
	KTEST_EXPECT_EQ(t, drv_add(&reqs[1], 1, 1, 3), 0);
	fake_take();
	if (twice) {
		fake_complete(0, dev.pending[0]);
		KTEST_EXPECT_TRUE(t, virtqueue_get_buf(dev.vq, &len) != NULL);
		id = dev.vr->used->ring[0].id;	/* the same head again */
		dev.vr->used->ring[1].id = id;
		virtio_wmb();
		WRITE_ONCE(dev.vr->used->idx, ++dev.used_idx);
	} else {
		dev.vr->used->ring[0].id = id;
		virtio_wmb();
		WRITE_ONCE(dev.vr->used->idx, ++dev.used_idx);
	}
	KTEST_EXPECT_TRUE(t, virtqueue_get_buf(dev.vq, &len) == NULL);
	KTEST_EXPECT_TRUE(t, virtqueue_is_broken(dev.vq));
	KTEST_EXPECT_EQ(t, dev.vq->num_free, QSIZE - 2 - (twice ? 0 : 3));
	callbacks = 0;
	KTEST_EXPECT_EQ(t, vring_interrupt(0, dev.vq), IRQ_HANDLED);
	KTEST_EXPECT_EQ(t, callbacks, 0);
	KTEST_EXPECT_EQ(t, drv_add(&reqs[2], 1, 1, 5), -EIO);
	KTEST_EXPECT_FALSE(t, virtqueue_notify(dev.vq));
	fake_close();
}

static void virtio_ring_refuses_a_lying_device(struct ktest *t)
{
	lie_once(t, QSIZE, false);		/* out of range */
	lie_once(t, 1, false);			/* inside the first chain */
	lie_once(t, 0, true);			/* a head already given back */
}

static void virtio_ring_create_checks_its_arguments(struct ktest *t)
{
	struct virtqueue *vq;
	const struct vring *vr;

	KTEST_EXPECT_TRUE(t, !vring_create_virtqueue(0, 0, PAGE_SIZE, NULL,
						     fake_notify, NULL, "x"));
	KTEST_EXPECT_TRUE(t, !vring_create_virtqueue(0, 48, PAGE_SIZE, NULL,
						     fake_notify, NULL, "x"));
	KTEST_EXPECT_TRUE(t, !vring_create_virtqueue(0, 65536, PAGE_SIZE, NULL,
						     fake_notify, NULL, "x"));
	KTEST_EXPECT_TRUE(t, !vring_create_virtqueue(0, 64, 3000, NULL,
						     fake_notify, NULL, "x"));
	/* 256 descriptors: 4096 bytes, the available ring 518, the used
	 * ring at the next page, 2054 bytes: 10246 in all */
	KTEST_EXPECT_EQ(t, vring_size(256, PAGE_SIZE), 8192 + 6 + 8 * 256);
	vq = vring_create_virtqueue(0, 256, PAGE_SIZE, NULL, fake_notify, NULL,
				    "x");
	KTEST_ASSERT_TRUE(t, vq != NULL);
	vr = virtqueue_get_vring(vq);
	KTEST_EXPECT_EQ(t, (char *)vr->avail - (char *)vr->desc, 4096);
	KTEST_EXPECT_EQ(t, (char *)vr->used - (char *)vr->desc, 8192);
	KTEST_EXPECT_EQ(t, virtqueue_get_used_addr(vq) -
			   virtqueue_get_desc_addr(vq), 8192);
	KTEST_EXPECT_EQ(t, vq->num_free, 256);
	KTEST_EXPECT_EQ(t, virtqueue_get_vring_size(vq), 256);
	vring_del_virtqueue(vq);
}

KTEST_SUITE(host_virtio_ring, 5,
	KTEST_CASE(virtio_ring_create_checks_its_arguments),
	KTEST_CASE(virtio_ring_completes_in_any_order),
	KTEST_CASE(virtio_ring_notification_and_interrupt_suppression),
	KTEST_CASE(virtio_ring_refuses_a_lying_device),
	KTEST_CASE(virtio_ring_fuzz_against_a_fake_device));
#endif
