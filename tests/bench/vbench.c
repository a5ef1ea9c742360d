/*
 * tests/bench/vbench.c: chapter 5's benchmark inside the kernel (stage 5
 * on).  Not part of any stage: tests/bench/bench.mk (target kernel) copies
 * the newest stage's tree to build/kbench/src, adds this file as
 * kernel/vbench.c and tests/bench/firstfit.h beside it, and builds the
 * copy as a production kernel (no CONFIG_DEBUG_VM), build/kbench/Image.
 * tests/bench/run boots it with
 *
 *	-icount shift=0,sleep=off  and the command line  ktest=vbench
 *
 * so that the suite below is the only one that runs.  Under -icount
 * shift=0 QEMU's virtual clock advances one nanosecond per instruction,
 * so the generic timer's counter, CNTVCT_EL0, counts instructions, one
 * tick per 1e9 / CNTFRQ_EL0 of them (16 at the 62.5 MHz of QEMU's virt
 * machine): a loop read around with it costs exactly the same in every
 * run (DESIGN.md, section 11).  One CPU runs the suite, and each case of
 * vmalloc runs with interrupts masked (stage 5 on takes them: a tick
 * inside a loop would add its handler's instructions; the tick counts the
 * periods that passed when it comes), so nothing else runs inside a loop.
 * The last case measures the round trip of an interrupt itself.
 *
 * Each case prints lines "vbench: NAME OPS INSTRUCTIONS [WORD VALUE]..."
 * (instructions of all OPS operations together, the loop included), which
 * tests/bench/run turns into its table, and checks what must hold
 * exactly: every allocation succeeds, and a lazy purge of many areas
 * makes one TLB flush (vmap_purges counts them: purge_vmap_area_lazy is
 * vmalloc's only caller of flush_tlb_kernel_range, since vfree unmaps
 * with unmap_kernel_range_noflush).
 */
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <asm/barrier.h>
#include <asm/processor.h>
#include <asm/sysreg.h>
#include "firstfit.h"

#define VBENCH_LIVE_MAX	15000
#define VBENCH_PURGE_N	1000	/* areas of the lazy purge case */

static u64 instr_per_tick;

static u64 ticks(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static void report(const char *name, unsigned long ops, u64 t0, u64 t1)
{
	pr_info("vbench: %s %lu %llu\n", name, ops, (t1 - t0) * instr_per_tick);
}

/* ---------------------------------------------------------------- areas */

/*
 * The workload of tests/bench/bench.c's vtree and vlist cases: 2n
 * one-page areas, every other one freed again from the top down, so that
 * n live areas stand between n one-page holes; then the allocation of two
 * pages (a page and its guard page) and its free, which no hole fits.
 */
static struct vmap_area *vlive[2 * VBENCH_LIVE_MAX];
static unsigned long fflive[2 * VBENCH_LIVE_MAX];
static struct ff_list ffl;

static bool fragment_tree(long n)
{
	long i;

	for (i = 0; i < 2 * n; i++)
		if (!(vlive[i] = alloc_vmap_area(PAGE_SIZE, 1, VMALLOC_START,
						 VMALLOC_END, NUMA_NO_NODE,
						 GFP_KERNEL)))
			return false;
	for (i = 2 * n - 2; i >= 0; i -= 2)
		free_vmap_area(vlive[i]);
	return true;
}

static void unfragment_tree(long n)
{
	long i;

	for (i = 1; i < 2 * n; i += 2)
		free_vmap_area(vlive[i]);
}

static bool fragment_list(long n)
{
	return ff_fragment(&ffl, fflive, n, VMALLOC_START, VMALLOC_END,
			   PAGE_SIZE);
}

static __always_inline bool tree_pair(void)
{
	struct vmap_area *va = alloc_vmap_area(2 * PAGE_SIZE, 1, VMALLOC_START,
					       VMALLOC_END, NUMA_NO_NODE,
					       GFP_KERNEL);
	if (!va)
		return false;
	free_vmap_area(va);
	return true;
}

static __always_inline bool list_pair(void)
{
	unsigned long a = ff_alloc(&ffl, 2 * PAGE_SIZE, 1);

	return a && !ff_free(&ffl, a, 2 * PAGE_SIZE);
}

static __noinline long loop_tree(long n)
{
	long i;

	for (i = 0; i < n && tree_pair(); i++)
		;
	return i;
}

static __noinline long loop_list(long n)
{
	long i;

	for (i = 0; i < n && list_pair(); i++)
		;
	return i;
}

static const long vbench_live[] = { 10, 100, 1000, 5000, 15000 };

static void vbench_areas_loops(struct ktest *t)
{
	char name[32];
	unsigned int k;
	long n, ops;
	u64 t0, t1;

	for (k = 0; k < ARRAY_SIZE(vbench_live); k++) {
		n = vbench_live[k];
		KTEST_ASSERT_TRUE(t, fragment_tree(n));
		KTEST_ASSERT_EQ(t, loop_tree(100), 100);	/* warm up */
		t0 = ticks();
		ops = loop_tree(8192);
		t1 = ticks();
		KTEST_EXPECT_EQ(t, ops, 8192);
		snprintf(name, sizeof(name), "tree%ld", n);
		report(name, ops, t0, t1);
		unfragment_tree(n);

		KTEST_ASSERT_TRUE(t, fragment_list(n));
		KTEST_ASSERT_EQ(t, loop_list(100), 100);
		t0 = ticks();
		ops = loop_list(8192 * 10 / n + 200);
		t1 = ticks();
		KTEST_EXPECT_EQ(t, ops, 8192 * 10 / n + 200);
		snprintf(name, sizeof(name), "list%ld", n);
		report(name, ops, t0, t1);
	}
}

/* ---------------------------------------------------------------- vmalloc */

static struct page *bulk[16];
static void *areas[VBENCH_PURGE_N];

static __noinline long loop_vmalloc(long n, unsigned long size)
{
	long i;
	void *p;

	for (i = 0; i < n && (p = vmalloc(size)); i++)
		vfree(p);
	return i;
}

static __noinline long loop_page(long n)
{
	struct page *page;
	long i;

	for (i = 0; i < n && (page = alloc_page(GFP_KERNEL)); i++)
		__free_page(page);
	return i;
}

/* The bulk allocator fills the empty entries of its array: the frees
 * leave every entry empty again. */
static __noinline long loop_bulk(long n, unsigned int nr)
{
	unsigned int j;
	long i;

	for (i = 0; i < n && alloc_pages_bulk(GFP_KERNEL, nr, bulk) == nr; i++)
		for (j = 0; j < nr; j++) {
			__free_page(bulk[j]);
			bulk[j] = NULL;
		}
	return i;
}

/*
 * vmalloc and vfree of `pages` pages, beside the page allocator's cost of
 * the same pages.  A vfree puts the area (its pages and the guard page)
 * on the purge list, and the free that takes the list past
 * lazy_max_pages() purges it: per frees make one purge, and the loop runs
 * twice per of them from an empty list, so that it holds two purges
 * exactly; a first round of per, not measured, makes the page tables
 * that the addresses need.
 */
static void vbench_one(struct ktest *t, unsigned int pages)
{
	long per = lazy_max_pages() / (pages + 1) + 1, ops;
	unsigned long purges;
	char name[32];
	u64 t0, t1;

	purge_vmap_area_lazy();
	KTEST_ASSERT_EQ(t, loop_vmalloc(per, pages * PAGE_SIZE), per);
	purge_vmap_area_lazy();
	KTEST_ASSERT_EQ(t, vmap_lazy_pages(), 0);
	purges = vmap_purges;
	t0 = ticks();
	ops = loop_vmalloc(2 * per, pages * PAGE_SIZE);
	t1 = ticks();
	purges = vmap_purges - purges;
	KTEST_EXPECT_EQ(t, ops, 2 * per);
	KTEST_EXPECT_EQ(t, purges, 2);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	snprintf(name, sizeof(name), "vmalloc%u", pages);
	pr_info("vbench: %s %ld %llu purges %lu\n", name, ops,
		(t1 - t0) * instr_per_tick, purges);

	if (pages == 1) {
		KTEST_ASSERT_EQ(t, loop_page(1000), 1000);
		t0 = ticks();
		ops = loop_page(2 * per);
		t1 = ticks();
		report("page1", ops, t0, t1);
	} else {
		KTEST_ASSERT_EQ(t, loop_bulk(100, pages), 100);
		t0 = ticks();
		ops = loop_bulk(2 * per, pages);
		t1 = ticks();
		snprintf(name, sizeof(name), "bulk%u", pages);
		report(name, ops, t0, t1);
	}
	KTEST_EXPECT_EQ(t, ops, 2 * per);
}

static void vbench_vmalloc_loops(struct ktest *t)
{
	vbench_one(t, 1);
	vbench_one(t, 16);
}

/*
 * Where vmalloc(PAGE_SIZE) and its vfree spend their instructions: each
 * step of the pair on its own, in a loop of as many operations as
 * vbench_one's: the two-page area (alloc_vmap_area and
 * free_vmap_area_noflush, with the purges that its frees bring, as vfree
 * makes them), the vm_struct and the one-entry pages array from kmalloc,
 * the page from alloc_pages_bulk, mapping and unmapping it, and the
 * lookup of the area by its address that vfree makes.  What vmalloc
 * costs beyond their sum is its own code between them.  Beside them, to
 * tell what the zeroing costs, the vm_struct without __GFP_ZERO.
 */
static __noinline long loop_area(long n, unsigned long size)
{
	struct vmap_area *va;
	long i;

	for (i = 0; i < n && (va = alloc_vmap_area(size, 1, VMALLOC_START,
						   VMALLOC_END, NUMA_NO_NODE,
						   GFP_KERNEL)); i++)
		free_vmap_area_noflush(va);
	return i;
}

static __noinline long loop_kmalloc(long n, size_t size, gfp_t gfp)
{
	void *p;
	long i;

	for (i = 0; i < n && (p = kmalloc_node(size, gfp, NUMA_NO_NODE)); i++)
		kfree(p);
	return i;
}

static __noinline long loop_map(long n, unsigned long addr, phys_addr_t phys)
{
	long i;

	for (i = 0; i < n && !map_kernel_range(addr, phys, PAGE_SIZE, PAGE_KERNEL,
					       NO_BLOCK_MAPPINGS); i++)
		unmap_kernel_range_noflush(addr, PAGE_SIZE);
	return i;
}

static __noinline long loop_find(long n, const void *addr)
{
	long i;

	for (i = 0; i < n && find_vm_area(addr); i++)
		;
	return i;
}

#define VBENCH_PART(t, name, n, call) do {				\
	u64 __t0 = ticks();						\
	long __ops = (call);						\
	u64 __t1 = ticks();						\
									\
	KTEST_EXPECT_EQ(t, __ops, n);					\
	report(name, __ops, __t0, __t1);				\
} while (0)

static void vbench_vmalloc_parts_loops(struct ktest *t)
{
	long n = 2 * (lazy_max_pages() / 2 + 1);
	unsigned long addr;
	phys_addr_t phys;
	void *p;

	purge_vmap_area_lazy();
	KTEST_ASSERT_EQ(t, loop_area(n / 2, 2 * PAGE_SIZE), n / 2);
	VBENCH_PART(t, "part_area", n, loop_area(n, 2 * PAGE_SIZE));
	VBENCH_PART(t, "part_vm_struct", n,
		    loop_kmalloc(n, sizeof(struct vm_struct), GFP_KERNEL | __GFP_ZERO));
	VBENCH_PART(t, "part_pages_array", n,
		    loop_kmalloc(n, sizeof(struct page *), GFP_KERNEL | __GFP_ZERO));
	/* not a part: the same vm_struct without __GFP_ZERO */
	VBENCH_PART(t, "part_vm_struct_nozero", n,
		    loop_kmalloc(n, sizeof(struct vm_struct), GFP_KERNEL));
	KTEST_ASSERT_EQ(t, loop_bulk(100, 1), 100);
	VBENCH_PART(t, "part_page", n, loop_bulk(n, 1));
	p = vmalloc(PAGE_SIZE);
	KTEST_ASSERT_TRUE(t, p);
	addr = (unsigned long)p;
	phys = page_to_phys(vmalloc_to_page(p));
	unmap_kernel_range_noflush(addr, PAGE_SIZE);
	VBENCH_PART(t, "part_map", n, loop_map(n, addr, phys));
	KTEST_EXPECT_EQ(t, map_kernel_range(addr, phys, PAGE_SIZE, PAGE_KERNEL,
					    NO_BLOCK_MAPPINGS), 0);
	VBENCH_PART(t, "part_find", n, loop_find(n, p));
	vfree(p);
}

/*
 * The lazy purge: VBENCH_PURGE_N one-page areas vmalloc'd, then vfree'd
 * (their pages go back at once, their addresses wait on the purge list,
 * and no TLB flush is made), then one purge, one flush for all of them.
 * Beside it the same areas freed with a purge after every vfree, as a
 * vfree that flushed at once would: a flush per area.
 */
static void vbench_purge_loops(struct ktest *t)
{
	unsigned long purges, lazy;
	u64 t0, t1, t2;
	int i;

	purge_vmap_area_lazy();
	for (i = 0; i < VBENCH_PURGE_N; i++)
		KTEST_ASSERT_TRUE(t, areas[i] = vmalloc(PAGE_SIZE));
	purges = vmap_purges;
	t0 = ticks();
	for (i = 0; i < VBENCH_PURGE_N; i++)
		vfree(areas[i]);
	t1 = ticks();
	lazy = vmap_lazy_pages();
	KTEST_EXPECT_EQ(t, vmap_purges - purges, 0);
	KTEST_EXPECT_EQ(t, lazy, 2 * VBENCH_PURGE_N);
	purge_vmap_area_lazy();
	t2 = ticks();
	KTEST_EXPECT_EQ(t, vmap_purges - purges, 1);
	KTEST_EXPECT_EQ(t, vmap_lazy_pages(), 0);
	pr_info("vbench: purge_lazy %d %llu flushes %lu vfree %llu\n",
		VBENCH_PURGE_N, (t2 - t0) * instr_per_tick, vmap_purges - purges,
		(t1 - t0) * instr_per_tick);

	for (i = 0; i < VBENCH_PURGE_N; i++)
		KTEST_ASSERT_TRUE(t, areas[i] = vmalloc(PAGE_SIZE));
	purges = vmap_purges;
	t0 = ticks();
	for (i = 0; i < VBENCH_PURGE_N; i++) {
		vfree(areas[i]);
		purge_vmap_area_lazy();
	}
	t1 = ticks();
	KTEST_EXPECT_EQ(t, vmap_purges - purges, VBENCH_PURGE_N);
	pr_info("vbench: purge_each %d %llu flushes %lu\n", VBENCH_PURGE_N,
		(t1 - t0) * instr_per_tick, vmap_purges - purges);
}

static void vbench_clock(struct ktest *t)
{
	u64 freq = read_sysreg(cntfrq_el0);

	KTEST_ASSERT_TRUE(t, freq && 1000000000 % freq == 0);
	instr_per_tick = 1000000000 / freq;
	pr_info("vbench: clock %llu Hz, %llu instructions a tick under -icount shift=0\n",
		freq, instr_per_tick);
}

/* A case with interrupts masked around it. */
#define VBENCH_MASKED(name)						\
static void name(struct ktest *t)					\
{									\
	unsigned long flags;						\
									\
	local_irq_save(flags);						\
	name##_loops(t);						\
	local_irq_restore(flags);					\
}
VBENCH_MASKED(vbench_areas)
VBENCH_MASKED(vbench_vmalloc)
VBENCH_MASKED(vbench_vmalloc_parts)
VBENCH_MASKED(vbench_purge)

/*
 * The round trip of an interrupt (appendices/05-interrupts.nw): an SGI
 * that this CPU sends itself, from the write that raises it to the return
 * from its exception, where the loop sees that the handler ran.  It takes
 * the whole path: the vector entry, handle_exception, the GIC driver's
 * acknowledge and end of interrupt, the table, the handler, the exit.
 * VBENCH_IRQ_N round trips, one after another.
 */
#define VBENCH_IRQ_N	1000
#define VBENCH_SGI	9	/* no IPI or test uses it */
static DEFINE_PER_CPU(unsigned int, vbench_sgi_hits);

static irqreturn_t vbench_sgi(int irq, void *dev)
{
	unsigned int *hits = dev;

	WRITE_ONCE(*hits, *hits + 1);
	return IRQ_HANDLED;
}

static __noinline long loop_sgi(long n)
{
	unsigned int *hits = this_cpu_ptr(&vbench_sgi_hits), self = smp_processor_id();
	long i;

	for (i = 0; i < n; i++) {
		unsigned int h = READ_ONCE(*hits);

		if (ipi_send_single(VBENCH_SGI, self))
			break;
		while (READ_ONCE(*hits) == h)
			cpu_relax();
	}
	return i;
}

static void vbench_irq(struct ktest *t)
{
	u64 t0, t1;

	KTEST_ASSERT_EQ(t, request_percpu_irq(VBENCH_SGI, vbench_sgi, "vbench",
					      &vbench_sgi_hits), 0);
	enable_percpu_irq(VBENCH_SGI, 0);
	KTEST_EXPECT_EQ(t, loop_sgi(100), 100);	/* warm up */
	t0 = ticks();
	KTEST_EXPECT_EQ(t, loop_sgi(VBENCH_IRQ_N), VBENCH_IRQ_N);
	t1 = ticks();
	report("irq_sgi_self", VBENCH_IRQ_N, t0, t1);
	disable_percpu_irq(VBENCH_SGI);
	free_percpu_irq(VBENCH_SGI, &vbench_sgi_hits);
}

/*
 * The scheduler's costs (appendices/05-threads.nw), in two threads on
 * this CPU while the suite's own thread sleeps: a switch, each thread
 * yielding to the other VBENCH_SCHED_N times (2 * VBENCH_SCHED_N
 * switches); and a wake-up, a token handed back and forth through two
 * completions, each hand-off a complete() that wakes the other thread, a
 * wait_for_completion() that sleeps, and the switch between them.
 */
#define VBENCH_SCHED_N	10000

struct vbench_pair {
	struct completion ping, pong, done;
	bool handoff;		/* completions rather than yield() */
	u64 t0, t1;
};

static int vbench_first(void *arg)
{
	struct vbench_pair *p = arg;
	long i;

	p->t0 = ticks();
	for (i = 0; i < VBENCH_SCHED_N; i++)
		if (p->handoff) {
			complete(&p->ping);
			wait_for_completion(&p->pong);
		} else {
			yield();
		}
	p->t1 = ticks();
	complete(&p->done);
	return 0;
}

static int vbench_second(void *arg)
{
	struct vbench_pair *p = arg;
	long i;

	for (i = 0; i < VBENCH_SCHED_N; i++)
		if (p->handoff) {
			wait_for_completion(&p->ping);
			complete(&p->pong);
		} else {
			yield();
		}
	return 0;
}

static void vbench_pair_run(struct ktest *t, bool handoff, const char *name)
{
	struct vbench_pair p = { .handoff = handoff };
	struct task_struct *a, *b;

	init_completion(&p.ping);
	init_completion(&p.pong);
	init_completion(&p.done);
	a = kthread_create(vbench_first, &p, "vbench/a");
	b = kthread_create(vbench_second, &p, "vbench/b");
	KTEST_ASSERT_TRUE(t, !IS_ERR(a) && !IS_ERR(b));
	kthread_bind(a, smp_processor_id());
	kthread_bind(b, smp_processor_id());
	wake_up_process(b);
	wake_up_process(a);
	wait_for_completion(&p.done);
	kthread_stop(a);
	kthread_stop(b);
	report(name, 2 * VBENCH_SCHED_N, p.t0, p.t1);
}

static void vbench_sched(struct ktest *t)
{
	vbench_pair_run(t, false, "sched_yield_switch");
	vbench_pair_run(t, true, "sched_wakeup_switch");
}

KTEST_SUITE(vbench, KERNEL_STAGE,
	KTEST_CASE(vbench_clock),
	KTEST_CASE(vbench_areas),
	KTEST_CASE(vbench_vmalloc),
	KTEST_CASE(vbench_vmalloc_parts),
	KTEST_CASE(vbench_purge),
	KTEST_CASE(vbench_irq),
	KTEST_CASE(vbench_sched));
