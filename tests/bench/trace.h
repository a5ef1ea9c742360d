/*
 * tests/bench/trace.h: the mixed-size trace that the slab benchmark and its
 * peers replay (tests/bench/README.md says where it comes from).
 *
 * The file has one event a line: a number is an allocation of that many
 * bytes, "-K" the free of the allocation made K allocations before this
 * point, and a line that starts with '#' is a comment.  trace_load() turns
 * it into trace_ev[]: e >= 0 allocates e bytes into the next slot, e < 0
 * frees the object in slot ~e; trace_left[] lists the slots that the trace
 * never frees, which a replay frees at its end so that the next one starts
 * from the same state.
 */
#ifndef _BENCH_TRACE_H
#define _BENCH_TRACE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int *trace_ev;
static long trace_nev, trace_nalloc, *trace_left, trace_nleft;
static void **trace_slot;

static void trace_load(void)
{
	const char *path = getenv("BENCH_TRACE");
	FILE *f = fopen(path ? path : "tests/bench/trace-cc1.txt", "r");
	char line[64];
	long cap = 1 << 16, i;
	char *freed;

	if (!f) {
		perror("bench: the trace");
		exit(2);
	}
	trace_ev = malloc(cap * sizeof(*trace_ev));
	while (fgets(line, sizeof(line), f)) {
		long v = strtol(line, NULL, 10);

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (trace_nev == cap)
			trace_ev = realloc(trace_ev, (cap *= 2) * sizeof(*trace_ev));
		if (line[0] == '-') {
			if (-v > trace_nalloc || v == 0) {
				fprintf(stderr, "bench: bad free in the trace: %s", line);
				exit(2);
			}
			trace_ev[trace_nev++] = ~(int)(trace_nalloc + v);
		} else {
			trace_ev[trace_nev++] = (int)v;
			trace_nalloc++;
		}
	}
	fclose(f);
	freed = calloc(trace_nalloc, 1);
	for (i = 0; i < trace_nev; i++)
		if (trace_ev[i] < 0)
			freed[~trace_ev[i]] = 1;
	trace_left = malloc(trace_nalloc * sizeof(*trace_left));
	for (i = 0; i < trace_nalloc; i++)
		if (!freed[i])
			trace_left[trace_nleft++] = i;
	free(freed);
	trace_slot = calloc(trace_nalloc, sizeof(*trace_slot));
}

/* One replay of the trace with the allocator ALLOC(size) and FREE(p). */
#define TRACE_REPLAY(ALLOC, FREE) do {					\
	long __a = 0, __i;						\
									\
	for (__i = 0; __i < trace_nev; __i++) {				\
		int __e = trace_ev[__i];				\
									\
		if (__e >= 0)						\
			trace_slot[__a++] = ALLOC(__e);			\
		else							\
			FREE(trace_slot[~__e]);				\
	}								\
	for (__i = 0; __i < trace_nleft; __i++)				\
		FREE(trace_slot[trace_left[__i]]);			\
} while (0)
#endif
