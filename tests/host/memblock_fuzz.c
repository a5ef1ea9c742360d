/*
 * Host-only: a fuzz test of memblock (stage 2 on).
 *
 * A seeded random sequence of memblock_add_node, memblock_remove,
 * memblock_reserve, memblock_phys_free and memblock_alloc_range_nid, in
 * either allocation direction, runs against a shadow model: for every
 * 4 KiB unit of a small window of addresses, the node of the memory there
 * (or none) and whether it is reserved.  After every operation both region
 * arrays must describe exactly the shadow (every unit, node included), be
 * sorted, disjoint and fully merged, and their totals must be the sums of
 * their sizes.  Every allocation must return what a brute-force search of
 * the shadow finds (the highest or lowest aligned fit within one free
 * range), or fail exactly when that search fails.  The window is small
 * enough that the arrays never need to grow, so the addresses need not be
 * real memory; the growth is tested by mm/memblock_test.c.  Replay a
 * failure with memblock_fuzz.seed=N on the harness's command line.
 */
#if KERNEL_STAGE >= 2
#include <linux/kernel.h>
#include <linux/cmdline.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "fuzz.h"

/* The host's stand-in asm/memory.h points vmemmap here; no test uses it. */
struct page *host_vmemmap;

#define UNIT		PAGE_SIZE
#define UNITS		160		/* at most 80 regions per array */
#define WINDOW		((phys_addr_t)SZ_1G)	/* the window's base */
#define NO_MEM		(-2)

static unsigned long allocs;		/* successful allocations */
static int shadow_nid[UNITS];		/* NO_MEM, NUMA_NO_NODE, 0 or 1 */
static bool shadow_rsv[UNITS];
static phys_addr_t unit_addr(long u)
{
	return WINDOW + (phys_addr_t)u * UNIT;
}

/* Does the model agree with the arrays?  Returns a reason, or NULL. */
static const char *check_type(struct memblock_type *type, bool reserved)
{
	static int seen_nid[UNITS];
	static bool seen[UNITS];
	phys_addr_t total = 0;
	unsigned long i;
	long u;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];

		if (r->size == 0)
			return "an empty region";
		if (i && r->base < type->regions[i - 1].base +
				   type->regions[i - 1].size)
			return "regions out of order or overlapping";
		if (i && r->base == type->regions[i - 1].base +
				    type->regions[i - 1].size &&
		    r->nid == type->regions[i - 1].nid)
			return "touching regions of one node not merged";
		if (r->base < WINDOW || r->base + r->size > unit_addr(UNITS) ||
		    (r->base | r->size) % UNIT)
			return "a region outside the window or misaligned";
		if (reserved && r->nid != NUMA_NO_NODE)
			return "a reserved region with a node";
		for (u = (r->base - WINDOW) / UNIT;
		     u < (long)((r->base + r->size - WINDOW) / UNIT); u++) {
			seen[u] = true;
			seen_nid[u] = r->nid;
		}
		total += r->size;
	}
	if (total != type->total_size)
		return "total_size is not the sum of the sizes";
	if (type->cnt > type->max)
		return "more regions than room";
	for (u = 0; u < UNITS; u++) {
		if (reserved && seen[u] != shadow_rsv[u])
			return "reserved array differs from the model";
		if (!reserved && seen[u] != (shadow_nid[u] != NO_MEM))
			return "memory array differs from the model";
		if (!reserved && seen[u] && seen_nid[u] != shadow_nid[u])
			return "a memory region has the wrong node";
	}
	return NULL;
}

/* The allocation the model expects, or 0: the highest (or lowest) aligned
 * start whose units are all free memory of one node, that node matching
 * nid (any node when nid is NUMA_NO_NODE), within [start, end). */
static phys_addr_t model_find(long size_u, long align_u, long start_u,
			      long end_u, int nid, bool bottom_up)
{
	long c, step = bottom_up ? 1 : -1, u;
	long first = bottom_up ? start_u : end_u - size_u;

	for (c = first; c >= start_u && c + size_u <= end_u; c += step) {
		bool fits = unit_addr(c) % (align_u * UNIT) == 0;

		for (u = c; fits && u < c + size_u; u++)
			fits = shadow_nid[u] != NO_MEM && !shadow_rsv[u] &&
			       shadow_nid[u] == shadow_nid[c] &&
			       (nid == NUMA_NO_NODE || shadow_nid[u] == nid);
		if (fits)
			return unit_addr(c);
	}
	return 0;
}

static void set_units(long from, long n, int nid, int op)
{
	long u;

	for (u = from; u < from + n && u < UNITS; u++)
		switch (op) {
		case 0: if (shadow_nid[u] == NO_MEM) shadow_nid[u] = nid; break;
		case 1: shadow_nid[u] = NO_MEM; break;
		case 2: shadow_rsv[u] = true; break;
		case 3: shadow_rsv[u] = false; break;
		}
}

static const char *one_operation(char *what, size_t len)
{
	long from = rnd() % UNITS, n = 1 + rnd() % 24;
	int nid = (int)(rnd() % 3) - 1, op = rnd() % 6, err = 0;

	if (from + n > UNITS)
		n = UNITS - from;
	switch (op) {
	case 0:
		snprintf(what, len, "add_node(unit %ld, %ld, node %d)", from,
			 n, nid);
		err = memblock_add_node(unit_addr(from), n * UNIT, nid);
		break;
	case 1:
		snprintf(what, len, "remove(unit %ld, %ld)", from, n);
		err = memblock_remove(unit_addr(from), n * UNIT);
		break;
	case 2:
		snprintf(what, len, "reserve(unit %ld, %ld)", from, n);
		err = memblock_reserve(unit_addr(from), n * UNIT);
		break;
	case 3:
		snprintf(what, len, "free(unit %ld, %ld)", from, n);
		err = memblock_phys_free(unit_addr(from), n * UNIT);
		break;
	default: {
		long size_u = 1 + rnd() % 8, align_u = 1L << (rnd() % 4);
		long start_u = rnd() % 2 ? 0 : (long)(rnd() % UNITS);
		long end_u = rnd() % 2 ? UNITS
				       : start_u + (long)(rnd() % UNITS);
		bool exact = rnd() % 2, bottom_up = rnd() % 2;
		phys_addr_t want, got;

		if (end_u > UNITS)
			end_u = UNITS;
		memblock_set_bottom_up(bottom_up);
		want = model_find(size_u, align_u, start_u, end_u, nid,
				  bottom_up);
		if (!want && nid != NUMA_NO_NODE && !exact)
			want = model_find(size_u, align_u, start_u, end_u,
					  NUMA_NO_NODE, bottom_up);
		snprintf(what, len, "alloc(%ld units, align %ld, [%ld, %ld), "
			 "node %d%s, %s)", size_u, align_u, start_u, end_u,
			 nid, exact ? " exact" : "",
			 bottom_up ? "bottom-up" : "top-down");
		got = memblock_alloc_range_nid(size_u * UNIT, align_u * UNIT,
					       unit_addr(start_u),
					       unit_addr(end_u), nid, exact);
		if (got != want)
			return "allocation differs from the model";
		if (got) {
			set_units((got - WINDOW) / UNIT, size_u, 0, 2);
			allocs++;
		}
		return NULL;
	}
	}
	if (err)
		return "an operation failed";
	set_units(from, n, nid, op);
	return NULL;
}

static struct memblock saved;
static struct memblock_region saved_regions[2][INIT_MEMBLOCK_REGIONS];

static void fuzz_begin(void)
{
	saved = memblock;
	memcpy(saved_regions[0], memblock_memory_init_regions,
	       sizeof(saved_regions[0]));
	memcpy(saved_regions[1], memblock_reserved_init_regions,
	       sizeof(saved_regions[1]));
	memset(memblock_memory_init_regions, 0, sizeof(saved_regions[0]));
	memset(memblock_reserved_init_regions, 0, sizeof(saved_regions[1]));
	memblock.memory.cnt = memblock.reserved.cnt = 0;
	memblock.memory.total_size = memblock.reserved.total_size = 0;
	memblock.memory.regions = memblock_memory_init_regions;
	memblock.reserved.regions = memblock_reserved_init_regions;
	memblock.memory.max = memblock.reserved.max = INIT_MEMBLOCK_REGIONS;
	memblock.current_limit = PHYS_ADDR_MAX;
}

static void fuzz_end(void)
{
	memcpy(memblock_memory_init_regions, saved_regions[0],
	       sizeof(saved_regions[0]));
	memcpy(memblock_reserved_init_regions, saved_regions[1],
	       sizeof(saved_regions[1]));
	memblock = saved;
}

static void memblock_fuzz_against_shadow(struct ktest *t)
{
	unsigned long runs = 400, ops = 400, r, i;
	char what[96];
	const char *bad = NULL;

	allocs = 0;
	rng = fuzz_option("memblock_fuzz.seed", 0x2545f4914f6cdd1dULL) | 1;
	for (r = 0; r < runs && !bad; r++) {
		fuzz_begin();
		for (i = 0; i < UNITS; i++) {
			shadow_nid[i] = NO_MEM;
			shadow_rsv[i] = false;
		}
		for (i = 0; i < ops && !bad; i++) {
			bad = one_operation(what, sizeof(what));
			if (!bad)
				bad = check_type(&memblock.memory, false);
			if (!bad)
				bad = check_type(&memblock.reserved, true);
		}
		fuzz_end();
		if (bad)
			ktest_log("  # memblock_fuzz: run %lu, operation %lu: "
				  "%s: %s\n", r, i - 1, what, bad);
	}
	ktest_log("  # memblock_fuzz: %lu runs of %lu operations, "
		  "%lu successful allocations\n", r, ops, allocs);
	KTEST_EXPECT_TRUE(t, bad == NULL);
	KTEST_EXPECT_GE(t, allocs, runs * ops / 20);
}

KTEST_SUITE(host_memblock_fuzz, 2,
	KTEST_CASE(memblock_fuzz_against_shadow));
#endif
