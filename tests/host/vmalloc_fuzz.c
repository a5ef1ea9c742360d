/*
 * Host-only, stage 5 on: fuzz tests of the red-black tree, the vmap area
 * allocator and vmalloc, against shadow models, on the machine that
 * tests/host/host_mm.c sets up (page tables recorded in a hash table, a
 * TLB that counts its flushes in host_tlb_flushes).
 *
 * rbtree_fuzz_against_shadow: two trees of keys 0 to RB_KEYS - 1, a plain
 * one (rb_insert_color, rb_erase) and an augmented one whose nodes carry
 * a value and the largest value of their subtree (callbacks from
 * RB_DECLARE_CALLBACKS_MAX; values also change in place and propagate),
 * grown and shrunk in phases, with keys in random order, in runs of
 * consecutive keys and taken from either end, against a two-level bitmap
 * of the keys present.  Lookups, rb_first, rb_last and random walks of
 * rb_next and rb_prev from random nodes are checked against the bitmap
 * as they happen; at checkpoints (after every operation while a tree has
 * at most 32 nodes, then every n/2 operations) rb_check_tree, the height
 * bound 2 log2(n + 1), an in-order walk each way equal to the bitmap, and
 * every node's augmented value equal to a brute-force maximum of its
 * subtree.  Once, in a large tree, a wrong maximum and a wrong colour are
 * made on purpose, to see the checks catch them.
 *
 * vmap_area_check_is_linear: vmap_area_check() must take time in
 * proportion to the trees, or the debug mode that runs it after every
 * change is unusable: with 8 times the free blocks, at most 32 times the
 * time (8 times, and 4 for noise).
 *
 * vmap_area_fuzz_against_shadow: first bad requests (refused with NULL,
 * changing nothing), alignments whose next multiple wraps, and the lazy
 * threshold exactly (lazy_max_pages() pages wait, one more page makes the
 * flush).  Then alloc_vmap_area with random sizes, alignments of 2^0 to
 * 2^22 bytes and windows [vstart, vend), tight and wide, many that cannot
 * fit, in three arenas of 16 GiB: at the bottom of the vmalloc area (or as
 * low as is free), in the middle at an address that is no multiple of a
 * large power of two, and at the top, ending at VMALLOC_END.  A busy page
 * of our own (a fence) bounds each arena that does not end at an end of
 * the vmalloc area, so that every free block that touches an arena is
 * known.  The shadow is a bitmap of the pages of each arena that are busy
 * or waiting to be purged, with a second level.  From it the test knows
 * what alloc_vmap_area must do:
 *   - with an alignment of at most a page, or a window exactly the size,
 *     the search is exact: the answer is the lowest aligned fit in the
 *     window among the pages neither busy nor waiting, or, when there is
 *     none and some range waits, one purge and then the lowest fit among
 *     the pages not busy, or NULL;
 *   - with a larger alignment, the search looks for blocks of size +
 *     align - 1 bytes (6.6's adjust_search_size), so the answer is some
 *     aligned fit, no higher than the fit in the lowest block at or above
 *     vstart that is that large; it is certain to exist only when that
 *     fit ends inside the window, and when no fit exists at all it is NULL.
 * Every answer is checked to lie in its window, to be aligned as asked and
 * to overlap no busy or waiting range.  free_vmap_area gives a range back
 * at once; free_vmap_area_noflush puts it on the purge list, and the test
 * predicts the purge that passing lazy_max_pages() causes;
 * purge_vmap_area_lazy is also called at random.  Each purge must make
 * exactly one TLB flush when something waits and none otherwise, and
 * vmap_lazy_pages() always equals the shadow's count.
 * vmap_area_accounted() == VMALLOC_END - VMALLOC_START is checked every
 * n/2 operations for n live areas, and after every purge while n < 256;
 * vmap_area_check() on a budget of a tenth of the time, and, while it is
 * not linear, only while n < 64.  At the end every range is given back,
 * each arena is allocated whole in one piece again, and the page
 * allocator's free count is what it was.
 *
 * vmalloc_fuzz_through_page_tables, at small scale: vmalloc, vzalloc,
 * vmalloc_node, vzalloc_node, __vmalloc, a kernel stack (aligned to
 * THREAD_ALIGN), vfree, vmap and vunmap, with the recorded page tables:
 * every page of a live area is where area->pages (or the vmap caller's
 * array) says, at every offset, by vmalloc_to_page, vmalloc_to_pfn and
 * kernel_walk; the guard page is not mapped; no page is in two areas; the
 * zeroed variants' pages are zero although freed pages were filled with a
 * pattern, and the pattern is intact at vfree; vfree and vunmap unmap
 * everything (kernel_walk finds nothing) and free the range lazily, with
 * one flush when the waiting pages pass the threshold; no new area
 * overlaps a range still waiting; a vmalloc with every page taken fails
 * and gives back what it took; and at the end the free pages, the mapped
 * pages and the accounting are exactly as they were.
 *
 * The cases share fuzz.ops (10,000,000 by default): 4/10 of them tree
 * operations, 6/10 area operations, and 1/500 vmalloc operations.  On the
 * machine this was written on, an x86-64 host with 2 cores, under ASan and
 * UBSan: 4 to 7 s for the trees, 10 to 12 s for the areas, under a second
 * for vmalloc.  Another seed, or a shorter run, alone:
 *
 *   make host-5 && build/host/ch05/ktest-host --dtb build/host/virt.dtb \
 *       --cmdline "fuzz.seed=12345 fuzz.ops=1000000" host_vmalloc_fuzz
 */
#if KERNEL_STAGE >= 5
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include "fuzz.h"
#include "mm/internal.h"
#include "mm/slab.h"

void *calloc(size_t n, size_t size);
void free(void *p);

extern unsigned long arena_start_pfn, arena_pages;
extern unsigned long host_tlb_flushes, host_mapped_pages;

#define NONE		(~0u)

static unsigned long fuzz_ops(void)
{
	return fuzz_option("fuzz.ops", 10000000);
}

static struct zone *arena_zone(void)
{
	return page_zone(pfn_to_page(arena_start_pfn));
}

/* Every empty slab and every per-CPU page back to the free lists. */
static unsigned long free_pages_settled(void)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	drain_local_pages(NULL);
	return zone_page_state(arena_zone(), NR_FREE_PAGES);
}

/* ================================================================ rbtree */
#define RB_KEYS		(1u << 17)
#define RB_WORDS	(RB_KEYS / 64)
#define RB_SUMS		(RB_WORDS / 64)

struct tnode {
	struct rb_node rb;
	u32 key;
	u32 val;		/* augmented: the node's own value */
	u32 max;		/* augmented: the largest val in its subtree */
};

static inline u32 tnode_val(const struct tnode *n)
{
	return n->val;
}

RB_DECLARE_CALLBACKS_MAX(static, tnode_cb, struct tnode, rb, u32, max,
			 tnode_val);

struct rb_model {
	const char *name;
	bool augmented;
	struct rb_root root;
	struct tnode *node;		/* node[k] has key k */
	u64 *bits;			/* key k present */
	u64 sum[RB_SUMS];		/* word w of bits is not zero */
	u32 *keys, *pos, n;		/* the keys present, unordered */
	unsigned long since_check;
	/* what the run did */
	unsigned long inserts, erases, updates, lookups, steps, checks,
		max_n, max_height;
};

/* What the model found wrong. */
static unsigned long rb_bad_find, rb_bad_first, rb_bad_step, rb_bad_rules,
	rb_bad_height, rb_bad_order, rb_bad_count, rb_bad_max;

static void rbm_set(struct rb_model *m, u32 k)
{
	m->bits[k / 64] |= 1ULL << (k % 64);
	m->sum[k / 4096] |= 1ULL << (k / 64 % 64);
	m->pos[k] = m->n;
	m->keys[m->n++] = k;
}

static void rbm_clear(struct rb_model *m, u32 k)
{
	u32 last = m->keys[--m->n];

	m->bits[k / 64] &= ~(1ULL << (k % 64));
	if (!m->bits[k / 64])
		m->sum[k / 4096] &= ~(1ULL << (k / 64 % 64));
	m->keys[m->pos[k]] = last;
	m->pos[last] = m->pos[k];
}

static bool rbm_has(const struct rb_model *m, u32 k)
{
	return (m->bits[k / 64] >> (k % 64)) & 1;
}

/* The lowest key present at or above k, or NONE. */
static u32 rbm_next_ge(const struct rb_model *m, u32 k)
{
	u32 w, s;
	u64 x;

	if (k >= RB_KEYS)
		return NONE;
	x = m->bits[k / 64] & (~0ULL << (k % 64));
	if (x)
		return k / 64 * 64 + __builtin_ctzll(x);
	for (w = k / 64 + 1; w < RB_WORDS; w = (s + 1) * 64) {
		s = w / 64;
		x = m->sum[s] & (~0ULL << (w % 64));
		if (x) {
			w = s * 64 + __builtin_ctzll(x);
			return w * 64 + __builtin_ctzll(m->bits[w]);
		}
	}
	return NONE;
}

/* The highest key present at or below k (k < RB_KEYS), or NONE. */
static u32 rbm_prev_le(const struct rb_model *m, u32 k)
{
	u64 x = m->bits[k / 64] & (~0ULL >> (63 - k % 64));
	int w, s;

	if (x)
		return k / 64 * 64 + 63 - __builtin_clzll(x);
	for (w = (int)(k / 64) - 1; w >= 0; w = s * 64 - 1) {
		s = w / 64;
		x = m->sum[s] & (~0ULL >> (63 - w % 64));
		if (x) {
			w = s * 64 + 63 - __builtin_clzll(x);
			return w * 64 + 63 - __builtin_clzll(m->bits[w]);
		}
	}
	return NONE;
}

static u32 rb_key(const struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct tnode, rb)->key : NONE;
}

/* A search from the root, as a caller of the tree writes it. */
static struct tnode *rbm_find(struct rb_model *m, u32 key)
{
	struct rb_node *rb = m->root.rb_node;

	while (rb) {
		struct tnode *t = rb_entry(rb, struct tnode, rb);

		if (key < t->key)
			rb = rb->rb_left;
		else if (key > t->key)
			rb = rb->rb_right;
		else
			return t;
	}
	return NULL;
}

static void rbm_lookup(struct rb_model *m, u32 key)
{
	struct tnode *t = rbm_find(m, key);

	m->lookups++;
	if (rbm_has(m, key) ? t != &m->node[key] : t != NULL)
		rb_bad_find++;
}

/* Insert key, absent from the model.  The augmented tree gets its values
 * either as the chapter's free tree does (propagate from the parent once
 * the node is linked) or as Linux's interval trees do (raise the maximum
 * of every node on the way down). */
static void rbm_insert(struct rb_model *m, u32 key, u64 r)
{
	struct rb_node **link = &m->root.rb_node, *parent = NULL;
	struct tnode *t = &m->node[key];
	bool on_the_way = m->augmented && (r & 1);

	t->key = key;
	t->val = r & 2 ? 1 + (u32)(r >> 8) % 64 : 1 + (u32)(r >> 8);
	t->max = t->val;
	while (*link) {
		struct tnode *p = rb_entry(*link, struct tnode, rb);

		parent = *link;
		if (on_the_way && p->max < t->val)
			p->max = t->val;
		if (key < p->key)
			link = &parent->rb_left;
		else if (key > p->key)
			link = &parent->rb_right;
		else {
			rb_bad_find++;		/* the model said absent */
			return;
		}
	}
	rb_link_node(&t->rb, parent, link);
	if (m->augmented) {
		if (!on_the_way && parent)
			tnode_cb.propagate(parent, NULL);
		rb_insert_augmented(&t->rb, &m->root, &tnode_cb);
	} else {
		rb_insert_color(&t->rb, &m->root);
	}
	rbm_set(m, key);
	m->inserts++;
	m->max_n = max(m->max_n, (unsigned long)m->n);
}

static void rbm_erase(struct rb_model *m, u32 key)
{
	struct tnode *t = &m->node[key];

	if (m->augmented)
		rb_erase_augmented(&t->rb, &m->root, &tnode_cb);
	else
		rb_erase(&t->rb, &m->root);
	RB_CLEAR_NODE(&t->rb);
	rbm_clear(m, key);
	m->erases++;
}

/* A value changes in place, as a free range that an allocation clips. */
static void rbm_update(struct rb_model *m, u32 key, u64 r)
{
	struct tnode *t = &m->node[key];

	t->val = r & 1 ? 1 + (u32)(r >> 8) % 64 : 1 + (u32)(r >> 8);
	tnode_cb.propagate(&t->rb, NULL);
	m->updates++;
}

/* A walk of up to 16 steps of rb_next or rb_prev from a random node. */
static void rbm_walk(struct rb_model *m, u64 r)
{
	u32 k = m->keys[r % m->n], steps = 1 + (r >> 20) % 16, want;
	struct rb_node *rb = &m->node[k].rb;

	r >>= 24;
	while (steps--) {
		if (r & 1) {
			rb = rb_next(rb);
			want = rbm_next_ge(m, k + 1);
		} else {
			rb = rb_prev(rb);
			want = k ? rbm_prev_le(m, k - 1) : NONE;
		}
		r >>= 1;
		m->steps++;
		if (rb_key(rb) != want) {
			rb_bad_step++;
			return;
		}
		if (!rb)
			return;
		k = want;
	}
}

static void rbm_check_ends(struct rb_model *m)
{
	u32 first = rbm_next_ge(m, 0), last = rbm_prev_le(m, RB_KEYS - 1);

	if (rb_key(rb_first(&m->root)) != first ||
	    rb_key(rb_last(&m->root)) != last)
		rb_bad_first++;
}

/* The true maximum of a subtree, counting nodes whose value is wrong;
 * and the height. */
static u32 brute_max(const struct rb_node *rb, unsigned int depth,
		     unsigned int *height, unsigned long *bad)
{
	const struct tnode *t;
	u32 m, l, r;

	if (!rb)
		return 0;
	t = rb_entry(rb, struct tnode, rb);
	if (depth + 1 > *height)
		*height = depth + 1;
	l = brute_max(rb->rb_left, depth + 1, height, bad);
	r = brute_max(rb->rb_right, depth + 1, height, bad);
	m = max(t->val, max(l, r));
	if (m != t->max)
		(*bad)++;
	return m;
}

static void rbm_full_check(struct rb_model *m)
{
	unsigned int height = 0;
	unsigned long bad = 0, count = 0;
	struct rb_node *rb;
	u32 k;

	m->checks++;
	m->since_check = 0;
	if (rb_check_tree(&m->root) < 1)
		rb_bad_rules++;
	brute_max(m->root.rb_node, 0, &height, &bad);
	if (m->augmented)
		rb_bad_max += bad;
	/* no path is longer than 2 log2(n + 1) */
	if (height >= 64 || (1ULL << height) > (u64)(m->n + 1) * (m->n + 1))
		rb_bad_height++;
	m->max_height = max(m->max_height, (unsigned long)height);
	k = rbm_next_ge(m, 0);
	for (rb = rb_first(&m->root); rb; rb = rb_next(rb), count++) {
		if (rb_key(rb) != k) {
			rb_bad_order++;
			break;
		}
		k = rbm_next_ge(m, k + 1);
	}
	if (!rb && k != NONE)
		rb_bad_order++;
	if (count != m->n && !rb)
		rb_bad_count++;
	k = rbm_prev_le(m, RB_KEYS - 1);
	for (rb = rb_last(&m->root); rb; rb = rb_prev(rb)) {
		if (rb_key(rb) != k) {
			rb_bad_order++;
			break;
		}
		k = k ? rbm_prev_le(m, k - 1) : NONE;
	}
	if (!rb && k != NONE)
		rb_bad_order++;
}

/* The checks must see what they look for: a wrong maximum and a wrong
 * colour, each made on purpose in a large tree and then undone. */
static bool rbm_checks_can_fail(struct rb_model *m)
{
	struct tnode *t = &m->node[m->keys[0]];
	unsigned int height = 0;
	unsigned long bad = 0;
	bool caught;

	t->max++;
	brute_max(m->root.rb_node, 0, &height, &bad);
	caught = bad == 1;
	t->max--;
	t->rb.__rb_parent_color ^= 1;		/* the colour bit */
	caught = caught && rb_check_tree(&m->root) < 0;
	t->rb.__rb_parent_color ^= 1;
	return caught && rb_check_tree(&m->root) > 0;
}

static void rbm_init(struct rb_model *m, const char *name, bool augmented)
{
	memset(m, 0, sizeof(*m));
	m->name = name;
	m->augmented = augmented;
	m->root = RB_ROOT;
	m->node = calloc(RB_KEYS, sizeof(*m->node));
	m->bits = calloc(RB_WORDS, sizeof(u64));
	m->keys = calloc(RB_KEYS, sizeof(u32));
	m->pos = calloc(RB_KEYS, sizeof(u32));
}

static void rbm_exit(struct rb_model *m)
{
	free(m->node);
	free(m->bits);
	free(m->keys);
	free(m->pos);
}

static void rbm_op(struct rb_model *m, u64 r, u32 target)
{
	unsigned int sel = r % 100, i, len;
	u32 k;

	r >>= 7;
	if (!m->n || sel < 40) {			/* towards the target size */
		bool grow = m->n < target ? r % 10 < 8 : r % 10 < 2;

		r >>= 4;
		if (grow || !m->n) {
			k = r % RB_KEYS;
			if (rbm_has(m, k))
				rbm_lookup(m, k);
			else
				rbm_insert(m, k, r >> 17);
		} else {
			rbm_erase(m, m->keys[r % m->n]);
		}
	} else if (sel < 44) {		/* a run of keys, up or down */
		k = r % RB_KEYS;
		len = 1 + (r >> 17) % 32;
		for (i = 0; i < len && m->n < target + 32; i++) {
			u32 key = r & (1ULL << 22) ? k + i : k - i;

			if (key < RB_KEYS && !rbm_has(m, key))
				rbm_insert(m, key, (r >> 23) ^ i);
		}
	} else if (sel < 47) {		/* erase from one end, repeatedly */
		len = 1 + (r >> 1) % 32;
		for (i = 0; i < len && m->n; i++)
			rbm_erase(m, rb_key(r & 1 ? rb_first(&m->root) :
						    rb_last(&m->root)));
	} else if (sel < 62) {
		rbm_lookup(m, r % RB_KEYS);
	} else if (sel < 80) {
		rbm_walk(m, r);
	} else if (sel < 92) {
		if (m->augmented)
			rbm_update(m, m->keys[r % m->n], r >> 17);
		else
			rbm_lookup(m, m->keys[r % m->n]);
	} else {
		rbm_erase(m, m->keys[r % m->n]);
	}
	rbm_check_ends(m);
	if (m->n <= 32 || ++m->since_check >= m->n / 2)
		rbm_full_check(m);
}

static void rbtree_fuzz_against_shadow(struct ktest *t)
{
	unsigned long ops = fuzz_ops() * 4 / 10, i, phase_end = 0;
	struct rb_model models[2], *m;
	u32 target = 0, phase = 0;
	bool caught = false;
	unsigned int j;
	u64 t0 = local_clock();

	rng = fuzz_option("fuzz.seed", 0x9e3779b97f4a7c15ULL) ^ 0x5bd1e995;
	rbm_init(&models[0], "plain", false);
	rbm_init(&models[1], "augmented", true);
	for (i = 0; i < ops; i++) {
		u64 r = rnd();

		/* Phases, each with a size to grow or shrink to: in turn
		 * large (long enough to get there), tiny, middling, any. */
		if (i >= phase_end) {
			switch (phase++ % 4) {
			case 0:
				target = RB_KEYS / 8 + (r >> 8) % (RB_KEYS / 4);
				phase_end = i + 300000 + (r >> 32) % 300000;
				break;
			case 1:
				target = (r >> 8) % 16;
				phase_end = i + 1000 + (r >> 32) % 100000;
				break;
			case 2:
				target = (r >> 8) % 2000;
				phase_end = i + 1000 + (r >> 32) % 200000;
				break;
			default:
				target = (r >> 8) % (RB_KEYS / 2);
				phase_end = i + 1000 + (r >> 32) % 400000;
			}
			r = rnd();
		}
		rbm_op(&models[r & 1], r >> 1, target);
		if (!caught && models[1].n > 10000)
			caught = rbm_checks_can_fail(&models[1]);
	}
	for (j = 0; j < 2; j++) {
		m = &models[j];
		rbm_full_check(m);
		while (m->n) {
			rbm_erase(m, m->keys[rnd() % m->n]);
			rbm_check_ends(m);
			if (m->n <= 32 || ++m->since_check >= m->n / 2)
				rbm_full_check(m);
		}
		KTEST_EXPECT_TRUE(t, RB_EMPTY_ROOT(&m->root));
		KTEST_EXPECT_TRUE(t, !rb_first(&m->root) && !rb_last(&m->root));
		ktest_log("  # rbtree_fuzz: %s: %lu inserts, %lu erases, %lu updates, "
			  "%lu lookups, %lu steps, %lu full checks, at most %lu "
			  "nodes, height at most %lu\n", m->name, m->inserts,
			  m->erases, m->updates, m->lookups, m->steps, m->checks,
			  m->max_n, m->max_height);
	}
	ktest_log("  # rbtree_fuzz: %lu operations in %llu ms\n", ops,
		  (unsigned long long)(local_clock() - t0) / 1000000);
	KTEST_EXPECT_EQ(t, rb_bad_find, 0);
	KTEST_EXPECT_EQ(t, rb_bad_first, 0);
	KTEST_EXPECT_EQ(t, rb_bad_step, 0);
	KTEST_EXPECT_EQ(t, rb_bad_rules, 0);
	KTEST_EXPECT_EQ(t, rb_bad_height, 0);
	KTEST_EXPECT_EQ(t, rb_bad_order, 0);
	KTEST_EXPECT_EQ(t, rb_bad_count, 0);
	KTEST_EXPECT_EQ(t, rb_bad_max, 0);
	/* the run did what it says */
	if (ops >= 1000000) {
		KTEST_EXPECT_TRUE(t, caught);
		for (j = 0; j < 2; j++) {
			KTEST_EXPECT_GT(t, models[j].max_n, 20000);
			KTEST_EXPECT_GT(t, models[j].steps, ops / 20);
		}
	}
	KTEST_EXPECT_GT(t, models[1].updates, ops / 30);
	rbm_exit(&models[0]);
	rbm_exit(&models[1]);
}

/* ================================================================ vmap areas */
#define ARENA_SHIFT	22			/* pages: 16 GiB */
#define ARENA_PAGES	(1u << ARENA_SHIFT)
#define ARENA_BYTES	((unsigned long)ARENA_PAGES << PAGE_SHIFT)
#define NARENAS		3
#define MAX_AREAS	40000
#define CHECK_WINDOW	(VMALLOC_START + (1UL << 44))	/* a private window */

struct arena {
	unsigned long base;		/* the address of page 0 */
	struct vmap_area *fence[2];	/* the busy pages below and above */
	u64 *occ;			/* page busy, or waiting for a purge */
	u64 *any_busy, *any_free;	/* word of occ has a busy, a free page */
	u32 hot;			/* most windows start below this page */
};

struct area {
	struct vmap_area *va;
	u32 arena, page, npages;
};

struct lazy {
	u32 arena, page, npages;
};

static struct arena arenas[NARENAS];
static struct area *areas;
static struct lazy *lazies;
static unsigned long nareas, nlazies, lazy_pages;

/* What the model found wrong. */
static unsigned long va_outside, va_misaligned, va_overlap, va_not_lowest,
	va_above_bound, va_refused, va_not_refused, va_bad_purge,
	va_bad_lazy, va_bad_check, va_bad_accounting, va_bad_bad_args;
/* What the run did. */
static unsigned long va_allocs, va_exact, va_adjusted, va_tight,
	va_failed, va_heuristic_misses, va_frees, va_lazy_frees,
	va_purges, va_purges_threshold, va_purges_retry, va_purges_called,
	va_refills, va_checks, va_max_areas;

static unsigned long a_addr(const struct arena *a, u32 page)
{
	return a->base + ((unsigned long)page << PAGE_SHIFT);
}

static bool page_busy(const struct arena *a, u32 p)
{
	return (a->occ[p / 64] >> (p % 64)) & 1;
}

/* The first page in [p, limit) that is busy (want) or free (!want), or
 * limit.  A second level, a bit per word, says which words have a busy
 * page and which have a free one, so that long runs cost little. */
static u32 find_page(const struct arena *a, u32 p, u32 limit, bool want)
{
	const u64 *sum = want ? a->any_busy : a->any_free;
	u32 w, s;
	u64 x;

	if (p >= limit)
		return limit;
	x = (want ? a->occ[p / 64] : ~a->occ[p / 64]) & (~0ULL << (p % 64));
	if (x)
		return min(limit, p / 64 * 64 + __builtin_ctzll(x));
	for (w = p / 64 + 1; w * 64 < limit; w = (s + 1) * 64) {
		s = w / 64;
		x = sum[s] & (~0ULL << (w % 64));
		if (x) {
			w = s * 64 + __builtin_ctzll(x);
			if (w * 64 >= limit)
				break;
			x = want ? a->occ[w] : ~a->occ[w];
			return min(limit, w * 64 + __builtin_ctzll(x));
		}
	}
	return limit;
}

static void mark(struct arena *a, u32 p, u32 n, bool busy)
{
	u32 end = p + n;

	while (p < end) {
		u32 b = p % 64, k = min(64 - b, end - p), w = p / 64;
		u64 mask = (k == 64 ? ~0ULL : (1ULL << k) - 1) << b;
		u64 bit = 1ULL << (w % 64);

		if (busy)
			a->occ[w] |= mask;
		else
			a->occ[w] &= ~mask;
		a->any_busy[w / 64] = a->occ[w] ? a->any_busy[w / 64] | bit :
						  a->any_busy[w / 64] & ~bit;
		a->any_free[w / 64] = ~a->occ[w] ? a->any_free[w / 64] | bit :
						   a->any_free[w / 64] & ~bit;
		p += k;
	}
}

/* The first page at or above p whose address is a multiple of align. */
static u64 align_page(const struct arena *a, u64 p, unsigned long align)
{
	unsigned long addr = a_addr(a, 0) + (p << PAGE_SHIFT);

	if (align <= PAGE_SIZE)
		return p;
	return p + ((ALIGN(addr, align) - addr) >> PAGE_SHIFT);
}

struct request {
	u32 arena, vs, ve, npages;	/* pages of the arena: [vs, ve) */
	unsigned long align;
};

struct forecast {
	bool exact;		/* the search finds the lowest fit */
	u32 lowest;		/* the lowest fit, or NONE */
	u32 bound;		/* the search's answer is at most this; NONE:
				 * it may find nothing */
};

/* The lowest aligned fit of rq in the window, in the shadow as it is. */
static u32 lowest_fit(const struct request *rq)
{
	const struct arena *a = &arenas[rq->arena];
	u64 p = rq->vs, q;

	for (;;) {
		p = find_page(a, p, rq->ve, false);
		p = align_page(a, p, rq->align);
		if (p + rq->npages > rq->ve)
			return NONE;
		q = find_page(a, p, p + rq->npages, true);
		if (q == p + rq->npages)
			return p;
		p = q + 1;
	}
}

/* The lowest free block that starts at or above vs and has len pages,
 * among those that start in the window; NONE if there is none.  The
 * pages just outside the arena are busy (a fence, or the end of the
 * vmalloc area), so a block is exactly a run of free pages here. */
static u32 lowest_block(const struct request *rq, u32 len)
{
	const struct arena *a = &arenas[rq->arena];
	u32 p = rq->vs, q;

	if (p > 0 && !page_busy(a, p) && !page_busy(a, p - 1))
		p = find_page(a, p, ARENA_PAGES, true);	/* vs is mid-block */
	for (;;) {
		p = find_page(a, p, rq->ve, false);
		if (p >= rq->ve)
			return NONE;
		if ((u64)p + len > ARENA_PAGES)
			return NONE;
		q = find_page(a, p, p + len, true);
		if (q == p + len)
			return p;
		p = q;
	}
}

static struct forecast forecast(const struct request *rq)
{
	struct forecast f;
	u32 a_pages = rq->align > PAGE_SIZE ? rq->align >> PAGE_SHIFT : 1;

	f.exact = rq->align <= PAGE_SIZE || rq->ve - rq->vs == rq->npages;
	f.lowest = lowest_fit(rq);
	if (f.exact) {
		f.bound = f.lowest;
	} else {
		/* a block of npages + a_pages pages holds size + align - 1
		 * bytes, rounded up to a page */
		u32 b = lowest_block(rq, rq->npages + a_pages);
		u64 fit = b == NONE ? NONE : align_page(&arenas[rq->arena], b,
							rq->align);

		f.bound = fit + rq->npages <= rq->ve ? (u32)fit : NONE;
	}
	return f;
}

/* Every waiting range given back: what a purge does. */
static void shadow_purge(void)
{
	unsigned long i;

	for (i = 0; i < nlazies; i++)
		mark(&arenas[lazies[i].arena], lazies[i].page,
		     lazies[i].npages, false);
	nlazies = 0;
	lazy_pages = 0;
	va_purges++;
}

/* Did the code purge (one flush) exactly when the model says? */
static bool saw_purge(unsigned long flushes, unsigned long purges)
{
	unsigned long df = host_tlb_flushes - flushes, dp = vmap_purges - purges;

	if (df > 1 || df != dp)
		va_bad_purge++;
	return df;
}

/* Check an answer against a forecast; true if the area is to be kept. */
static bool judge(const struct request *rq, const struct forecast *f,
		  struct vmap_area *va)
{
	const struct arena *a = &arenas[rq->arena];
	unsigned long start, size = (unsigned long)rq->npages << PAGE_SHIFT;
	u32 p;

	if (!va) {
		if (f->bound != NONE)
			va_refused++;
		else if (f->lowest != NONE)
			va_heuristic_misses++;
		va_failed++;
		return false;
	}
	start = va->va_start;
	if (va->va_end - start != size || start < a_addr(a, rq->vs) ||
	    va->va_end > a_addr(a, rq->ve) || start & ~PAGE_MASK) {
		va_outside++;
		return false;	/* not tracked: the run has failed */
	}
	p = (start - a->base) >> PAGE_SHIFT;
	if (start & (rq->align - 1))
		va_misaligned++;
	if (f->lowest == NONE)
		va_not_refused++;
	if (find_page(a, p, p + rq->npages, true) != p + rq->npages) {
		va_overlap++;
		return false;
	}
	if (f->exact && p != f->lowest)
		va_not_lowest++;
	if (!f->exact && f->bound != NONE && p > f->bound)
		va_above_bound++;
	return true;
}

static void track_area(struct vmap_area *va, u32 arena)
{
	struct arena *a = &arenas[arena];
	struct area *ar = &areas[nareas++];

	ar->va = va;
	ar->arena = arena;
	ar->page = (va->va_start - a->base) >> PAGE_SHIFT;
	ar->npages = (va->va_end - va->va_start) >> PAGE_SHIFT;
	mark(a, ar->page, ar->npages, true);
	va_max_areas = max(va_max_areas, nareas);
}

/* Ask for rq, and check the answer against the shadow. */
static void do_alloc(const struct request *rq)
{
	struct arena *a = &arenas[rq->arena];
	struct forecast f = forecast(rq), f0;
	unsigned long flushes = host_tlb_flushes, purges = vmap_purges;
	bool had_lazy = nlazies != 0;
	struct vmap_area *va;

	va = alloc_vmap_area((unsigned long)rq->npages << PAGE_SHIFT, rq->align,
			     a_addr(a, rq->vs), a_addr(a, rq->ve), NUMA_NO_NODE,
			     GFP_KERNEL | __GFP_NOWARN);
	va_allocs++;
	if (f.exact)
		va_exact++;
	else
		va_adjusted++;
	if (rq->ve - rq->vs == rq->npages)
		va_tight++;
	if (saw_purge(flushes, purges)) {
		/* the first search failed: it was allowed to */
		if (!had_lazy || f.bound != NONE)
			va_bad_purge++;
		shadow_purge();
		va_purges_retry++;
		f0 = forecast(rq);
		if (judge(rq, &f0, va))
			track_area(va, rq->arena);
		return;
	}
	if (!va && had_lazy)
		va_bad_purge++;		/* it gave up without purging */
	if (judge(rq, &f, va))
		track_area(va, rq->arena);
}

static struct area untrack_area(unsigned long k)
{
	struct area ar = areas[k];

	areas[k] = areas[--nareas];
	return ar;
}

static void do_free(unsigned long k)
{
	struct area ar = untrack_area(k);

	free_vmap_area(ar.va);
	mark(&arenas[ar.arena], ar.page, ar.npages, false);
	va_frees++;
}

static void do_free_lazy(unsigned long k)
{
	struct area ar = untrack_area(k);
	unsigned long flushes = host_tlb_flushes, purges = vmap_purges;

	lazies[nlazies].arena = ar.arena;
	lazies[nlazies].page = ar.page;
	lazies[nlazies++].npages = ar.npages;
	lazy_pages += ar.npages;
	free_vmap_area_noflush(ar.va);
	va_lazy_frees++;
	if (saw_purge(flushes, purges) != (lazy_pages > lazy_max_pages()))
		va_bad_purge++;
	if (lazy_pages > lazy_max_pages()) {
		shadow_purge();
		va_purges_threshold++;
	}
}

static void do_purge(void)
{
	unsigned long flushes = host_tlb_flushes, purges = vmap_purges;

	purge_vmap_area_lazy();
	va_purges_called++;
	if (saw_purge(flushes, purges) != (nlazies != 0))
		va_bad_purge++;
	if (nlazies)
		shadow_purge();
}

/* A range just given back, asked for again exactly: the lowest fit. */
static void do_refill(unsigned long k)
{
	struct area ar = areas[k];
	struct request rq = {
		.arena = ar.arena, .vs = ar.page, .ve = ar.page + ar.npages,
		.npages = ar.npages, .align = PAGE_SIZE,
	};

	do_free(k);
	va_refills++;
	do_alloc(&rq);
}

static u32 random_npages(u64 r)
{
	unsigned int sel = r % 100;

	r >>= 7;
	if (sel < 50)
		return 1 + r % 4;
	if (sel < 80)
		return 5 + r % 28;
	if (sel < 96)
		return 33 + r % 480;
	return 513 + r % 3584;
}

static unsigned long random_align(u64 r)
{
	unsigned int sel = r % 100;

	r >>= 7;
	if (sel < 40)
		return PAGE_SIZE;
	if (sel < 50)
		return 1UL << (r % PAGE_SHIFT);
	return PAGE_SIZE << (1 + r % (22 - PAGE_SHIFT));
}

/* A random request: its arena, size, alignment and window, each from a
 * number of its own.  In some phases all windows are wide, so that few
 * requests fail (each failure purges) and the waiting ranges pile up to
 * lazy_max_pages(). */
static bool wide_windows;

static void random_request(struct request *rq)
{
	struct arena *a;
	unsigned int sel;
	u64 r = rnd(), w;

	rq->arena = r % NARENAS;
	a = &arenas[rq->arena];
	rq->npages = random_npages(r >> 2);
	rq->align = random_align(rnd());
	r = rnd();
	sel = r % 100;
	r >>= 7;
	if (sel < 40 && nareas) {	/* near a live area */
		const struct area *ar = &areas[r % nareas];

		r >>= 20;
		rq->arena = ar->arena;
		a = &arenas[rq->arena];
		rq->vs = ar->page + ar->npages / 2 - min(ar->page,
			(u32)(r % 64) + ar->npages / 2);
	} else if (sel < 95) {
		rq->vs = r % a->hot;
	} else {
		rq->vs = r % ARENA_PAGES;
	}
	r = rnd();
	sel = wide_windows ? 70 + r % 30 : r % 100;
	r >>= 7;
	if (sel < 15)
		w = rq->npages;
	else if (sel < 40)
		w = rq->npages + r % ((rq->align >> PAGE_SHIFT) + 8);
	else if (sel < 70)
		w = rq->npages + r % 1024;
	else if (sel < 90)
		w = rq->npages + r % 65536;
	else
		w = ARENA_PAGES;
	rq->ve = min((u64)ARENA_PAGES, rq->vs + w);
}

/*
 * vmap_area_check() walks both trees, so the fuzz runs it on a budget of
 * time: at most a tenth of the time spent so far, and only while the
 * trees are small unless the check was found to take time in proportion
 * to their size (vmap_area_check_is_linear, below).
 */
static bool check_is_linear;
static u64 check_ns, run_start_ns;

static void chapter_check(bool always)
{
	u64 t0 = local_clock();

	if (!always && (check_ns * 10 > t0 - run_start_ns ||
			(!check_is_linear && nareas >= 64)))
		return;
	va_checks++;
	if (vmap_area_check())
		va_bad_check++;
	check_ns += local_clock() - t0;
}

/* The accounting, which takes time in proportion to the areas. */
static void check_accounting(void)
{
	if (vmap_area_accounted() != VMALLOC_END - VMALLOC_START)
		va_bad_accounting++;
	if (vmap_lazy_pages() != lazy_pages)
		va_bad_lazy++;
}

/* Bad requests are refused with NULL, and change nothing. */
static void bad_requests(struct ktest *t)
{
	static const struct {
		unsigned long size, align, vstart, vend;
	} bad[] = {
		{ 0, PAGE_SIZE, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE + 1, PAGE_SIZE, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE, 0, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE, 3 * PAGE_SIZE, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE, PAGE_SIZE, VMALLOC_END - PAGE_SIZE, VMALLOC_END - PAGE_SIZE },
		{ PAGE_SIZE, PAGE_SIZE, VMALLOC_END, VMALLOC_START },
		{ PAGE_SIZE, PAGE_SIZE, VMALLOC_START - PAGE_SIZE, VMALLOC_END },
		{ PAGE_SIZE, PAGE_SIZE, VMALLOC_START, VMALLOC_END + PAGE_SIZE },
	};
	/* Good arguments that nothing can satisfy: too large, a size whose
	 * end wraps, alignments whose next multiple is 2^64 (searched with
	 * and without the adjusted size). */
	static const struct {
		unsigned long size, align, vstart, vend;
	} none[] = {
		{ VMALLOC_END - VMALLOC_START + PAGE_SIZE, PAGE_SIZE,
		  VMALLOC_START, VMALLOC_END },
		{ PAGE_MASK, PAGE_SIZE, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE, 1UL << 63, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE, 1UL << 47, VMALLOC_START, VMALLOC_END },
		{ PAGE_SIZE, 1UL << 63, VMALLOC_END - PAGE_SIZE, VMALLOC_END },
		{ PAGE_SIZE, 1UL << 47, VMALLOC_END - PAGE_SIZE, VMALLOC_END },
		{ 2 * PAGE_SIZE, 1UL << 47, VMALLOC_END - 4 * PAGE_SIZE,
		  VMALLOC_END },
	};
	unsigned long accounted = vmap_area_accounted(), i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (alloc_vmap_area(bad[i].size, bad[i].align, bad[i].vstart,
				    bad[i].vend, NUMA_NO_NODE, GFP_KERNEL))
			va_bad_bad_args++;
	for (i = 0; i < ARRAY_SIZE(none); i++)
		if (alloc_vmap_area(none[i].size, none[i].align, none[i].vstart,
				    none[i].vend, NUMA_NO_NODE,
				    GFP_KERNEL | __GFP_NOWARN))
			va_bad_bad_args++;
	KTEST_EXPECT_EQ(t, vmap_area_accounted(), accounted);
	KTEST_EXPECT_EQ(t, vmap_area_check(), 0);
	/* the first multiple of 2^46 in the area is the one asked for */
	{
		struct vmap_area *va = alloc_vmap_area(PAGE_SIZE, 1UL << 46,
			VMALLOC_START, VMALLOC_END, NUMA_NO_NODE, GFP_KERNEL);

		KTEST_ASSERT_TRUE(t, va);
		KTEST_EXPECT_EQ(t, va->va_start, 0xffffc00000000000UL);
		free_vmap_area(va);
	}
}

/* The purge comes when the waiting pages pass lazy_max_pages(), not when
 * they reach it: eight areas of an eighth of it each wait, a ninth of one
 * page makes the one flush. */
static void lazy_threshold(struct ktest *t)
{
	unsigned long max = lazy_max_pages(), flushes = host_tlb_flushes;
	unsigned long end = CHECK_WINDOW + 2 * max * PAGE_SIZE;
	struct vmap_area *va[9];
	unsigned int i;

	KTEST_ASSERT_EQ(t, vmap_lazy_pages(), 0);
	for (i = 0; i < 9; i++) {
		va[i] = alloc_vmap_area(i < 8 ? max / 8 * PAGE_SIZE : PAGE_SIZE,
					PAGE_SIZE, CHECK_WINDOW, end,
					NUMA_NO_NODE, GFP_KERNEL);
		KTEST_ASSERT_TRUE(t, va[i]);
	}
	for (i = 0; i < 8; i++)
		free_vmap_area_noflush(va[i]);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), max);
	KTEST_EXPECT_EQ(t, host_tlb_flushes, flushes);
	free_vmap_area_noflush(va[8]);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	KTEST_EXPECT_EQ(t, host_tlb_flushes, flushes + 1);
	/* all of it free again, in one piece */
	va[0] = alloc_vmap_area(end - CHECK_WINDOW, PAGE_SIZE, CHECK_WINDOW, end,
				NUMA_NO_NODE, GFP_KERNEL);
	KTEST_ASSERT_TRUE(t, va[0]);
	free_vmap_area(va[0]);
}

/* Take [base - PAGE_SIZE, base + ARENA_BYTES + PAGE_SIZE) if free, the
 * fences at its ends and the arena between them free; the fence is left
 * out at an end of the vmalloc area. */
static bool set_up_arena(struct arena *a, unsigned long base)
{
	bool lo = base != VMALLOC_START, hi = base + ARENA_BYTES != VMALLOC_END;
	unsigned long start = base - (lo ? PAGE_SIZE : 0);
	unsigned long end = base + ARENA_BYTES + (hi ? PAGE_SIZE : 0);
	struct vmap_area *va = alloc_vmap_area(end - start, PAGE_SIZE, start,
					       end, NUMA_NO_NODE,
					       GFP_KERNEL | __GFP_NOWARN);

	if (!va)
		return false;
	free_vmap_area(va);
	a->base = base;
	a->fence[0] = lo ? alloc_vmap_area(PAGE_SIZE, PAGE_SIZE, start, base,
					   NUMA_NO_NODE, GFP_KERNEL) : NULL;
	a->fence[1] = hi ? alloc_vmap_area(PAGE_SIZE, PAGE_SIZE, end - PAGE_SIZE,
					   end, NUMA_NO_NODE, GFP_KERNEL) : NULL;
	a->occ = calloc(ARENA_PAGES / 64, sizeof(u64));
	a->any_busy = calloc(ARENA_PAGES / 64 / 64, sizeof(u64));
	a->any_free = calloc(ARENA_PAGES / 64 / 64, sizeof(u64));
	memset(a->any_free, 0xff, ARENA_PAGES / 64 / 64 * sizeof(u64));
	a->hot = ARENA_PAGES;
	return (!lo || a->fence[0]) && (!hi || a->fence[1]);
}

static void tear_down_arena(struct ktest *t, struct arena *a)
{
	bool lo = a->fence[0], hi = a->fence[1];
	unsigned long start = a->base - (lo ? PAGE_SIZE : 0);
	unsigned long end = a->base + ARENA_BYTES + (hi ? PAGE_SIZE : 0);
	struct vmap_area *va;

	if (lo)
		free_vmap_area(a->fence[0]);
	if (hi)
		free_vmap_area(a->fence[1]);
	/* all of it one free block again */
	va = alloc_vmap_area(end - start, PAGE_SIZE, start, end, NUMA_NO_NODE,
			     GFP_KERNEL);
	KTEST_EXPECT_TRUE(t, va && va->va_start == start);
	if (va)
		free_vmap_area(va);
	free(a->occ);
	free(a->any_busy);
	free(a->any_free);
}

/*
 * How the time of vmap_area_check() grows with the trees: with n one-page
 * free blocks between one-page busy areas, in a window of their own, for
 * n = CHECK_SMALL and CHECK_BIG.  A walk of the trees takes time in
 * proportion to their nodes; the best of five runs of each keeps the
 * machine's noise out.
 */
#define CHECK_SMALL	16
#define CHECK_BIG	128

static bool check_probed;
static u64 check_small_ns, check_big_ns;

static u64 time_check(void)
{
	u64 best = ~0ULL, t0, dt;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		t0 = local_clock();
		if (vmap_area_check())
			va_bad_check++;
		dt = local_clock() - t0;
		best = min(best, dt);
		if (dt > 100000000)	/* 0.1 s: once is enough to tell */
			break;
	}
	return best;
}

static void probe_check_growth(void)
{
	static struct vmap_area *held[CHECK_BIG + 1];
	unsigned int i, n = 0;

	if (check_probed)
		return;
	check_probed = true;
	for (i = 0; i <= CHECK_BIG; i++) {
		unsigned long at = CHECK_WINDOW + 2UL * i * PAGE_SIZE;

		held[n] = alloc_vmap_area(PAGE_SIZE, PAGE_SIZE, at, at + PAGE_SIZE,
					  NUMA_NO_NODE, GFP_KERNEL);
		if (!held[n] || held[n]->va_start != at)
			va_bad_check++;		/* the window was not free */
		if (held[n])
			n++;
		if (i == CHECK_SMALL)
			check_small_ns = time_check();
	}
	check_big_ns = time_check();
	while (n)
		free_vmap_area(held[--n]);
	/* 8 times the nodes: 8 times the time, or 4 times that for noise */
	check_is_linear = check_big_ns < 4 * check_small_ns *
					 (CHECK_BIG / CHECK_SMALL);
}

static void vmap_area_check_is_linear(struct ktest *t)
{
	unsigned long checks_failed = va_bad_check;

	probe_check_growth();
	ktest_log("  # vmap_area_check: %lu ns with %u free blocks, %lu ns with "
		  "%u\n", (unsigned long)check_small_ns, CHECK_SMALL,
		  (unsigned long)check_big_ns, CHECK_BIG);
	KTEST_EXPECT_EQ(t, va_bad_check, checks_failed);
	KTEST_EXPECT_LT(t, check_big_ns, 4 * check_small_ns *
					 (CHECK_BIG / CHECK_SMALL));
}

static void vmap_area_fuzz_against_shadow(struct ktest *t)
{
	unsigned long ops = fuzz_ops() * 6 / 10, i, phase_end = 0, since = 0;
	unsigned long free_before, flushes_before, purges_before, low;
	unsigned long target = 0;
	unsigned int k, phase = 0;

	probe_check_growth();
	rng = fuzz_option("fuzz.seed", 0x9e3779b97f4a7c15ULL) ^ 0x27d4eb2f;
	run_start_ns = local_clock();
	areas = calloc(MAX_AREAS, sizeof(*areas));
	lazies = calloc(MAX_AREAS, sizeof(*lazies));
	purge_vmap_area_lazy();
	free_before = free_pages_settled();
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	KTEST_EXPECT_EQ(t, vmap_area_accounted(), VMALLOC_END - VMALLOC_START);
	KTEST_EXPECT_EQ(t, vmap_area_check(), 0);
	bad_requests(t);
	lazy_threshold(t);
	purges_before = vmap_purges;
	flushes_before = host_tlb_flushes;

	/* The bottom arena as low as there is room for it. */
	{
		struct vmap_area *va = alloc_vmap_area(ARENA_BYTES + 2 * PAGE_SIZE,
			PAGE_SIZE, VMALLOC_START, VMALLOC_END, NUMA_NO_NODE,
			GFP_KERNEL);

		KTEST_ASSERT_TRUE(t, va);
		low = va->va_start;
		free_vmap_area(va);
	}
	KTEST_ASSERT_TRUE(t, set_up_arena(&arenas[0], low == VMALLOC_START ?
					  low : low + PAGE_SIZE));
	KTEST_ASSERT_TRUE(t, set_up_arena(&arenas[1], VMALLOC_START +
					  (1UL << 45) + 0x123457000UL));
	KTEST_ASSERT_TRUE(t, set_up_arena(&arenas[2], VMALLOC_END - ARENA_BYTES));
	if (low != VMALLOC_START)
		ktest_log("  # vmap_area_fuzz: the bottom arena starts at 0x%lx, "
			  "not at VMALLOC_START\n", arenas[0].base);

	for (i = 0; i < ops; i++) {
		u64 r = rnd();
		unsigned int sel;
		bool purged = false;
		unsigned long nl = va_purges;

		/* Phases, each with a number of areas to reach: in turn
		 * large (long enough to get there), few, some, any; and where
		 * most windows start. */
		if (i >= phase_end) {
			switch (phase++ % 4) {
			case 0:
				target = MAX_AREAS / 4 + (r >> 8) % (MAX_AREAS / 4);
				phase_end = i + 200000 + (r >> 40) % 300000;
				break;
			case 1:
				target = (r >> 8) % 32;
				phase_end = i + 1000 + (r >> 40) % 100000;
				break;
			case 2:
				target = (r >> 8) % 2000;
				phase_end = i + 1000 + (r >> 40) % 300000;
				break;
			default:
				target = (r >> 8) % (MAX_AREAS / 2);
				phase_end = i + 1000 + (r >> 40) % 500000;
			}
			wide_windows = (phase - 1) % 4 >= 2 && r >> 63;
			for (k = 0; k < NARENAS; k++)
				arenas[k].hot = 1u << (10 + (r >> (16 + 4 * k)) % 13);
			r = rnd();
		}
		sel = r % 1000;
		r >>= 10;
		if (sel < 600 && nareas)	/* towards the target */
			sel = sel < (nareas < target ? 570 : 150) ? 0 :
			      r & 1 ? 700 : 900;
		if (!nareas || sel < 700) {
			struct request rq;

			if (nareas < MAX_AREAS - 1) {
				random_request(&rq);
				do_alloc(&rq);
			}
		} else if (sel < 900) {
			do_free_lazy(r % nareas);
		} else if (sel < 970) {
			do_free(r % nareas);
		} else if (sel < 985) {
			do_refill(r % nareas);
		} else {
			do_purge();
		}
		purged = va_purges != nl;
		if (vmap_lazy_pages() != lazy_pages)
			va_bad_lazy++;
		since++;
		if ((purged && nareas < 256) || since * 2 >= nareas) {
			check_accounting();
			since = 0;
		}
		chapter_check(false);
	}
	check_accounting();
	chapter_check(false);

	/* Everything back, some of it lazily. */
	while (nareas) {
		if (rnd() % 2)
			do_free(nareas - 1);
		else
			do_free_lazy(nareas - 1);
	}
	do_purge();
	check_accounting();
	chapter_check(true);
	for (k = 0; k < NARENAS; k++)
		tear_down_arena(t, &arenas[k]);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	KTEST_EXPECT_EQ(t, vmap_area_accounted(), VMALLOC_END - VMALLOC_START);
	KTEST_EXPECT_EQ(t, vmap_area_check(), 0);
	KTEST_EXPECT_EQ(t, host_tlb_flushes - flushes_before, va_purges);
	KTEST_EXPECT_EQ(t, vmap_purges - purges_before, va_purges);
	KTEST_EXPECT_EQ(t, free_pages_settled(), free_before);

	ktest_log("  # vmap_area_fuzz: %lu operations: %lu allocations (%lu exact, "
		  "%lu with an adjusted search, %lu in a window of their size, "
		  "%lu refills), %lu failed (%lu where only a fit smaller than "
		  "size + align existed), %lu frees, %lu lazy frees, %lu purges "
		  "(%lu at the threshold, %lu by a failed search, of %lu calls), "
		  "%lu checks (%llu ms), at most %lu areas, in %llu ms\n", ops,
		  va_allocs, va_exact, va_adjusted, va_tight, va_refills,
		  va_failed, va_heuristic_misses, va_frees, va_lazy_frees,
		  va_purges, va_purges_threshold, va_purges_retry,
		  va_purges_called, va_checks,
		  (unsigned long long)check_ns / 1000000, va_max_areas,
		  (unsigned long long)(local_clock() - run_start_ns) / 1000000);
	KTEST_EXPECT_EQ(t, va_outside, 0);
	KTEST_EXPECT_EQ(t, va_misaligned, 0);
	KTEST_EXPECT_EQ(t, va_overlap, 0);
	KTEST_EXPECT_EQ(t, va_not_lowest, 0);
	KTEST_EXPECT_EQ(t, va_above_bound, 0);
	KTEST_EXPECT_EQ(t, va_refused, 0);
	KTEST_EXPECT_EQ(t, va_not_refused, 0);
	KTEST_EXPECT_EQ(t, va_bad_purge, 0);
	KTEST_EXPECT_EQ(t, va_bad_lazy, 0);
	KTEST_EXPECT_EQ(t, va_bad_check, 0);
	KTEST_EXPECT_EQ(t, va_bad_accounting, 0);
	KTEST_EXPECT_EQ(t, va_bad_bad_args, 0);
	/* the run did what it says */
	KTEST_EXPECT_GT(t, va_allocs, ops / 3);
	KTEST_EXPECT_GT(t, va_failed, ops / 100);
	KTEST_EXPECT_GT(t, va_adjusted, ops / 10);
	KTEST_EXPECT_GT(t, va_tight, ops / 50);
	KTEST_EXPECT_GT(t, va_purges_retry, 0);
	if (ops >= 1000000) {
		KTEST_EXPECT_GT(t, va_purges_threshold, 0);
		KTEST_EXPECT_GT(t, va_max_areas, 10000);
	}
	free(areas);
	free(lazies);
}

/* ================================================================ vmalloc */
#define VM_MAX_LIVE	128
#define VM_MAX_PAGES	512		/* the pages array stays in kmalloc */
#define VM_PAGE_BUDGET	2048		/* pages held at most, in all */
#define VM_VMAP_MAX	64

struct vm_obj {
	void *addr;
	struct page **pages;	/* vmap: the caller's array; vmalloc: NULL */
	unsigned long align;
	u32 npages, id;
	bool zeroed;
};

struct vm_range {
	unsigned long start, end;
};

static struct vm_obj *vm_live;
static struct vm_range *vm_waiting;	/* freed, not yet purged */
static unsigned long vm_nlive, vm_nwaiting, vm_held, vm_lazy;
static u8 *vm_owner;			/* a bit per page of the arena */

/* What the model found wrong. */
static unsigned long vm_refused, vm_bad_area, vm_misaligned, vm_overlap,
	vm_reused_early, vm_bad_map, vm_mapped_guard, vm_twice, vm_not_zero,
	vm_corrupt, vm_left_mapped, vm_bad_purge, vm_bad_lazy,
	vm_bad_mapped_count;
/* What the run did. */
static unsigned long vm_allocs, vm_zallocs, vm_aligned, vm_frees, vm_vmaps,
	vm_vunmaps, vm_purges, vm_pages_checked, vm_max_held;
static u32 vm_next_id = 1;

static u64 vm_word(u32 id, unsigned long i)
{
	return (id * 0x9e3779b97f4a7c15ULL) ^ (i * 0xc2b2ae3d27d4eb4fULL);
}

static bool vm_owner_flip(struct page *page, bool want_set)
{
	unsigned long pfn = page_to_pfn(page) - arena_start_pfn;
	bool set;

	if (pfn >= arena_pages)
		return false;
	set = vm_owner[pfn / 8] & (1 << (pfn % 8));
	vm_owner[pfn / 8] ^= 1 << (pfn % 8);
	return set == want_set;
}

/* Page i of o, as the area says (vmalloc) or as the caller gave it. */
static struct page *vm_page(const struct vm_obj *o, u32 i)
{
	return o->pages ? o->pages[i] : find_vm_area(o->addr)->pages[i];
}

/* Every page of o where its pages are, and its guard page unmapped. */
static void vm_check_mapping(const struct vm_obj *o, u64 r)
{
	unsigned long addr = (unsigned long)o->addr;
	struct pt_walk w;
	u32 i;

	for (i = 0; i < o->npages; i++, r = r * 6364136223846793005ULL + 1) {
		unsigned long off = (r >> 33) % PAGE_SIZE;
		unsigned long va = addr + i * PAGE_SIZE + off;
		struct page *page = vm_page(o, i);

		if (vmalloc_to_page((void *)va) != page ||
		    vmalloc_to_pfn((void *)va) != page_to_pfn(page) ||
		    kernel_walk(va, &w) || w.pa != page_to_phys(page) + off)
			vm_bad_map++;
		vm_pages_checked++;
	}
	if (vmalloc_to_page((void *)(addr + o->npages * PAGE_SIZE)) ||
	    !kernel_walk(addr + o->npages * PAGE_SIZE, &w))
		vm_mapped_guard++;
}

/* A new area: where it is, what it holds, and that it is new. */
static bool vm_took(struct vm_obj *o, unsigned long mapped_before)
{
	unsigned long start = (unsigned long)o->addr, i;
	unsigned long end = start + (o->npages + 1UL) * PAGE_SIZE;
	struct vm_struct *area = find_vm_area(o->addr);

	if (!area || area->addr != o->addr ||
	    area->size != (o->npages + 1UL) * PAGE_SIZE ||
	    area->flags != (o->pages ? VM_MAP : VM_ALLOC) ||
	    (!o->pages && (area->nr_pages != o->npages || !area->pages ||
			   is_vmalloc_addr(area->pages)))) {
		vm_bad_area++;
		return false;
	}
	if (!is_vmalloc_addr(o->addr) || !is_vmalloc_addr((void *)(end - 1)) ||
	    start % o->align)
		vm_misaligned++;
	for (i = 0; i < vm_nlive; i++)
		if (start < (unsigned long)vm_live[i].addr +
			    (vm_live[i].npages + 1UL) * PAGE_SIZE &&
		    (unsigned long)vm_live[i].addr < end)
			vm_overlap++;
	for (i = 0; i < vm_nwaiting; i++)
		if (start < vm_waiting[i].end && vm_waiting[i].start < end)
			vm_reused_early++;
	if (host_mapped_pages != mapped_before + o->npages)
		vm_bad_mapped_count++;
	vm_check_mapping(o, rnd());
	if (!o->pages) {
		for (i = 0; i < o->npages; i++) {
			struct page *page = area->pages[i];
			u64 *q = page_address(page);
			unsigned long j;

			if (!vm_owner_flip(page, false))
				vm_twice++;
			if (o->zeroed)
				for (j = 0; j < PAGE_SIZE / 8; j++)
					if (q[j]) {
						vm_not_zero++;
						break;
					}
			for (j = 0; j < PAGE_SIZE / 8; j++)
				q[j] = vm_word(o->id, i * PAGE_SIZE / 8 + j);
		}
	}
	vm_held += o->npages;
	vm_max_held = max(vm_max_held, vm_held);
	vm_live[vm_nlive++] = *o;
	return true;
}

static void vm_alloc(u64 r)
{
	unsigned int kind = r % 6;
	unsigned long mapped = host_mapped_pages, size;
	struct vm_obj o = { .align = PAGE_SIZE, .id = vm_next_id++ };

	r >>= 3;
	o.npages = r % 10 < 6 ? 1 + (r >> 4) % 8 : r % 10 < 9 ?
		   9 + (r >> 4) % 56 : 65 + (r >> 4) % (VM_MAX_PAGES - 64);
	if (kind == 4)
		o.npages = THREAD_SIZE / PAGE_SIZE;
	if (vm_held + o.npages > VM_PAGE_BUDGET || vm_nlive >= VM_MAX_LIVE)
		return;
	/* any size that rounds up to npages pages */
	size = o.npages * PAGE_SIZE - (r >> 20) % PAGE_SIZE;
	switch (kind) {
	case 0:
		o.addr = vmalloc(size);
		break;
	case 1:
		o.addr = vzalloc(size);
		o.zeroed = true;
		break;
	case 2:
		o.addr = vmalloc_node(size, 0);
		break;
	case 3:
		o.addr = vzalloc_node(size, 0);
		o.zeroed = true;
		break;
	case 4:				/* a kernel stack */
		o.addr = alloc_thread_stack_node(0);
		o.align = THREAD_ALIGN;
		o.zeroed = true;
		vm_aligned++;
		break;
	default:
		o.addr = __vmalloc(size, GFP_KERNEL | __GFP_ZERO);
		o.zeroed = true;
		break;
	}
	if (!o.addr) {
		vm_refused++;
		return;
	}
	vm_allocs++;
	if (o.zeroed)
		vm_zallocs++;
	vm_took(&o, mapped);
}

static void vm_map_pages(u64 r)
{
	unsigned long mapped = host_mapped_pages;
	struct vm_obj o = { .align = PAGE_SIZE, .id = vm_next_id++ };
	u32 i;

	o.npages = 1 + r % VM_VMAP_MAX;
	if (vm_held + o.npages > VM_PAGE_BUDGET || vm_nlive >= VM_MAX_LIVE)
		return;
	o.pages = calloc(o.npages, sizeof(*o.pages));
	for (i = 0; i < o.npages; i++) {
		o.pages[i] = alloc_page(GFP_KERNEL);
		if (!o.pages[i] || !vm_owner_flip(o.pages[i], false))
			vm_twice++;
	}
	o.addr = vmap(o.pages, o.npages, 0, PAGE_KERNEL);
	if (!o.addr) {
		vm_refused++;
		for (i = 0; i < o.npages; i++) {
			vm_owner_flip(o.pages[i], true);
			__free_page(o.pages[i]);
		}
		free(o.pages);
		return;
	}
	vm_vmaps++;
	vm_took(&o, mapped);
}

/* vfree or vunmap live area k: everything unmapped, the range waiting,
 * and a purge exactly when the waiting pages pass lazy_max_pages(). */
static void vm_release(unsigned long k)
{
	struct vm_obj o = vm_live[k];
	unsigned long start = (unsigned long)o.addr, i, j;
	unsigned long size = (o.npages + 1UL) * PAGE_SIZE;
	unsigned long mapped = host_mapped_pages, flushes = host_tlb_flushes;
	static struct page *pages[VM_MAX_PAGES];
	struct pt_walk w;

	vm_live[k] = vm_live[--vm_nlive];
	for (i = 0; i < o.npages; i++) {
		pages[i] = vm_page(&o, i);
		if (!o.pages) {		/* its contents are as we left them */
			const u64 *q = page_address(pages[i]);

			for (j = 0; j < PAGE_SIZE / 8; j += PAGE_SIZE / 64)
				if (q[j] != vm_word(o.id, i * PAGE_SIZE / 8 + j)) {
					vm_corrupt++;
					break;
				}
		}
	}
	if (o.pages) {
		vunmap(o.addr);
		vm_vunmaps++;
	} else {
		vfree(o.addr);
		vm_frees++;
	}
	vm_held -= o.npages;
	if (host_mapped_pages != mapped - o.npages)
		vm_bad_mapped_count++;
	for (i = 0; i <= o.npages; i++)
		if (!kernel_walk(start + i * PAGE_SIZE, &w) ||
		    vmalloc_to_page((void *)(start + i * PAGE_SIZE)))
			vm_left_mapped++;
	if (find_vm_area(o.addr))
		vm_bad_area++;
	vm_waiting[vm_nwaiting].start = start;
	vm_waiting[vm_nwaiting++].end = start + size;
	vm_lazy += size >> PAGE_SHIFT;
	if (vm_lazy > lazy_max_pages()) {	/* the purge came */
		if (host_tlb_flushes != flushes + 1)
			vm_bad_purge++;
		vm_nwaiting = vm_lazy = 0;
		vm_purges++;
	} else if (host_tlb_flushes != flushes) {
		vm_bad_purge++;
	}
	if (vmap_lazy_pages() != vm_lazy)
		vm_bad_lazy++;
	for (i = 0; i < o.npages; i++) {
		if (!vm_owner_flip(pages[i], true))
			vm_twice++;
		if (o.pages)
			__free_page(pages[i]);
	}
	free(o.pages);
}

/* Calls that must change nothing. */
static void vm_bad_calls(struct ktest *t)
{
	unsigned long mapped = host_mapped_pages, accounted = vmap_area_accounted();
	void *p = vmalloc(3 * PAGE_SIZE);

	KTEST_ASSERT_TRUE(t, p);
	KTEST_EXPECT_EQ(t, host_mapped_pages, mapped + 3);
	vfree(NULL);
	vunmap(NULL);
	vfree((char *)p + PAGE_SIZE);		/* not the start: reported */
	vunmap((char *)p + PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, find_vm_area(p) && find_vm_area(p)->addr == p);
	KTEST_EXPECT_EQ(t, host_mapped_pages, mapped + 3);
	KTEST_EXPECT_TRUE(t, vmalloc(0) == NULL);
	KTEST_EXPECT_TRUE(t, vmap(NULL, 0, 0, PAGE_KERNEL) == NULL);
	KTEST_EXPECT_TRUE(t, vmalloc_to_page((void *)VMALLOC_END) == NULL);
	KTEST_EXPECT_TRUE(t, vmalloc_to_page((void *)(VMALLOC_START - 1)) == NULL);
	vfree(p);
	vm_lazy += 4;
	if (vm_lazy > lazy_max_pages())
		vm_lazy = 0;
	KTEST_EXPECT_EQ(t, host_mapped_pages, mapped);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), vm_lazy);
	KTEST_EXPECT_EQ(t, vmap_area_accounted(), accounted);
	purge_vmap_area_lazy();
	vm_lazy = 0;
}

/* With every page taken, vmalloc fails, and gives back what it took: the
 * pages it had, the mapping it did not make, and its range, lazily.  One
 * object of each size it needs is freed first, so that only the pages
 * can be missing. */
static void vm_out_of_pages(struct ktest *t)
{
	struct held { struct page *page; unsigned int order; } *held;
	unsigned long mapped = host_mapped_pages, flushes = host_tlb_flushes;
	unsigned long n = 0, npages = 64;
	struct vmap_area *va;
	struct page *page;
	int order;
	void *p;

	held = calloc(arena_pages, sizeof(*held));
	kfree(kmalloc(sizeof(struct vm_struct), GFP_KERNEL));
	kfree(kmalloc(npages * sizeof(struct page *), GFP_KERNEL));
	va = alloc_vmap_area(PAGE_SIZE, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
			     NUMA_NO_NODE, GFP_KERNEL);
	KTEST_ASSERT_TRUE(t, va);
	free_vmap_area(va);
	for (order = MAX_ORDER; order >= 0; order--)
		while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order))) {
			held[n].page = page;
			held[n++].order = order;
		}
	p = vmalloc(npages * PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, p == NULL);
	if (p)
		vfree(p);
	KTEST_EXPECT_EQ(t, host_mapped_pages, mapped);
	vm_lazy += npages + 1;
	if (vm_lazy > lazy_max_pages()) {
		vm_lazy = 0;
		vm_purges++;
	}
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), vm_lazy);
	KTEST_EXPECT_EQ(t, host_tlb_flushes, flushes + !vm_lazy);
	while (n--)
		__free_pages(held[n].page, held[n].order);
	free(held);
}

static void vmalloc_fuzz_through_page_tables(struct ktest *t)
{
	unsigned long ops = max(fuzz_ops() / 500, 1000UL), i, free_before;
	unsigned long mapped_before, flushes_before;
	u64 t0 = local_clock();

	rng = fuzz_option("fuzz.seed", 0x9e3779b97f4a7c15ULL) ^ 0x165667b1;
	vm_live = calloc(VM_MAX_LIVE, sizeof(*vm_live));
	/* each range waiting has two pages at least */
	vm_waiting = calloc(lazy_max_pages() / 2 + 2, sizeof(*vm_waiting));
	vm_owner = calloc(arena_pages / 8 + 1, 1);
	purge_vmap_area_lazy();
	free_before = free_pages_settled();
	mapped_before = host_mapped_pages;
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	vm_bad_calls(t);
	flushes_before = host_tlb_flushes;

	for (i = 0; i < ops; i++) {
		u64 r = rnd();
		unsigned int sel = r % 100;

		r >>= 7;
		if (sel < 45 || !vm_nlive)
			vm_alloc(r);
		else if (sel < 60)
			vm_map_pages(r);
		else
			vm_release(r % vm_nlive);
		if (i % 64 == 63) {	/* every live area, every page */
			unsigned long k;

			for (k = 0; k < vm_nlive; k++)
				vm_check_mapping(&vm_live[k], rnd());
		}
	}
	while (vm_nlive)
		vm_release(vm_nlive - 1);
	vm_out_of_pages(t);
	purge_vmap_area_lazy();
	if (vm_lazy)
		vm_purges++;
	KTEST_EXPECT_EQ(t, host_tlb_flushes - flushes_before, vm_purges);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	KTEST_EXPECT_EQ(t, vmap_area_accounted(), VMALLOC_END - VMALLOC_START);
	KTEST_EXPECT_EQ(t, vmap_area_check(), 0);
	KTEST_EXPECT_EQ(t, host_mapped_pages, mapped_before);
	KTEST_EXPECT_EQ(t, free_pages_settled(), free_before);

	ktest_log("  # vmalloc_fuzz: %lu operations: %lu vmallocs (%lu zeroed, "
		  "%lu stacks), %lu vfrees, %lu vmaps, %lu vunmaps, %lu purges, "
		  "%lu pages checked, at most %lu pages held, in %llu ms\n", ops,
		  vm_allocs, vm_zallocs, vm_aligned, vm_frees, vm_vmaps,
		  vm_vunmaps, vm_purges, vm_pages_checked, vm_max_held,
		  (unsigned long long)(local_clock() - t0) / 1000000);
	KTEST_EXPECT_EQ(t, vm_refused, 0);
	KTEST_EXPECT_EQ(t, vm_bad_area, 0);
	KTEST_EXPECT_EQ(t, vm_misaligned, 0);
	KTEST_EXPECT_EQ(t, vm_overlap, 0);
	KTEST_EXPECT_EQ(t, vm_reused_early, 0);
	KTEST_EXPECT_EQ(t, vm_bad_map, 0);
	KTEST_EXPECT_EQ(t, vm_mapped_guard, 0);
	KTEST_EXPECT_EQ(t, vm_twice, 0);
	KTEST_EXPECT_EQ(t, vm_not_zero, 0);
	KTEST_EXPECT_EQ(t, vm_corrupt, 0);
	KTEST_EXPECT_EQ(t, vm_left_mapped, 0);
	KTEST_EXPECT_EQ(t, vm_bad_purge, 0);
	KTEST_EXPECT_EQ(t, vm_bad_lazy, 0);
	KTEST_EXPECT_EQ(t, vm_bad_mapped_count, 0);
	/* the run did what it says */
	KTEST_EXPECT_GT(t, vm_allocs, ops / 4);
	KTEST_EXPECT_GT(t, vm_vmaps, ops / 20);
	KTEST_EXPECT_GT(t, vm_aligned, 0);
	KTEST_EXPECT_GT(t, vm_purges, 0);
	free(vm_live);
	free(vm_waiting);
	free(vm_owner);
}

KTEST_SUITE(host_vmalloc_fuzz, 5,
	KTEST_CASE(rbtree_fuzz_against_shadow),
	KTEST_CASE(vmap_area_check_is_linear),
	KTEST_CASE(vmap_area_fuzz_against_shadow),
	KTEST_CASE(vmalloc_fuzz_through_page_tables));
#endif
