/*
 * tests/bench/firstfit.h: the naive peer of chapter 5's area allocator.
 *
 * The free ranges of an address range, in one list sorted by address.  An
 * allocation walks the list from its lowest range and takes the first that
 * fits (first fit), from its low end after alignment; a free walks to the
 * place of the range it gives back and merges it with the free neighbours
 * it touches.  Both walks are linear in the number of free ranges, which is
 * what the augmented free tree of chapter 5 avoids.  Nothing more: no busy
 * list (the caller says how large the range it frees is), no locking.
 *
 * The list's nodes come from a fixed pool with a stack of spare nodes, so
 * that the peer pays nothing for memory management.  The file is included
 * by tests/bench/bench.c on the host and by tests/bench/vbench.c in the
 * kernel, and so uses nothing from either's library.
 */
#ifndef FIRSTFIT_H
#define FIRSTFIT_H

#define FF_NODES	(1 << 15)	/* free ranges at most */

/* Out of line and not cloned, so that callgrind finds them by name. */
#ifdef __clang__
#define FF_NOINLINE	__attribute__((noinline))
#else
#define FF_NOINLINE	__attribute__((noinline, noclone))
#endif

struct ff_range {
	unsigned long start, end;	/* [start, end) */
	struct ff_range *next;
};

struct ff_list {
	struct ff_range *head;		/* the lowest free range */
	struct ff_range *spare;		/* unused nodes */
	unsigned long lo, hi;		/* the whole range */
};

static struct ff_range ff_pool[FF_NODES];

static struct ff_range *ff_node(struct ff_list *l)
{
	struct ff_range *r = l->spare;

	if (r)
		l->spare = r->next;
	return r;
}

static void ff_put_node(struct ff_list *l, struct ff_range *r)
{
	r->next = l->spare;
	l->spare = r;
}

/* Everything in [lo, hi) free, in one range. */
static void ff_init(struct ff_list *l, unsigned long lo, unsigned long hi)
{
	int i;

	l->spare = 0;
	for (i = FF_NODES - 1; i >= 0; i--)
		ff_put_node(l, &ff_pool[i]);
	l->head = ff_node(l);
	l->head->start = lo;
	l->head->end = hi;
	l->head->next = 0;
	l->lo = lo;
	l->hi = hi;
}

/* The lowest start of size bytes aligned to align (a power of two) in a
 * free range, taken out of it; 0 if none fits or no node is left. */
FF_NOINLINE static unsigned long
ff_alloc(struct ff_list *l, unsigned long size, unsigned long align)
{
	struct ff_range **link, *r, *n;
	unsigned long start;

	for (link = &l->head; (r = *link); link = &r->next) {
		start = (r->start + align - 1) & ~(align - 1);
		if (start < r->start || start + size < start ||
		    start + size > r->end)
			continue;		/* wrapped, or too small */
		if (start == r->start) {
			r->start += size;
			if (r->start == r->end) {	/* a full fit */
				*link = r->next;
				ff_put_node(l, r);
			}
		} else if (start + size == r->end) {
			r->end = start;
		} else {			/* split in two */
			n = ff_node(l);
			if (!n)
				return 0;
			n->start = start + size;
			n->end = r->end;
			n->next = r->next;
			r->end = start;
			r->next = n;
		}
		return start;
	}
	return 0;
}

/* Give back [start, start + size), which ff_alloc gave out; -1 if it
 * overlaps a free range or no node is left, 0 when done. */
FF_NOINLINE static int
ff_free(struct ff_list *l, unsigned long start, unsigned long size)
{
	struct ff_range **link = &l->head, *prev = 0, *r, *n;
	unsigned long end = start + size;

	while ((r = *link) && r->end <= start) {
		prev = r;
		link = &r->next;
	}
	if (r && r->start < end)
		return -1;			/* overlaps a free range */
	if (prev && prev->end == start) {
		prev->end = end;
		if (r && r->start == end) {	/* fills the gap between two */
			prev->end = r->end;
			prev->next = r->next;
			ff_put_node(l, r);
		}
		return 0;
	}
	if (r && r->start == end) {
		r->start = start;
		return 0;
	}
	n = ff_node(l);
	if (!n)
		return -1;
	n->start = start;
	n->end = end;
	n->next = r;
	*link = n;
	return 0;
}

/* The number of free ranges and their bytes, for checks. */
static unsigned long ff_count(const struct ff_list *l, unsigned long *bytes)
{
	const struct ff_range *r;
	unsigned long n = 0;

	*bytes = 0;
	for (r = l->head; r; r = r->next, n++)
		*bytes += r->end - r->start;
	return n;
}

/*
 * The benchmarks' workload: 2n ranges of one page taken side by side from
 * the bottom, every other one given back, so that n live ranges each have
 * a one-page hole below them.  Zero unless the list ends with exactly
 * n + 1 free ranges (the holes and the rest of the space) of the right size.
 */
static int ff_fragment(struct ff_list *l, unsigned long *live, long n,
			unsigned long lo, unsigned long hi, unsigned long page)
{
	unsigned long bytes;
	long i;

	ff_init(l, lo, hi);
	for (i = 0; i < 2 * n; i++)
		if ((live[i] = ff_alloc(l, page, 1)) != lo + i * page)
			return 0;
	for (i = 2 * n - 2; i >= 0; i -= 2)
		if (ff_free(l, live[i], page))
			return 0;
	return ff_count(l, &bytes) == (unsigned long)n + 1 &&
	       bytes == hi - lo - n * page;
}
#endif
