/*
 * tests/bench/peer.c: the slab benchmark's peers, on the same loops and
 * the same trace as the slab cases of tests/bench/bench.c.
 *
 *   bench-glibc CASE N       glibc's malloc and free
 *   bench-mimalloc CASE N    mimalloc's mi_malloc and mi_free (-lmimalloc)
 *
 * Two binaries from this file, apart from the kernel's: Debian's
 * libmimalloc.so also defines malloc and free, so that linking it would
 * replace glibc's in the same program.  The cases are those of bench.c
 * without the "slab_" prefix: hot and hot_alone (malloc(64) and free),
 * trace, batch256, remote256 and single64.  For remote256 a second thread frees each batch
 * that the first allocated, the two taking turns (the waits are outside
 * the measured functions); both threads' loop functions are measured.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "trace.h"

#ifdef PEER_MIMALLOC
#include <mimalloc.h>
#define peer_alloc(n)	mi_malloc(n)
#define peer_free(p)	mi_free(p)
#else
#define peer_alloc(n)	malloc(n)
#define peer_free(p)	free(p)
#endif

#define OBJ_SIZE	64
#define BATCH		256
#define N_BULK		64

/* Keeps the compiler from proving an allocation unused. */
#define keep(p)		__asm__ __volatile__("" : : "r"(p) : "memory")

static void *batch[BATCH];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline void *alloc_kept(size_t n)
{
	void *p = peer_alloc(n);

	keep(p);
	return p;
}

/* The hot pair, with another object of its size held, or alone: an
 * allocator that does something when a page empties (mimalloc retires
 * it) does it on every free of the second. */
__attribute__((noinline)) static void bench_loop_hot(long n)
{
	for (long i = 0; i < n; i++)
		peer_free(alloc_kept(OBJ_SIZE));
}

__attribute__((noinline)) static void bench_loop_hot_alone(long n)
{
	for (long i = 0; i < n; i++)
		peer_free(alloc_kept(OBJ_SIZE));
}

static inline __attribute__((always_inline)) void trace(long n)
{
	for (long i = 0; i < n; i++)
		TRACE_REPLAY(alloc_kept, peer_free);
}

__attribute__((noinline)) static void bench_loop_trace(long n)
{
	trace(n);
}

static inline __attribute__((always_inline)) void alloc_batch(int nr)
{
	for (int j = 0; j < nr; j++)
		batch[j] = alloc_kept(OBJ_SIZE);
}

static inline __attribute__((always_inline)) void free_batch(int nr)
{
	for (int j = 0; j < nr; j++)
		peer_free(batch[j]);
}

__attribute__((noinline)) static void bench_loop_batch256(long n)
{
	for (long i = 0; i < n; i++) {
		alloc_batch(BATCH);
		free_batch(BATCH);
	}
}

__attribute__((noinline)) static void bench_loop_single64(long n)
{
	for (long i = 0; i < n; i++) {
		alloc_batch(N_BULK);
		free_batch(N_BULK);
	}
}

/* remote256: the allocating thread and the freeing one take turns. */
static volatile int turn;		/* 0: allocate, 1: free, 2: stop */
static double free_ns;

__attribute__((noinline)) static void bench_loop_remote256(void)
{
	alloc_batch(BATCH);
}

__attribute__((noinline)) static void bench_loop_remote256_free(void)
{
	free_batch(BATCH);
}

static void *freeing_thread(void *arg)
{
	for (;;) {
		double t0;

		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 0)
			sched_yield();
		if (turn == 2)
			return arg;
		t0 = now_ns();
		if (arg)
			bench_loop_remote256_free();
		else
			free_batch(BATCH);	/* the warm-up */
		free_ns += now_ns() - t0;
		__atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
	}
}

static double remote(long n, int measured)
{
	pthread_t th;
	double t = 0, t0;

	free_ns = 0;
	turn = 0;
	pthread_create(&th, NULL, freeing_thread, measured ? &th : NULL);
	for (long i = 0; i < n; i++) {
		t0 = now_ns();
		if (measured)
			bench_loop_remote256();
		else
			alloc_batch(BATCH);
		t += now_ns() - t0;
		__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 1)
			sched_yield();
	}
	__atomic_store_n(&turn, 2, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	return t + free_ns;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "hot";
	long n = argc > 2 ? atol(argv[2]) : 100000, per = 1, iters;
	double t0, t;

	if (!strcmp(c, "trace")) {
		trace_load();
		per = trace_nalloc;
	} else if (!strcmp(c, "batch256") || !strcmp(c, "remote256")) {
		per = BATCH;
	} else if (!strcmp(c, "single64")) {
		per = N_BULK;
	} else if (strcmp(c, "hot") && strcmp(c, "hot_alone")) {
		fprintf(stderr, "bench: unknown case %s\n", c);
		return 2;
	}
	iters = n / per > 0 ? n / per : 1;
	/* warm up, outside the measured functions */
	if (!strcmp(c, "trace"))
		trace(2);
	else if (!strcmp(c, "remote256"))
		remote(4, 0);
	else {
		alloc_batch(BATCH);
		free_batch(BATCH);
	}
	if (!strcmp(c, "hot"))
		batch[BATCH - 1] = alloc_kept(OBJ_SIZE);	/* held */
	t0 = now_ns();
	if (!strcmp(c, "hot"))
		bench_loop_hot(iters);
	else if (!strcmp(c, "hot_alone"))
		bench_loop_hot_alone(iters);
	else if (!strcmp(c, "trace"))
		bench_loop_trace(iters);
	else if (!strcmp(c, "batch256"))
		bench_loop_batch256(iters);
	else if (!strcmp(c, "single64"))
		bench_loop_single64(iters);
	t = now_ns() - t0;
	if (!strcmp(c, "remote256"))
		t = remote(iters, 1);
	printf("%s %ld %.1f\n", c, iters * per, t / (iters * per));
	return 0;
}
