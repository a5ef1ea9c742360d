/*
 * Host-only, stage 3 on: a fuzz test of the page allocator, on the machine
 * that tests/host/host_mm.c sets up.
 *
 * The fuzz test drives the allocator with a seeded random mix of
 * allocations and frees of every order and migratetype, keeping a shadow
 * bitmap of which pages it holds: a page handed out twice, a page that
 * does not come back, or a broken invariant (check_zone) fails the test.
 */
#if KERNEL_STAGE >= 3
#include <linux/kernel.h>
#include <linux/cmdline.h>
#include <linux/gfp.h>
#include <linux/ktest.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "fuzz.h"
#include "mm/internal.h"

void *calloc(size_t n, size_t size);
void free(void *p);

extern unsigned long arena_start_pfn, arena_pages;

struct held { struct page *page; unsigned int order; };

static bool shadow_test_and_flip(u8 *shadow, struct page *page,
				 unsigned int order, bool want_set)
{
	unsigned long pfn = page_to_pfn(page) - arena_start_pfn, i;
	bool ok = true;

	for (i = pfn; i < pfn + (1UL << order); i++) {
		bool set = shadow[i / 8] & (1 << (i % 8));

		if (set != want_set)
			ok = false;
		shadow[i / 8] ^= 1 << (i % 8);
	}
	return ok;
}

static void buddy_fuzz_against_shadow(struct ktest *t)
{
	static const unsigned int orders[] = { 0, 0, 0, 0, 1, 2, 3, 4, 5, 9, 10 };
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_HIGHUSER_MOVABLE,
		GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC, GFP_NOWAIT,
	};
	unsigned long ops = 1000000, i, twice = 0, lost = 0, bad = 0;
	unsigned long free_before, allocated = 0, failed = 0;
	u8 *shadow = calloc(arena_pages / 8 + 1, 1);
	struct held *held = calloc(4096, sizeof(*held));
	int n = 0;

	rng = fuzz_option("fuzz.seed", 0x2545f4914f6cdd1dULL);
	ops = fuzz_option("fuzz.ops", ops);
	drain_all_pages(NULL);
	free_before = zone_page_state(page_zone(pfn_to_page(arena_start_pfn)),
				      NR_FREE_PAGES);
	for (i = 0; i < ops; i++) {
		u64 r = rnd();

		if (n < 4096 && (r % 5 < 3 || !n)) {
			unsigned int order = orders[(r >> 8) % ARRAY_SIZE(orders)];
			gfp_t gfp = gfps[(r >> 16) % ARRAY_SIZE(gfps)] | __GFP_NOWARN;
			struct page *page = alloc_pages(gfp, order);

			if (!page) {
				failed++;
				continue;
			}
			allocated++;
			if (!shadow_test_and_flip(shadow, page, order, false))
				twice++;
			held[n].page = page;
			held[n++].order = order;
		} else {
			int k = (r >> 8) % n;

			if (!shadow_test_and_flip(shadow, held[k].page,
						  held[k].order, true))
				lost++;
			__free_pages(held[k].page, held[k].order);
			held[k] = held[--n];
		}
		if (i % 65536 == 0)
			bad += check_zone(page_zone(pfn_to_page(arena_start_pfn)));
	}
	while (n--) {
		if (!shadow_test_and_flip(shadow, held[n].page, held[n].order,
					  true))
			lost++;
		__free_pages(held[n].page, held[n].order);
	}
	drain_all_pages(NULL);
	ktest_log("  # buddy_fuzz: %lu operations: %lu allocations, %lu refused\n",
		  ops, allocated, failed);
	KTEST_EXPECT_EQ(t, twice, 0);
	KTEST_EXPECT_EQ(t, lost, 0);
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_EQ(t, check_zone(page_zone(pfn_to_page(arena_start_pfn))), 0);
	KTEST_EXPECT_EQ(t, zone_page_state(page_zone(pfn_to_page(arena_start_pfn)),
					   NR_FREE_PAGES), free_before);
	KTEST_EXPECT_GT(t, allocated, ops / 4);
	free(shadow);
	free(held);
}

KTEST_SUITE(host_buddy_fuzz, 3,
	KTEST_CASE(buddy_fuzz_against_shadow));
#endif
