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
}

#endif
