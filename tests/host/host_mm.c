/*
 * Host-only, stage 3 on: a machine for the page allocator.
 *
 * The host has no device tree and no RAM at 1 GiB, so before main() runs
 * this file gives the harness (and the benchmarks) a "machine": a 64 MiB
 * arena, aligned to the largest buddy block, added to memblock as node 0's
 * memory and taken through the boot memory chapter's free_area_init() and
 * memblock_free_all(), so that it reaches the buddy allocator exactly as
 * the kernel's memory does at boot.  All of it is in ZONE_NORMAL: host
 * addresses lie above 4 GiB.
 */
#if KERNEL_STAGE >= 3
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "mm/internal.h"
#if KERNEL_STAGE >= 4
#include <linux/slab.h>
#endif
#if KERNEL_STAGE >= 5
#include <linux/vmalloc.h>
#endif

void *aligned_alloc(size_t align, size_t size);

#define HOST_MEM	(64UL << 20)

extern struct page *host_vmemmap;
unsigned long arena_start_pfn, arena_pages;

__attribute__((constructor)) static void host_mm_init(void)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES];
	u8 *arena = aligned_alloc(MAX_ORDER_NR_PAGES * PAGE_SIZE, HOST_MEM);
	struct page *map;

	arena_start_pfn = PHYS_PFN(__pa(arena));
	arena_pages = HOST_MEM >> PAGE_SHIFT;
	map = aligned_alloc(sizeof(struct page), arena_pages * sizeof(struct page));
	memset(map, 0, arena_pages * sizeof(struct page));
	host_vmemmap = (struct page *)((unsigned long)map -
				       arena_start_pfn * sizeof(struct page));
	memblock_add_node(__pa(arena), HOST_MEM, 0);
	memblock_ready = true;
	alloc_node_data(0);
	min_low_pfn = arena_start_pfn;
	max_pfn = max_low_pfn = arena_start_pfn + arena_pages;
	max_zone_pfn[ZONE_DMA32] = arena_start_pfn;	/* no memory below 4 GiB */
	max_zone_pfn[ZONE_NORMAL] = max_pfn;
	free_area_init(max_zone_pfn);
	memblock_free_all();
	page_alloc_init_late();
#if KERNEL_STAGE >= 4
	kmem_cache_init();
#endif
#if KERNEL_STAGE >= 5
	vmalloc_init();
#endif
}

#endif

/*
 * Stage 5 on: the kernel's page tables, as far as vmalloc uses them.  The
 * host cannot map memory at arm64's vmalloc addresses, so mapping a page
 * records the translation in a hash table (open addressing, linear probing,
 * deletion by backward shift) and unmapping removes it.  The rules that
 * matter to vmalloc are the real ones: -EINVAL for a range that is not
 * whole pages or wraps, -EEXIST for a page already mapped, and a walk that
 * finds what was mapped and nothing else.
 */
#if KERNEL_STAGE >= 5
#include <linux/errno.h>
#include <asm/pgtable.h>

void *calloc(size_t n, size_t size);

unsigned long host_tlb_flushes;
unsigned long host_mapped_pages;

#define HOST_PT_BITS	21
#define HOST_PT_SIZE	(1UL << HOST_PT_BITS)

struct host_pte {
	unsigned long va;		/* 0: empty */
	phys_addr_t pa;
};

static struct host_pte *host_pt;
static DEFINE_SPINLOCK(host_pt_lock);

static unsigned long host_pt_slot(unsigned long va)
{
	return ((va >> PAGE_SHIFT) * 0x9e3779b97f4a7c15UL) >> (64 - HOST_PT_BITS);
}

static struct host_pte *host_pt_find(unsigned long va)
{
	unsigned long i = host_pt_slot(va);

	if (!host_pt)
		host_pt = calloc(HOST_PT_SIZE, sizeof(*host_pt));
	while (host_pt[i].va && host_pt[i].va != va)
		i = (i + 1) & (HOST_PT_SIZE - 1);
	return &host_pt[i];
}

static void host_pt_remove(struct host_pte *e)
{
	unsigned long i = e - host_pt, j = i, home;

	for (;;) {
		host_pt[i].va = 0;
		for (;;) {
			j = (j + 1) & (HOST_PT_SIZE - 1);
			if (!host_pt[j].va)
				return;
			home = host_pt_slot(host_pt[j].va);
			/* Move j back to i unless its home lies in (i, j]. */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		host_pt[i] = host_pt[j];
		i = j;
	}
}

int map_kernel_range(unsigned long virt, phys_addr_t phys, u64 size,
		     pgprot_t prot, int flags)
{
	unsigned long off;
	int err = 0;

	if ((virt | phys | size) & ~PAGE_MASK || !size || virt + size - 1 < virt)
		return -EINVAL;
	spin_lock(&host_pt_lock);
	for (off = 0; off < size; off += PAGE_SIZE) {
		struct host_pte *e = host_pt_find(virt + off);

		if (e->va) {
			err = -EEXIST;
			break;
		}
		if (host_mapped_pages >= HOST_PT_SIZE / 2) {
			err = -ENOMEM;
			break;
		}
		e->va = virt + off;
		e->pa = phys + off;
		host_mapped_pages++;
	}
	spin_unlock(&host_pt_lock);
	return err;
}

int unmap_kernel_range_noflush(unsigned long virt, u64 size)
{
	unsigned long addr;

	if (!size)
		return 0;
	if (virt + size - 1 < virt)
		return -EINVAL;
	spin_lock(&host_pt_lock);
	for (addr = virt & PAGE_MASK; addr < PAGE_ALIGN(virt + size); addr += PAGE_SIZE) {
		struct host_pte *e = host_pt_find(addr);

		if (e->va) {
			host_pt_remove(e);
			host_mapped_pages--;
		}
	}
	spin_unlock(&host_pt_lock);
	return 0;
}

int kernel_walk(unsigned long va, struct pt_walk *w)
{
	struct host_pte *e;

	memset(w, 0, sizeof(*w));
	w->level = 3;
	spin_lock(&host_pt_lock);
	e = host_pt_find(va & PAGE_MASK);
	if (e->va) {
		w->mapped = true;
		w->size = PAGE_SIZE;
		w->pa = e->pa | (va & ~PAGE_MASK);
	}
	spin_unlock(&host_pt_lock);
	return w->mapped ? 0 : -ENOENT;
}
#endif

/*
 * Threads.  Before stage 5, and on any host thread other than the one
 * that runs the tests (the benchmarks make some), "current" is a zeroed
 * task-sized area of that thread's own, so that preempt_count, which
 * spinlocks change from stage 5 on, is per thread and starts at zero.
 */
#include <asm/current.h>
static __thread unsigned long host_task_storage[512];
__thread unsigned long host_irqs_masked;	/* asm/irqflags.h */
static __thread struct task_struct *host_current;	/* stage 5: SP_EL0 */

struct task_struct *host_get_current(void)
{
	return host_current ? host_current
			    : (struct task_struct *)host_task_storage;
}

/*
 * Stage 5 on: the scheduler runs for real, on one host thread.  main()
 * boots it as start_kernel does (host_boot, below): the host thread is
 * init_task, CPU 0's idle task, and the first thread runs the tests and
 * exits the process.  The architecture's part of a switch is stood in
 * for by the host's contexts (host.c): each task has one, made by
 * copy_thread and kept where arm64 keeps the saved stack pointer
 * (thread.cpu_context.sp); __switch_to makes next current, as the write
 * to SP_EL0 does, and switches context.  A task that ends never runs
 * again, and its context is freed by the task switched to.
 *
 * Other CPUs are simulated on the same host thread: host_run_cpu(cpu),
 * called by a test, parks the CPU that runs and runs that one, from its
 * idle task's first instruction (cpu_startup_entry) the first time and
 * from where it waited after that, until its idle loop waits in wfi()
 * again; host_wfi then goes back.  When CPU 0 itself waits, nothing else
 * can run: its wfi() is the next tick, in virtual time, which advances
 * jiffies and fires timers, so that msleep and timeouts work.  A machine
 * that ticks for ten virtual minutes without a switch has deadlocked, and
 * one whose tests have slept for an hour in all waits for something that
 * will not come: each says so and stops.  The reschedule IPI is counted,
 * per CPU.
 */
#if KERNEL_STAGE >= 5
#include <linux/sched.h>
#include <linux/kthread.h>
#include <linux/smp.h>

_Static_assert(sizeof(struct task_struct) <= sizeof(host_task_storage),
	       "host_task_storage is too small for a task_struct");
u8 cpu_stacks[NR_CPUS][THREAD_ALIGN];
unsigned long host_resched_ipis[NR_CPUS];

void *host_ctx_main(void);
void *host_ctx_create(void (*entry)(void));
void host_ctx_switch(void *from, void *to, int from_ends);
void host_ctx_free(void *ctx);
void init_timers(void);
void tick_periodic(unsigned long periods);
void host_boot(int (*tests)(void));
void host_run_cpu(unsigned int cpu);

#define HOST_DEADLOCK_TICKS	(600 * HZ)
#define HOST_MAX_TICKS		(3600 * HZ)

static struct task_struct *host_prev;	/* whom the last switch left */
static unsigned long host_idle_ticks;	/* since the last switch */
static unsigned long host_ticks;	/* in all */
static int host_caller = -1;		/* the CPU host_run_cpu left */
static struct task_struct *host_parked[NR_CPUS];	/* where it left each */

static void *ctx_of(struct task_struct *p)
{
	return (void *)(unsigned long)p->thread.cpu_context.sp;
}

static void set_ctx(struct task_struct *p, void *ctx)
{
	BUG_ON(!ctx);
	p->thread.cpu_context.sp = (u64)(unsigned long)ctx;
}

/* The end of a switch, on the side of the task switched to. */
static struct task_struct *host_switched(void)
{
	struct task_struct *prev = host_prev;

	if (prev->__state == TASK_DEAD) {	/* off its stack for good */
		host_ctx_free(ctx_of(prev));
		prev->thread.cpu_context.sp = 0;
	}
	return prev;
}

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	BUG_ON(!ctx_of(next));
	host_prev = prev;
	host_current = next;
	host_idle_ticks = 0;
	host_ctx_switch(ctx_of(prev), ctx_of(next), prev->__state == TASK_DEAD);
	return host_switched();
}

/* ret_from_fork: finish the switch, run the function, exit. */
static void host_ret_from_fork(void)
{
	struct task_struct *self;
	int (*fn)(void *);

	schedule_tail(host_switched());
	self = current;
	fn = (int (*)(void *))(unsigned long)self->thread.cpu_context.x19;
	do_exit(fn((void *)(unsigned long)self->thread.cpu_context.x20));
}

void copy_thread(struct task_struct *p, int (*fn)(void *), void *arg)
{
	memset(&p->thread.cpu_context, 0, sizeof(p->thread.cpu_context));
	p->thread.cpu_context.x19 = (u64)(unsigned long)fn;
	p->thread.cpu_context.x20 = (u64)(unsigned long)arg;
	set_ctx(p, host_ctx_create(host_ret_from_fork));
}

void smp_send_reschedule(unsigned int cpu)
{
	host_resched_ipis[cpu]++;
}

static void host_secondary_entry(void)
{
	cpu_startup_entry();
}

/* Park this CPU where it is and run cpu until it waits. */
void host_run_cpu(unsigned int cpu)
{
	struct task_struct *self = current, *next;
	unsigned int me = smp_processor_id();
	unsigned long irqs = host_irqs_masked;

	BUG_ON(host_caller >= 0 || cpu == me || cpu >= nr_cpu_ids ||
	       !idle_threads[cpu]);
	next = host_parked[cpu];
	if (!next) {			/* a CPU starts with interrupts masked */
		next = idle_threads[cpu];
		set_ctx(next, host_ctx_create(host_secondary_entry));
		host_irqs_masked = 1;
	}
	host_caller = me;
	host_parked[me] = self;
	host_cpu_offset = __per_cpu_offset[cpu];
	host_current = next;
	host_ctx_switch(ctx_of(self), ctx_of(next), false);
	host_irqs_masked = irqs;
}

void host_wfi(void)
{
	struct task_struct *self = current, *next;
	unsigned int me = smp_processor_id();
	unsigned long irqs;

	if (host_caller < 0) {		/* every CPU waits: the next tick */
		if (++host_idle_ticks > HOST_DEADLOCK_TICKS)
			panic("host: every CPU has waited %d s of virtual time "
			      "with nothing to run: a deadlock",
			      HOST_DEADLOCK_TICKS / HZ);
		if (++host_ticks > HOST_MAX_TICKS)
			panic("host: the tests have run for %d s of virtual "
			      "time: a task waits for ever", HOST_MAX_TICKS / HZ);
		preempt_count_add(HARDIRQ_OFFSET);
		tick_periodic(1);
		preempt_count_sub(HARDIRQ_OFFSET);
		return;
	}
	irqs = host_irqs_masked;
	host_parked[me] = self;
	next = host_parked[host_caller];
	host_cpu_offset = __per_cpu_offset[host_caller];
	host_caller = -1;
	host_current = next;
	host_ctx_switch(ctx_of(self), ctx_of(next), false);
	host_irqs_masked = irqs;
}

/*
 * start_kernel's last steps: the scheduler, then the first thread, as
 * rest_init makes it but by hand, for its stack is the host's.  A thread
 * from kthread_create would hold an area of the vmalloc space and two
 * slab objects for as long as the tests run, and the vmalloc and slab
 * suites count those exactly.
 */
static struct task_struct host_first_thread = {
	.comm = "ktest",
	.run_list = LIST_HEAD_INIT(host_first_thread.run_list),
	.tasks = LIST_HEAD_INIT(host_first_thread.tasks),
};
static int (*host_tests)(void);

static int host_run_tests(void *unused)
{
	return host_tests();
}

int kernel_init(void *unused)
{
	__builtin_trap();		/* the host runs host_run_tests instead */
}

void host_boot(int (*tests)(void))
{
	struct task_struct *p = &host_first_thread;

	host_tests = tests;
	init_timers();
	sched_init();
	idle_threads_init();
	set_ctx(&init_task, host_ctx_main());
	host_current = &init_task;
	/* what copy_process and kthread_bind(p, 0) do */
	p->__state = TASK_UNINTERRUPTIBLE;
	p->flags = PF_KTHREAD;
	atomic_set(&p->usage, 2);
	p->cpus_mask = BIT(0);
	p->time_slice = RR_TIMESLICE;
	task_thread_info(p)->preempt_count = 2 * PREEMPT_OFFSET;
	spin_lock_init(&p->pi_lock);
	init_completion(&p->exited);
	copy_thread(p, host_run_tests, NULL);
	wake_up_process(p);
	cpu_startup_entry();
}
#endif
