/*
 * tests/bench/malloc-log.c: an LD_PRELOAD library that records a program's
 * malloc and free calls, to make the mixed-size trace of the benchmark.
 *
 *   gcc -O2 -shared -fPIC -o malloc-log.so tests/bench/malloc-log.c
 *   MALLOC_LOG=trace.txt LD_PRELOAD=./malloc-log.so PROGRAM ARGS
 *
 * The log has one event a line, in the format of tests/bench/trace.h: an
 * allocation is its size, a free is "-K" when the block freed was allocated
 * K allocations before (so that the numbers stay small); calloc counts
 * as an allocation of n * size bytes, realloc as an allocation of the new
 * size followed by the free of the old block (nothing for realloc(p, 0)
 * but the free), the aligned allocations as allocations of their size.
 * Frees of blocks that the log did not see allocated (made before it
 * started) are left out.  The calls go on to glibc's own functions
 * (__libc_malloc and friends), so the logger allocates nothing itself: it
 * keeps the events and the table from pointer to number in static arrays
 * and writes the file when the program exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void __libc_free(void *p);

#define MAX_EVENTS	(1 << 22)
#define TABLE		(1 << 23)	/* open addressing, a power of two */

static uint64_t events[MAX_EVENTS];	/* size << 1, or number << 1 | 1 */
static unsigned long nevents, nallocs;
static struct { void *p; unsigned long n; } table[TABLE];
static int lock;

static unsigned long slot(void *p)
{
	return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL >> (64 - 23);
}

static void record_alloc(void *p, size_t size)
{
	unsigned long i;

	if (!p || nevents == MAX_EVENTS)
		return;
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
	for (i = slot(p); table[i].p; i = (i + 1) % TABLE)
		;
	table[i].p = p;
	table[i].n = nallocs++;
	events[nevents++] = (uint64_t)size << 1;
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static void record_free(void *p)
{
	unsigned long i, j, k;

	if (!p)
		return;
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
	for (i = slot(p); table[i].p && table[i].p != p; i = (i + 1) % TABLE)
		;
	if (table[i].p && nevents < MAX_EVENTS) {
		events[nevents++] = (uint64_t)table[i].n << 1 | 1;
		/* delete by moving back the entries that probed past i */
		table[i].p = NULL;
		for (j = (i + 1) % TABLE; table[j].p; j = (j + 1) % TABLE) {
			k = slot(table[j].p);
			if ((j > i && (k <= i || k > j)) ||
			    (j < i && k <= i && k > j)) {
				table[i] = table[j];
				table[j].p = NULL;
				i = j;
			}
		}
	}
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

void *malloc(size_t size)
{
	void *p = __libc_malloc(size);

	record_alloc(p, size);
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);

	record_alloc(p, n * size);
	return p;
}

void *realloc(void *old, size_t size)
{
	void *p = __libc_realloc(old, size);

	if (p || !size) {
		record_alloc(p, size);
		record_free(old);
	}
	return p;
}

void free(void *p)
{
	record_free(p);
	__libc_free(p);
}

void *memalign(size_t align, size_t size)
{
	void *p = __libc_memalign(align, size);

	record_alloc(p, size);
	return p;
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **res, size_t align, size_t size)
{
	void *p = __libc_memalign(align, size);

	if (!p)
		return ENOMEM;
	record_alloc(p, size);
	*res = p;
	return 0;
}

__attribute__((destructor)) static void write_log(void)
{
	const char *path = getenv("MALLOC_LOG");
	unsigned long i, count = 0;
	char line[32];
	int fd, n;

	if (!path || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return;
	for (i = 0; i < nevents; i++) {
		unsigned long long v = events[i] >> 1;

		if (events[i] & 1) {
			n = snprintf(line, sizeof(line), "-%llu\n", count - v);
		} else {
			n = snprintf(line, sizeof(line), "%llu\n", v);
			count++;
		}
		if (write(fd, line, n) != n)
			break;
	}
	close(fd);
}
