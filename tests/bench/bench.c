/*
 * tests/bench/bench.c: benchmarks of the page allocator (stage 3 on).
 *
 *   bench CASE ITERATIONS     run one case, print nanoseconds per operation
 *
 * The page allocator of the newest stage is compiled natively (-O2, no
 * sanitizers) and set up on the host machine of tests/host/host_mm.c.  Each
 * case is a loop in a function of its own, bench_loop_CASE, so that
 * callgrind can count the instructions of that function and its callees
 * alone (--toggle-collect); tests/bench/run divides by the iterations.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The kernel's side, as the kernel declares it. */
typedef unsigned int gfp_t;
struct page;
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
unsigned long alloc_pages_bulk(gfp_t gfp, unsigned long nr, struct page **a);
void drain_all_pages(void *zone);
extern _Bool pcp_bypass;
void host_setup(void);

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
