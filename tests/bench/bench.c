/*
 * tests/bench/bench.c: benchmarks of the page allocator (stage 3 on), of
 * the slab allocator (stage 4 on) and of vmalloc's area allocator (stage 5
 * on, beside a first-fit list: tests/bench/firstfit.h).
 *
 *   bench CASE N     run one case, about N operations; print the case, the
 *                    number of operations and nanoseconds per operation
 *
 * The allocators of the newest stage are compiled natively (-O2, no
 * sanitizers) and set up on the host machine of tests/host/host_mm.c.  Each
 * case is a loop in a function of its own, bench_loop_CASE, so that
 * callgrind can count the instructions of that function and its callees
 * alone (--toggle-collect); tests/bench/run divides by the operations.
 * The slab cases' peers, glibc's malloc and mimalloc on the same loops and
 * the same trace, are tests/bench/peer.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if KERNEL_STAGE >= 4
#include "trace.h"
#endif

/* The kernel's side, as the kernel declares it. */
typedef unsigned int gfp_t;
struct page;
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
unsigned long alloc_pages_bulk(gfp_t gfp, unsigned long nr, struct page **a);
void drain_all_pages(void *zone);
extern _Bool pcp_bypass;
void host_setup(void);		/* tests/host/host.c: the per-CPU areas */

#define GFP_KERNEL	(0x0400u | 0x0800u | 0x0040u | 0x0080u)	/* include/linux/gfp.h */
#define __GFP_MOVABLE	0x0008u
#define __GFP_NOWARN	0x2000u

struct page *host_vmemmap;	/* tests/host/include/asm/memory.h */

#define N_BULK	64

static struct page *held[1 << 16];

__attribute__((noinline)) static void bench_loop_pcp(long n)
{
	for (long i = 0; i < n; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
}

__attribute__((noinline)) static void bench_loop_nopcp(long n)
{
	pcp_bypass = 1;		/* also keeps the compiler from merging the loops */
	for (long i = 0; i < n; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
}

__attribute__((noinline)) static void bench_loop_order3(long n)
{
	for (long i = 0; i < n; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 3), 3);
}

__attribute__((noinline)) static void bench_loop_order9(long n)
{
	for (long i = 0; i < n; i++)
		__free_pages(alloc_pages(GFP_KERNEL | __GFP_MOVABLE, 9), 9);
}

/* Mixed orders on a fragmented zone: hold a random set of blocks and
 * replace one at random each step. */
static unsigned long rng = 88172645463325252UL;
static unsigned long next_rand(void)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
	return rng;
}
static const unsigned int mixed_orders[] = { 0, 0, 0, 0, 0, 1, 1, 2, 3, 4 };
static unsigned int held_order[1 << 12];

static void fragment(void)
{
	long n = 0, i;

	/* take every page, give back every other: no free block above 0 */
	while (n < (1 << 16) && (held[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)))
		n++;
	for (i = 0; i < n; i += 2)
		__free_pages(held[i], 0);
	for (i = 0; i < (1 << 12); i++) {
		held_order[i] = mixed_orders[next_rand() % 10];
		held[i + (1 << 15)] = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
						  held_order[i]);
	}
}

__attribute__((noinline)) static void bench_loop_mixed(long n)
{
	for (long i = 0; i < n; i++) {
		unsigned long k = next_rand() % (1 << 12);
		struct page **slot = &held[k + (1 << 15)];

		if (*slot)
			__free_pages(*slot, held_order[k]);
		held_order[k] = mixed_orders[next_rand() % 10];
		*slot = alloc_pages(GFP_KERNEL | __GFP_NOWARN, held_order[k]);
	}
}

/* Allocation only: 64 single calls, or one bulk call, per iteration;
 * the frees happen outside the measured function. */
__attribute__((noinline)) static void bench_loop_single64(struct page **a)
{
	for (int j = 0; j < N_BULK; j++)
		a[j] = alloc_pages(GFP_KERNEL, 0);
}

__attribute__((noinline)) static void bench_loop_bulk64(struct page **a)
{
	memset(a, 0, N_BULK * sizeof(*a));
	alloc_pages_bulk(GFP_KERNEL, N_BULK, a);
}

static void free64(struct page **a)
{
	for (int j = N_BULK - 1; j >= 0; j--)
		__free_pages(a[j], 0);
}

#if KERNEL_STAGE >= 4
/* ---------------------------------------------------------------- slab */
struct kmem_cache;
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *));
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *x);
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p);
void *__kmalloc(size_t size, gfp_t gfp);
void kfree(const void *p);
extern __thread unsigned long host_cpu_offset;	/* tests/host/host.c */
extern unsigned long __per_cpu_offset[];

#define OBJ_SIZE	64	/* the object of the single-cache cases */
#define BATCH		256

static struct kmem_cache *cache;
static void *batch[BATCH];

static void *kmalloc(size_t size)
{
	return __kmalloc(size, GFP_KERNEL);
}

/*
 * "Another CPU" on the host's one CPU: the harness finds the running
 * CPU's per-CPU area through host_cpu_offset (the kernel's TPIDR_EL1), so
 * pointing it at CPU 1's area makes the code that follows run as CPU 1:
 * smp_processor_id() is 1, this_cpu_slab() is CPU 1's kmem_cache_cpu, and
 * the page allocator uses CPU 1's per-CPU lists.  The remote case
 * allocates a batch as CPU 0, then frees it as CPU 1: none of the objects
 * is on CPU 1's slab, so every free takes __slab_free, to a slab that is
 * CPU 0's (frozen: FREE_FROZEN) or to a full slab, which becomes one of
 * CPU 1's partial slabs until CPU 1 has too many and gives them to the
 * node, where CPU 0 finds them again.  That is the path of an object
 * freed on another CPU; what a real second CPU adds, the cache lines
 * that move between the CPUs, the host's one CPU cannot show.
 */
static inline void run_as_cpu(int cpu)
{
	host_cpu_offset = __per_cpu_offset[cpu];
}

/* The hot pair: one object allocated and freed, with another of its cache
 * held (so that no allocator sees its slab or page empty), or alone. */
__attribute__((noinline)) static void bench_loop_slab_hot(long n)
{
	for (long i = 0; i < n; i++)
		kmem_cache_free(cache, kmem_cache_alloc(cache, GFP_KERNEL));
}

__attribute__((noinline)) static void bench_loop_slab_hot_alone(long n)
{
	for (long i = 0; i < n; i++)
		kmem_cache_free(cache, kmem_cache_alloc(cache, GFP_KERNEL));
}

__attribute__((noinline)) static void bench_loop_kmalloc_hot(long n)
{
	for (long i = 0; i < n; i++)
		kfree(kmalloc(OBJ_SIZE));
}

static inline __attribute__((always_inline)) void slab_trace(long n)
{
	for (long i = 0; i < n; i++)
		TRACE_REPLAY(kmalloc, kfree);
}

__attribute__((noinline)) static void bench_loop_slab_trace(long n)
{
	slab_trace(n);
}

static inline __attribute__((always_inline)) void slab_batch(long n,
							     int free_cpu)
{
	for (long i = 0; i < n; i++) {
		for (int j = 0; j < BATCH; j++)
			batch[j] = kmem_cache_alloc(cache, GFP_KERNEL);
		run_as_cpu(free_cpu);
		for (int j = 0; j < BATCH; j++)
			kmem_cache_free(cache, batch[j]);
		run_as_cpu(0);
	}
}

__attribute__((noinline)) static void bench_loop_slab_batch256(long n)
{
	slab_batch(n, 0);
}

__attribute__((noinline)) static void bench_loop_slab_remote256(long n)
{
	slab_batch(n, 1);
}

/* 64 objects, allocated and then freed one call each, or in one call. */
__attribute__((noinline)) static void bench_loop_slab_single64(long n)
{
	for (long i = 0; i < n; i++) {
		for (int j = 0; j < N_BULK; j++)
			batch[j] = kmem_cache_alloc(cache, GFP_KERNEL);
		for (int j = 0; j < N_BULK; j++)
			kmem_cache_free(cache, batch[j]);
	}
}

__attribute__((noinline)) static void bench_loop_slab_bulk64(long n)
{
	for (long i = 0; i < n; i++) {
		kmem_cache_alloc_bulk(cache, GFP_KERNEL, N_BULK, batch);
		kmem_cache_free_bulk(cache, N_BULK, batch);
	}
}

static const struct slab_case {
	const char *name;
	void (*loop)(long n);
	long per;		/* operations per iteration of the loop */
} slab_cases[] = {
	{ "slab_hot",		bench_loop_slab_hot,		1 },
	{ "slab_hot_alone",	bench_loop_slab_hot_alone,	1 },
	{ "kmalloc_hot",	bench_loop_kmalloc_hot,		1 },
	{ "slab_trace",		bench_loop_slab_trace,		0 },
	{ "slab_batch256",	bench_loop_slab_batch256,	BATCH },
	{ "slab_remote256",	bench_loop_slab_remote256,	BATCH },
	{ "slab_single64",	bench_loop_slab_single64,	N_BULK },
	{ "slab_bulk64",	bench_loop_slab_bulk64,		N_BULK },
};

static double now_ns(void);

/* Run case c for about n operations, after a warm-up outside the loop
 * function; print the operations and the time per operation. */
static int run_slab_case(const struct slab_case *c, long n)
{
	long per = c->per, iters;
	double t0;

	cache = kmem_cache_create("bench", OBJ_SIZE, 0, 0, NULL);
	if (!cache)
		return 2;
	if (!per) {
		trace_load();
		per = trace_nalloc;
		slab_trace(2);
	} else {
		slab_batch(4, 0);
		slab_batch(4, 1);
	}
	iters = n / per > 0 ? n / per : 1;
	if (c->loop == bench_loop_slab_hot)
		batch[0] = kmem_cache_alloc(cache, GFP_KERNEL);
	else if (c->loop == bench_loop_kmalloc_hot)
		batch[0] = kmalloc(OBJ_SIZE);
	t0 = now_ns();
	c->loop(iters);
	t0 = now_ns() - t0;
	printf("%s %ld %.1f\n", c->name, iters * per, t0 / (iters * per));
	return 0;
}
#endif

#if KERNEL_STAGE >= 5
/* ---------------------------------------------------------------- vmap areas */
#include "firstfit.h"

/* The kernel's side: the start of struct vmap_area (include/linux/vmalloc.h)
 * as far as the benchmark reads it, and the area allocator's interface. */
struct vmap_area {
	unsigned long va_start;
	unsigned long va_end;
};
struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
				  unsigned long vstart, unsigned long vend,
				  int node, gfp_t gfp);
void free_vmap_area(struct vmap_area *va);
void free_vmap_area_noflush(struct vmap_area *va);
void purge_vmap_area_lazy(void);
unsigned long lazy_max_pages(void);
unsigned long vmap_lazy_pages(void);
extern unsigned long host_tlb_flushes;	/* tests/host/host_mm.c */

#define VMALLOC_START	0xffff800008000000UL	/* tests/host/include/asm/memory.h */
#define VMALLOC_END	0xfffffbfff0000000UL
#define VPAGE		4096UL
#define NUMA_NO_NODE	(-1)
#define VMAP_LIVE_MAX	15000	/* the most live areas a case sets up */

/*
 * The workload of chapter 5's speed table: 2n areas of one page, side by
 * side from the bottom of the vmalloc range, of which every other one is
 * freed again (from the top down).  That leaves n live areas and n holes
 * of one page between them, and the rest of the range free above them.
 * The operation measured is the allocation of two pages, a page and its
 * guard page as vmalloc(PAGE_SIZE) asks for them, and its free: no hole
 * fits, so a first-fit list walks past all n of them, where the free
 * tree's subtree_max_size leads its search past them in O(log n) steps.
 */
static struct vmap_area *vlive[2 * VMAP_LIVE_MAX];
static unsigned long fflive[2 * VMAP_LIVE_MAX];
static struct ff_list ffl;

static void vmap_fail(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static void vmap_fragment_tree(long n)
{
	long i;

	for (i = 0; i < 2 * n; i++) {
		vlive[i] = alloc_vmap_area(VPAGE, 1, VMALLOC_START, VMALLOC_END,
					   NUMA_NO_NODE, GFP_KERNEL);
		if (!vlive[i] || vlive[i]->va_start != VMALLOC_START + i * VPAGE)
			vmap_fail("alloc_vmap_area: not the next page");
	}
	for (i = 2 * n - 2; i >= 0; i -= 2)
		free_vmap_area(vlive[i]);
}

static void vmap_fragment_list(long n)
{
	if (!ff_fragment(&ffl, fflive, n, VMALLOC_START, VMALLOC_END, VPAGE))
		vmap_fail("the first-fit list does not hold n + 1 free ranges");
}

/* The tree: alloc_vmap_area and free_vmap_area, which merges the range
 * back at once (the free of a range that was never mapped). */
static inline __attribute__((always_inline)) void vtree_pair(void)
{
	struct vmap_area *va = alloc_vmap_area(2 * VPAGE, 1, VMALLOC_START,
					       VMALLOC_END, NUMA_NO_NODE,
					       GFP_KERNEL);
	if (!va)
		vmap_fail("alloc_vmap_area failed");
	free_vmap_area(va);
}

/* The tree as vfree uses it: free_vmap_area_noflush puts the range on the
 * purge list, and every lazy_max_pages() pages one purge (one TLB flush)
 * merges the batch back: the purges are part of the loop. */
static inline __attribute__((always_inline)) void vlazy_pair(void)
{
	struct vmap_area *va = alloc_vmap_area(2 * VPAGE, 1, VMALLOC_START,
					       VMALLOC_END, NUMA_NO_NODE,
					       GFP_KERNEL);
	if (!va)
		vmap_fail("alloc_vmap_area failed");
	free_vmap_area_noflush(va);
}

/* The first-fit list under the same workload. */
static inline __attribute__((always_inline)) void vlist_pair(void)
{
	unsigned long a = ff_alloc(&ffl, 2 * VPAGE, 1);

	if (!a || ff_free(&ffl, a, 2 * VPAGE))
		vmap_fail("the first-fit list failed");
}

__attribute__((noinline)) static void bench_loop_vtree(long n)
{
	for (long i = 0; i < n; i++)
		vtree_pair();
}

__attribute__((noinline)) static void bench_loop_vlazy(long n)
{
	for (long i = 0; i < n; i++)
		vlazy_pair();
}

__attribute__((noinline)) static void bench_loop_vlist(long n)
{
	for (long i = 0; i < n; i++)
		vlist_pair();
}

/* Case vtreeN, vlazyN or vlistN: N live areas (at most VMAP_LIVE_MAX),
 * about n operations. */
static int run_vmap_case(const char *c, long n)
{
	long live = atol(c + 5), per = 1, iters;
	unsigned long flushes;
	double t0;

	if (live < 1 || live > VMAP_LIVE_MAX)
		vmap_fail("live areas: 1 to 15000");
	if (c[1] == 'l' && c[2] == 'i') {
		vmap_fragment_list(live);
		for (int i = 0; i < 100; i++)		/* warm up */
			vlist_pair();
	} else {
		vmap_fragment_tree(live);
		for (int i = 0; i < 100; i++)
			vtree_pair();
	}
	if (c[1] == 'l' && c[2] == 'a')		/* a purge every per frees */
		per = lazy_max_pages() / 2 + 1;
	iters = (n + per - 1) / per * per;
	flushes = host_tlb_flushes;
	t0 = now_ns();
	if (c[1] == 't')
		bench_loop_vtree(iters);
	else if (c[2] == 'a')
		bench_loop_vlazy(iters);
	else
		bench_loop_vlist(iters);
	t0 = now_ns() - t0;
	flushes = host_tlb_flushes - flushes;
	if (c[2] == 'a' && (flushes != (unsigned long)(iters / per) || vmap_lazy_pages()))
		vmap_fail("lazy frees: not one TLB flush per purge");
	if (c[2] != 'a' && flushes)
		vmap_fail("a TLB flush where none is due");
	printf("%s %ld %.1f\n", c, iters, t0 / iters);
	return 0;
}

/*
 * Case vpurgeN: N areas freed with free_vmap_area_noflush, then one
 * purge.  Prints the TLB flushes that the frees made (none) and that the
 * purge made (one), and the areas that the purge merged back.
 */
static int run_vpurge_case(const char *c)
{
	long n = atol(c + 6), i;
	unsigned long f0, f1, f2;

	if (n < 1 || n > 2 * VMAP_LIVE_MAX || (unsigned long)n * 2 > lazy_max_pages())
		vmap_fail("vpurgeN: N too large for one batch");
	purge_vmap_area_lazy();
	for (i = 0; i < n; i++)
		if (!(vlive[i] = alloc_vmap_area(2 * VPAGE, 1, VMALLOC_START,
						 VMALLOC_END, NUMA_NO_NODE, GFP_KERNEL)))
			vmap_fail("alloc_vmap_area failed");
	f0 = host_tlb_flushes;
	for (i = 0; i < n; i++)
		free_vmap_area_noflush(vlive[i]);
	f1 = host_tlb_flushes;
	if (vmap_lazy_pages() != (unsigned long)n * 2)
		vmap_fail("the lazy pages are not the pages freed");
	purge_vmap_area_lazy();
	f2 = host_tlb_flushes;
	if (vmap_lazy_pages())
		vmap_fail("pages left after the purge");
	printf("%s %ld %lu %lu\n", c, n, f1 - f0, f2 - f1);
	return 0;
}
#endif

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "pcp";
	long n = argc > 2 ? atol(argv[2]) : 100000, i;
	struct page *a[N_BULK];
	double t0, t = 0;

	host_setup();
#if KERNEL_STAGE >= 5
	if (!strncmp(c, "vpurge", 6))
		return run_vpurge_case(c);
	if (!strncmp(c, "vtree", 5) || !strncmp(c, "vlazy", 5) ||
	    !strncmp(c, "vlist", 5))
		return run_vmap_case(c, n);
#endif
#if KERNEL_STAGE >= 4
	for (i = 0; i < (long)(sizeof(slab_cases) / sizeof(slab_cases[0])); i++)
		if (!strcmp(c, slab_cases[i].name))
			return run_slab_case(&slab_cases[i], n);
#endif
	/* warm up the per-CPU lists and the caches */
	for (i = 0; i < 1000; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	if (!strcmp(c, "nopcp")) {
		drain_all_pages(NULL);
		pcp_bypass = 1;
	}
	if (!strcmp(c, "mixed"))
		fragment();
	if (!strcmp(c, "single64") || !strcmp(c, "bulk64")) {
		for (i = 0; i < n; i++) {
			t0 = now_ns();
			if (c[0] == 's')
				bench_loop_single64(a);
			else
				bench_loop_bulk64(a);
			t += now_ns() - t0;
			free64(a);
		}
		printf("%s %ld %.1f\n", c, n * N_BULK, t / (n * N_BULK));
		return 0;
	}
	t0 = now_ns();
	if (!strcmp(c, "pcp"))
		bench_loop_pcp(n);
	else if (!strcmp(c, "nopcp"))
		bench_loop_nopcp(n);
	else if (!strcmp(c, "order3"))
		bench_loop_order3(n);
	else if (!strcmp(c, "order9"))
		bench_loop_order9(n);
	else if (!strcmp(c, "mixed"))
		bench_loop_mixed(n);
	else {
		fprintf(stderr, "bench: unknown case %s\n", c);
		return 2;
	}
	t = now_ns() - t0;
	printf("%s %ld %.1f\n", c, n, t / n);
	return 0;
}
