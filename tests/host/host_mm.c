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
 * Stage 5 on: threads.  The host runs the kernel's code on its own threads
 * and has no context switch; each host thread is a task that is never
 * switched out, so the scheduler's entry points must not be reached.
 */
#include <asm/current.h>
static __thread unsigned long host_task_storage[512];

struct task_struct *host_get_current(void)
{
	return (struct task_struct *)host_task_storage;
}

#if KERNEL_STAGE >= 5
#include <linux/sched.h>

_Static_assert(sizeof(struct task_struct) <= sizeof(host_task_storage),
	       "host_task_storage is too small for a task_struct");
u8 cpu_stacks[NR_CPUS][THREAD_ALIGN];

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	__builtin_trap();
}

void copy_thread(struct task_struct *p, int (*fn)(void *), void *arg)
{
}

int kernel_init(void *unused)
{
	__builtin_trap();
}

void smp_send_reschedule(unsigned int cpu)
{
}
#endif
