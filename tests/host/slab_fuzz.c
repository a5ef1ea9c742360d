/*
 * Host-only, stage 4 on: a fuzz test of the slab allocator, on the machine
 * that tests/host/host_mm.c sets up.
 *
 * A seeded random mix of kmem_cache_alloc and kmem_cache_free,
 * kmem_cache_alloc_bulk and kmem_cache_free_bulk, kmalloc and kfree of
 * random sizes (zero, every class, sizes just past a class, large ones for
 * the page allocator), krealloc and kmem_cache_shrink, over caches of
 * sizes 8 to 4096 (odd ones too), some with constructors and some with
 * the debug flags, run on four simulated CPUs: the harness's per-CPU
 * offset (host_cpu_offset, tests/host/host.c) is switched to another
 * CPU's area now and then, so that objects are freed on a CPU other than
 * the one that allocated them and reach slabs that are another CPU's.
 * Each switch happens between two operations, where a real task could
 * migrate.  The code's on_each_cpu() reaches only the CPU the harness is
 * on, so whatever must flush every CPU (the counts, the end) visits each
 * one in turn.
 *
 * A shadow model checks, at every operation:
 *   - no object is handed out twice and no two live objects overlap: a
 *     bitmap of the arena, one bit per 8-byte granule of every live
 *     object's footprint (its size rounded up to 8, for kmalloc ksize()),
 *     and one bit per object start;
 *   - every live object's contents are intact: it is filled with a
 *     pattern derived from its id, checked when it is freed (and, for
 *     krealloc, over the bytes it keeps);
 *   - objects of a cache with a constructor come out constructed, and no
 *     constructor runs over a live object;
 *   - __GFP_ZERO objects are zero; alignments and ksize() are as asked;
 * and at checkpoints that the counts are conserved (for every cache,
 * kmem_cache_objects_in_use() equals the model's count, with the objects
 * that earlier suites left in the kmalloc caches) and validate_slab_cache()
 * finds nothing.  At the end, everything freed, every cache shrunk on
 * every CPU and the per-CPU page lists drained, the zone's NR_FREE_PAGES
 * is exactly what it was at the start, and no debug check ever reported;
 * with CONFIG_SLUB_STATS (the host build's), that the paths of an object
 * freed on another CPU were all taken.
 *
 * The test runs 10,000,000 operations by default, in `make host-4` with
 * the stage's other suites: 42 to 45 s of CPU time under ASan and UBSan
 * on the machine this was written on, an x86-64 host with 2 cores (8.5 s
 * for 2,000,000; the whole of `make host-4` about 57 s when the machine
 * is otherwise idle).  Another seed, or a shorter run, alone:
 *
 *   make host-4 && build/host/ch04/ktest-host --dtb build/host/virt.dtb \
 *       --cmdline "fuzz.seed=12345 fuzz.ops=1000000" host_slab_fuzz
 */
#if KERNEL_STAGE >= 4
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "fuzz.h"
#include "mm/internal.h"
#include "mm/slab.h"

void *calloc(size_t n, size_t size);
void free(void *p);

extern unsigned long arena_start_pfn, arena_pages;

#define FUZZ_CPUS	4		/* the harness has areas for NR_CPUS */
#define MAX_LIVE	(1 << 15)	/* objects held at most, of each kind */
#define LIVE_BUDGET	(16UL << 20)	/* bytes held at most, in all */
#define MAX_BULK	64
#define CHECKPOINT	(1UL << 16)	/* operations between count checks */
#define LARGE		(KMALLOC_SHIFT_HIGH + 1)	/* cls of a large kmalloc */
#define CTOR_ID(c)	(0xc7000000u | (c))	/* pattern of a constructed object */

/* ---------------------------------------------------------------- caches */
static const struct cache_spec {
	const char *name;
	unsigned int size, align;
	slab_flags_t flags;
	bool ctor;
} specs[] = {
	{ "fuzz-8",		8,    0,  0,				false },
	{ "fuzz-13-ctor",	13,   0,  0,				true },
	{ "fuzz-24-hwalign",	24,   0,  SLAB_HWCACHE_ALIGN,		false },
	{ "fuzz-40-align64",	40,   64, 0,				false },
	{ "fuzz-100",		100,  0,  0,				false },
	{ "fuzz-192-ctor",	192,  0,  0,				true },
	{ "fuzz-333-FZPU",	333,  0,  SLAB_DEBUG_FLAGS,		false },
	{ "fuzz-512-U-ctor",	512,  0,  SLAB_STORE_USER,		true },
	{ "fuzz-1000-ZP-ctor",	1000, 0,  SLAB_RED_ZONE | SLAB_POISON,	true },
	{ "fuzz-2049-FZ",	2049, 0,  SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE, false },
	{ "fuzz-4096",		4096, 0,  0,				false },
	{ "fuzz-4095-P",	4095, 0,  SLAB_POISON,			false },
};
#define NC	ARRAY_SIZE(specs)
#define KM	NC			/* the kind of kmalloc objects */
#define NKINDS	(NC + 1)

static struct kmem_cache *caches[NC];

struct obj {
	void *p;
	u32 size;			/* bytes filled with the pattern */
	u32 foot;			/* bytes it may use: the bitmap's span */
	u32 id;
	u32 cls;			/* kmalloc: kmalloc_index(), or LARGE */
};

static struct obj *live[NKINDS];
static unsigned long nlive[NKINDS], total_live, live_bytes;

/* What the model found wrong. */
static unsigned long twice, overlap, outside, misaligned, lost, corrupt,
	not_constructed, ctor_on_live, not_zero, bad_ksize, bad_krealloc,
	bad_count, refused;
/* What the run did. */
static unsigned long allocs, frees, bulk_allocs, bulk_frees, reallocs,
	large_allocs, shrinks, switches, ctor_calls;
static u32 next_id = 1;

/* ---------------------------------------------------------------- patterns */
static inline u64 pattern_word(u32 id)
{
	u64 x = id * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

/* Byte k of the pattern is byte k % 8 of word w + k / 8 (little-endian):
 * a prefix of an object checks alone, and two objects never match. */
static void fill(void *p, u32 n, u32 id)
{
	u64 w = pattern_word(id), *q = p;
	u32 i, j;

	for (i = 0; i < n / 8; i++)
		q[i] = w + i;
	for (j = 0; j < n % 8; j++)
		((u8 *)(q + i))[j] = (u8)((w + i) >> (8 * j));
}

static bool intact(const void *p, u32 n, u32 id)
{
	u64 w = pattern_word(id);
	const u64 *q = p;
	u32 i, j;

	for (i = 0; i < n / 8; i++)
		if (q[i] != w + i)
			return false;
	for (j = 0; j < n % 8; j++)
		if (((const u8 *)(q + i))[j] != (u8)((w + i) >> (8 * j)))
			return false;
	return true;
}

static bool all_zero(const void *p, u32 n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* ---------------------------------------------------------------- bitmaps */
static u64 *live_map, *start_map;	/* a bit per 8-byte granule of the arena */
static unsigned long arena_base, arena_granules;

/* Set or clear granules [g, g + n) of map; how many were set before. */
static unsigned long map_range(u64 *map, unsigned long g, unsigned long n,
			       bool set)
{
	unsigned long was = 0;

	while (n) {
		unsigned long b = g % 64, k = min(64 - b, n);
		u64 mask = (k == 64 ? ~0ULL : (1ULL << k) - 1) << b;
		u64 *w = &map[g / 64];

		was += __builtin_popcountll(*w & mask);
		if (set)
			*w |= mask;
		else
			*w &= ~mask;
		g += k;
		n -= k;
	}
	return was;
}

static bool in_arena(const void *p, u32 foot)
{
	unsigned long a = (unsigned long)p;

	return a >= arena_base && !(a % 8) &&
	       (a - arena_base) / 8 + DIV_ROUND_UP(foot, 8) <= arena_granules;
}

static bool is_live(const void *p)
{
	unsigned long g = ((unsigned long)p - arena_base) / 8;

	return in_arena(p, 8) && (live_map[g / 64] >> (g % 64)) & 1;
}

/* A new object's footprint: was any of it live? */
static bool claim(void *p, u32 foot)
{
	unsigned long g = ((unsigned long)p - arena_base) / 8;

	if (!in_arena(p, foot)) {
		outside++;
		return false;
	}
	if (map_range(start_map, g, 1, true))
		twice++;
	else if (map_range(live_map, g, DIV_ROUND_UP(foot, 8), true))
		overlap++;
	else
		return true;
	return false;
}

static void release(void *p, u32 foot)
{
	unsigned long g = ((unsigned long)p - arena_base) / 8;

	if (!in_arena(p, foot))
		return;		/* counted when it was claimed */
	if (map_range(start_map, g, 1, false) != 1 ||
	    map_range(live_map, g, DIV_ROUND_UP(foot, 8), false) !=
	    DIV_ROUND_UP(foot, 8))
		lost++;
}

/* ---------------------------------------------------------------- constructors */
static void construct(unsigned int c, void *p)
{
	ctor_calls++;
	if (is_live(p))
		ctor_on_live++;
	fill(p, specs[c].size, CTOR_ID(c));
}

#define CTOR(c) static void ctor_##c(void *p) { construct(c, p); }
CTOR(0) CTOR(1) CTOR(2) CTOR(3) CTOR(4) CTOR(5) CTOR(6) CTOR(7) CTOR(8)
CTOR(9) CTOR(10) CTOR(11)
static void (*const ctors[])(void *) = {
	ctor_0, ctor_1, ctor_2, ctor_3, ctor_4, ctor_5, ctor_6, ctor_7,
	ctor_8, ctor_9, ctor_10, ctor_11,
};

/* ---------------------------------------------------------------- CPUs */
static unsigned int cur_cpu;

static void switch_cpu(unsigned int cpu)
{
	cur_cpu = cpu;
	host_cpu_offset = __per_cpu_offset[cpu];
}

/* Objects in use in s, exact: every CPU gives its slabs back first. */
static unsigned long in_use_everywhere(struct kmem_cache *s)
{
	unsigned int was = cur_cpu, cpu;
	unsigned long n = 0;

	for (cpu = FUZZ_CPUS; cpu-- > 0;) {
		switch_cpu(cpu);
		n = kmem_cache_objects_in_use(s);
	}
	switch_cpu(was);
	return n;
}

static void shrink_everywhere(struct kmem_cache *s)
{
	unsigned int was = cur_cpu, cpu;

	for (cpu = FUZZ_CPUS; cpu-- > 0;) {
		switch_cpu(cpu);
		kmem_cache_shrink(s);
	}
	switch_cpu(was);
}

/* Every cache shrunk and every CPU's page lists drained, on every CPU. */
static void give_everything_back(void)
{
	unsigned int cpu;
	struct kmem_cache *s;

	for (cpu = FUZZ_CPUS; cpu-- > 0;) {
		switch_cpu(cpu);
		list_for_each_entry(s, &slab_caches, list)
			kmem_cache_shrink(s);
		drain_local_pages(NULL);
	}
}

/* ---------------------------------------------------------------- the model */
static const gfp_t gfps[] = { GFP_KERNEL, GFP_KERNEL, GFP_KERNEL, GFP_ATOMIC,
			      GFP_NOWAIT };

static u32 kmalloc_class_size(u32 cls)
{
	return cls == 1 ? 96 : cls == 2 ? 192 : 1u << cls;
}

/* What ksize() must say of a kmalloc of size bytes. */
static u32 kmalloc_foot(size_t size, u32 *cls)
{
	if (size > KMALLOC_MAX_CACHE_SIZE) {
		*cls = LARGE;
		return PAGE_SIZE << get_order(size);
	}
	*cls = kmalloc_index(size);
	return kmalloc_class_size(*cls);
}

static void track(unsigned int kind, void *p, u32 size, u32 foot, u32 cls)
{
	struct obj *o = &live[kind][nlive[kind]++];

	o->p = p;
	o->size = size;
	o->foot = foot;
	o->cls = cls;
	o->id = next_id++;
	total_live++;
	live_bytes += foot;
	fill(p, size, o->id);
}

/* A new object of cache c: checked, then filled and tracked. */
static void took_from_cache(unsigned int c, void *p, bool zero)
{
	const struct cache_spec *sp = &specs[c];
	u32 foot = ALIGN(sp->size, 8);

	allocs++;
	if ((unsigned long)p % max(sp->align, 8u))
		misaligned++;
	if (!claim(p, foot))
		return;		/* not tracked: the run has failed */
	if (sp->ctor && !intact(p, sp->size, CTOR_ID(c)))
		not_constructed++;
	if (zero && !all_zero(p, sp->size))
		not_zero++;
	track(c, p, sp->size, foot, 0);
}

static void took_from_kmalloc(void *p, size_t size, bool zero)
{
	u32 cls, foot = kmalloc_foot(size, &cls);

	allocs++;
	if (cls == LARGE)
		large_allocs++;
	/* natural alignment for powers of two, as Linux promises */
	if ((unsigned long)p % (size & (size - 1) ? 8 : min(size, PAGE_SIZE)))
		misaligned++;
	if (ksize(p) != foot)
		bad_ksize++;
	if (!claim(p, foot))
		return;
	if (zero && !all_zero(p, size))
		not_zero++;
	track(KM, p, size, foot, cls);
}

/* Take the k-th object of a kind out of the model, checking it. */
static struct obj untrack(unsigned int kind, unsigned long k)
{
	struct obj o = live[kind][k];

	live[kind][k] = live[kind][--nlive[kind]];
	total_live--;
	live_bytes -= o.foot;
	if (!intact(o.p, o.size, o.id))
		corrupt++;
	if (kind != KM && specs[kind].ctor)	/* back to constructed state */
		fill(o.p, o.size, CTOR_ID(kind));
	release(o.p, o.foot);
	frees++;
	return o;
}

static size_t random_kmalloc_size(u64 r)
{
	static const u32 classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512,
				       1024, 2048, 4096, 8192 };
	unsigned int sel = r % 100;

	r >>= 8;
	if (sel < 50)
		return 1 + r % 128;
	if (sel < 70)
		return 129 + r % 896;
	if (sel < 82)
		return 1025 + r % 7168;
	if (sel < 92)			/* a class, or one byte past it */
		return classes[r % ARRAY_SIZE(classes)] + (r >> 8) % 2;
	if (sel < 98)
		return 8193 + r % (56 << 10);		/* orders 2 to 4 */
	return 64 * 1024 + r % (192 << 10);		/* orders 5 and 6 */
}

/* ---------------------------------------------------------------- operations */
static void op_alloc(u64 r)
{
	unsigned int kind = r % (NC + 4);	/* kmalloc a quarter of the time */
	gfp_t gfp = gfps[(r >> 8) % ARRAY_SIZE(gfps)];
	bool zero = (r >> 16) % 8 == 0;
	void *p;

	r >>= 20;
	if (kind < NC) {
		if (nlive[kind] >= MAX_LIVE)
			return;
		zero = zero && !specs[kind].ctor;
		if (r % 4)
			p = kmem_cache_alloc(caches[kind], gfp | (zero ? __GFP_ZERO : 0));
		else
			p = kmem_cache_alloc_node(caches[kind],
						  gfp | (zero ? __GFP_ZERO : 0),
						  (r >> 2) % 2 ? 0 : NUMA_NO_NODE);
		if (!p) {
			refused++;
			return;
		}
		took_from_cache(kind, p, zero);
		return;
	}
	if (nlive[KM] >= MAX_LIVE)
		return;
	{
		size_t size = random_kmalloc_size(r);

		if (size > KMALLOC_MAX_CACHE_SIZE)
			gfp |= __GFP_NOWARN;
		p = zero ? kzalloc(size, gfp) : kmalloc(size, gfp);
		if (!p) {
			refused++;
			return;
		}
		took_from_kmalloc(p, size, zero);
	}
}

static void free_one(unsigned int kind, unsigned long k, bool use_kfree)
{
	struct obj o = untrack(kind, k);

	if (kind == KM || use_kfree)
		kfree(o.p);
	else
		kmem_cache_free(caches[kind], o.p);
}

/* A random live object, any kind: its kind and index. */
static bool pick(u64 r, unsigned int *kind, unsigned long *k)
{
	unsigned long i;

	if (!total_live)
		return false;
	i = r % total_live;
	for (*kind = 0; i >= nlive[*kind]; (*kind)++)
		i -= nlive[*kind];
	*k = i;
	return true;
}

static void op_free(u64 r)
{
	unsigned int kind;
	unsigned long k;

	if (pick(r, &kind, &k))
		free_one(kind, k, (r >> 40) % 8 == 0);	/* kfree of a cache object */
}

static void op_alloc_bulk(u64 r)
{
	unsigned int c = r % NC;
	size_t n = 1 + (r >> 8) % MAX_BULK, i;
	gfp_t gfp = gfps[(r >> 16) % ARRAY_SIZE(gfps)];
	bool zero = (r >> 24) % 8 == 0 && !specs[c].ctor;
	void *p[MAX_BULK];

	if (nlive[c] + n > MAX_LIVE)
		return;
	if (kmem_cache_alloc_bulk(caches[c], gfp | (zero ? __GFP_ZERO : 0), n,
				  p) != (int)n) {
		refused++;
		return;
	}
	bulk_allocs++;
	for (i = 0; i < n; i++)
		took_from_cache(c, p[i], zero);
}

/* Up to 64 objects of one cache to kmem_cache_free_bulk, or small kmalloc
 * objects of any class to kmem_cache_free_bulk(NULL), as kfree_bulk does. */
static void op_free_bulk(u64 r)
{
	unsigned int kind = r % (NC + 2), tries;
	size_t want = 1 + (r >> 8) % MAX_BULK, n = 0;
	void *p[MAX_BULK];

	if (kind > KM)
		kind = KM;
	r >>= 16;
	for (tries = 0; n < want && nlive[kind] && tries < 2 * want; tries++) {
		unsigned long k = (r = r * 6364136223846793005ULL + 1) % nlive[kind];

		if (kind == KM && live[KM][k].cls == LARGE)
			continue;
		p[n++] = untrack(kind, k).p;
	}
	if (!n)
		return;
	bulk_frees++;
	kmem_cache_free_bulk(kind == KM ? NULL : caches[kind], n, p);
}

static void op_krealloc(u64 r)
{
	size_t size = (r >> 48) % 16 ? random_kmalloc_size(r) : 0;
	struct obj *o;
	u32 cls, foot;
	void *p;

	if (!nlive[KM] || (r >> 44) % 16 == 0) {	/* krealloc(NULL, size) */
		if (nlive[KM] >= MAX_LIVE)
			return;
		p = krealloc(NULL, size, GFP_KERNEL | __GFP_NOWARN);
		if (!size) {
			if (p != ZERO_SIZE_PTR)
				bad_krealloc++;
			return;
		}
		if (!p) {
			refused++;
			return;
		}
		reallocs++;
		took_from_kmalloc(p, size, false);
		return;
	}
	o = &live[KM][(r >> 32) % nlive[KM]];
	if (!size) {			/* krealloc(p, 0) frees p */
		struct obj gone = untrack(KM, o - live[KM]);

		if (krealloc(gone.p, 0, GFP_KERNEL) != ZERO_SIZE_PTR)
			bad_krealloc++;
		reallocs++;
		return;
	}
	p = krealloc(o->p, size, GFP_KERNEL | __GFP_NOWARN);
	if (!p) {
		refused++;
		return;
	}
	reallocs++;
	/* in place exactly when it fits; the bytes it keeps are intact */
	if ((p == o->p) != (o->foot >= size))
		bad_krealloc++;
	if (!intact(p, (u32)min((size_t)o->size, size), o->id))
		corrupt++;
	if (p == o->p) {
		o->size = size;
		fill(p, size, o->id);
		if (ksize(p) != o->foot)
			bad_ksize++;
		return;
	}
	release(o->p, o->foot);
	live_bytes -= o->foot;
	foot = kmalloc_foot(size, &cls);
	if (ksize(p) != foot)
		bad_ksize++;
	if (!claim(p, foot)) {
		live[KM][o - live[KM]] = live[KM][--nlive[KM]];
		total_live--;
		return;
	}
	o->p = p;
	o->size = size;
	o->foot = foot;
	o->cls = cls;
	live_bytes += foot;
	fill(p, size, o->id);
}

/* kmalloc(0), kfree(NULL) and kfree(ZERO_SIZE_PTR): nothing is taken. */
static void op_zero(void)
{
	if (kmalloc(0, GFP_KERNEL) != ZERO_SIZE_PTR ||
	    kzalloc(0, GFP_KERNEL) != ZERO_SIZE_PTR)
		bad_krealloc++;
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	kmem_cache_free(caches[0], NULL);
}

static void op_shrink(u64 r)
{
	unsigned int k = r % (NC + KMALLOC_SHIFT_HIGH + 1);

	shrinks++;
	if (k < NC)
		kmem_cache_shrink(caches[k]);
	else if (kmalloc_caches[k - NC])
		kmem_cache_shrink(kmalloc_caches[k - NC]);
}

/* ---------------------------------------------------------------- counts */
static unsigned long kmalloc_base[KMALLOC_SHIFT_HIGH + 1];

static void check_counts(void)
{
	unsigned long want[KMALLOC_SHIFT_HIGH + 2] = { 0 }, i;
	unsigned int c;

	for (c = 0; c < NC; c++) {
		if (in_use_everywhere(caches[c]) != nlive[c])
			bad_count++;
		if (validate_slab_cache(caches[c]))
			bad_count++;
	}
	for (i = 0; i < nlive[KM]; i++)
		want[live[KM][i].cls]++;
	for (c = 1; c <= KMALLOC_SHIFT_HIGH; c++) {
		if (!kmalloc_caches[c])
			continue;
		if (in_use_everywhere(kmalloc_caches[c]) !=
		    kmalloc_base[c] + want[c])
			bad_count++;
		if (validate_slab_cache(kmalloc_caches[c]))
			bad_count++;
	}
}

/* ---------------------------------------------------------------- the test */
static struct zone *arena_zone(void)
{
	return page_zone(pfn_to_page(arena_start_pfn));
}

static void slab_fuzz_against_shadow(struct ktest *t)
{
	unsigned long ops = fuzz_option("fuzz.ops", 10000000), i, phase_end = 0;
	unsigned long free_before, errors_before = slab_errors, peak = 0;
	unsigned int c, grow = 1;

	rng = fuzz_option("fuzz.seed", 0x9e3779b97f4a7c15ULL);
	arena_base = arena_start_pfn << PAGE_SHIFT;
	arena_granules = arena_pages * (PAGE_SIZE / 8);
	live_map = calloc(arena_granules / 64 + 1, sizeof(u64));
	start_map = calloc(arena_granules / 64 + 1, sizeof(u64));
	for (c = 0; c < NKINDS; c++)
		live[c] = calloc(MAX_LIVE, sizeof(struct obj));

	give_everything_back();
	switch_cpu(0);
	free_before = zone_page_state(arena_zone(), NR_FREE_PAGES);
	for (c = 1; c <= KMALLOC_SHIFT_HIGH; c++)
		if (kmalloc_caches[c])
			kmalloc_base[c] = in_use_everywhere(kmalloc_caches[c]);
	for (c = 0; c < NC; c++) {
		caches[c] = kmem_cache_create(specs[c].name, specs[c].size,
					      specs[c].align,
					      specs[c].flags | SLAB_NO_USER_FLAGS,
					      specs[c].ctor ? ctors[c] : NULL);
		KTEST_ASSERT_TRUE(t, caches[c]);
	}

	for (i = 0; i < ops; i++) {
		u64 r = rnd();
		unsigned int sel = r % 1000;

		r >>= 10;
		/* Phases that grow and shrink the heap, so that slabs fill up
		 * and empty again; the limits force frees. */
		if (i >= phase_end) {
			grow = !grow;
			phase_end = i + 10000 + r % 300000;
		}
		if (total_live >= NKINDS * MAX_LIVE / 2 || live_bytes >= LIVE_BUDGET)
			sel = sel % 2 ? 500 : 870;	/* a free, or a bulk free */
		else if (sel < 800)
			sel = sel < (grow ? 550 : 300) ? 0 : 500;
		if (sel < 500)
			op_alloc(r);
		else if (sel < 830)
			op_free(r);
		else if (sel < 860)
			op_alloc_bulk(r);
		else if (sel < 890)
			op_free_bulk(r);
		else if (sel < 980)
			op_krealloc(r);
		else if (sel < 985)
			op_zero();
		else if (sel < 997) {
			switches++;
			switch_cpu(r % FUZZ_CPUS);
		} else
			op_shrink(r);
		peak = max(peak, live_bytes);
		if (i % CHECKPOINT == CHECKPOINT - 1)
			check_counts();
	}
	check_counts();

	/* Everything back: each object checked as it goes. */
	for (c = 0; c < NKINDS; c++)
		while (nlive[c])
			free_one(c, nlive[c] - 1, false);
	for (c = 0; c < NC; c++) {
		shrink_everywhere(caches[c]);
		KTEST_EXPECT_EQ(t, kmem_cache_objects_in_use(caches[c]), 0);
	}
#ifdef CONFIG_SLUB_STATS
	/* The paths of an object freed on another CPU were taken. */
	{
		static const enum stat_item paths[] = {
			FREE_FROZEN, CPU_PARTIAL_FREE, CPU_PARTIAL_DRAIN,
			CPU_PARTIAL_ALLOC, ALLOC_FROM_PARTIAL, FREE_SLAB,
		};
		unsigned long n[ARRAY_SIZE(paths)] = { 0 };
		unsigned int k;

		for (k = 0; k < ARRAY_SIZE(paths); k++) {
			for (c = 0; c < NC; c++)
				n[k] += slab_stat(caches[c], paths[k]);
			KTEST_EXPECT_GT(t, n[k], 0);
		}
		ktest_log("  # slab_fuzz: free_frozen=%lu cpu_partial_free=%lu "
			  "cpu_partial_drain=%lu cpu_partial_alloc=%lu "
			  "alloc_from_partial=%lu free_slab=%lu\n", n[0], n[1],
			  n[2], n[3], n[4], n[5]);
	}
#endif
	for (c = 0; c < NC; c++)
		kmem_cache_destroy(caches[c]);
	give_everything_back();
	switch_cpu(0);

	ktest_log("  # slab_fuzz: %lu operations: %lu allocations (%lu large, "
		  "%lu bulk calls), %lu frees (%lu bulk calls), %lu kreallocs, "
		  "%lu shrinks, %lu CPU switches, %lu constructor calls, "
		  "%lu refused, at most %lu KiB held\n", ops, allocs,
		  large_allocs, bulk_allocs, frees, bulk_frees, reallocs,
		  shrinks, switches, ctor_calls, refused, peak >> 10);
	KTEST_EXPECT_EQ(t, twice, 0);
	KTEST_EXPECT_EQ(t, overlap, 0);
	KTEST_EXPECT_EQ(t, outside, 0);
	KTEST_EXPECT_EQ(t, misaligned, 0);
	KTEST_EXPECT_EQ(t, lost, 0);
	KTEST_EXPECT_EQ(t, corrupt, 0);
	KTEST_EXPECT_EQ(t, not_constructed, 0);
	KTEST_EXPECT_EQ(t, ctor_on_live, 0);
	KTEST_EXPECT_EQ(t, not_zero, 0);
	KTEST_EXPECT_EQ(t, bad_ksize, 0);
	KTEST_EXPECT_EQ(t, bad_krealloc, 0);
	KTEST_EXPECT_EQ(t, bad_count, 0);
	KTEST_EXPECT_EQ(t, refused, 0);
	KTEST_EXPECT_EQ(t, slab_errors, errors_before);
	KTEST_EXPECT_EQ(t, zone_page_state(arena_zone(), NR_FREE_PAGES),
			free_before);
	/* the run did what it says */
	KTEST_EXPECT_GT(t, allocs, ops / 2);
	KTEST_EXPECT_GT(t, large_allocs, ops / 400);
	KTEST_EXPECT_GT(t, switches, ops / 200);
	KTEST_EXPECT_GT(t, ctor_calls, 0);
	for (c = 0; c < NKINDS; c++)
		free(live[c]);
	free(live_map);
	free(start_map);
}

KTEST_SUITE(host_slab_fuzz, 4,
	KTEST_CASE(slab_fuzz_against_shadow));
#endif
