/*
 * Host-only: a fuzz test of the device tree parser.
 *
 * Take the real device tree that QEMU gave the kernel (the harness loads it
 * with --dtb), damage it in random ways, and hand each damaged blob to the
 * parser in a heap buffer of exactly its size, so that AddressSanitizer
 * stops the run at the first byte read out of bounds.  Every blob must be
 * either accepted with sane contents or rejected with -EINVAL and a reason;
 * nothing else is allowed.  The generator is seeded, so a failure can be
 * replayed with fuzz.seed=N on the harness's command line.
 */
#include <linux/kernel.h>
#include <linux/cmdline.h>
#include <linux/errno.h>
#include <linux/fdt.h>
#include <linux/ktest.h>
#include <linux/string.h>
#include "fuzz.h"

void *malloc(size_t size);
void free(void *p);

extern void *initial_boot_params;
extern u32 initial_boot_params_size;

static void put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* The offset of a random word of the structure block, or 0 if the header
 * (perhaps already damaged) describes no such block. */
static u32 struct_word(const u8 *b)
{
	u32 words = fdt32_to_cpu(b + 36) / 4;

	return words ? fdt32_to_cpu(b + 8) + 4 * (u32)(rnd() % words) : 0;
}

/* One random corruption of the blob b of length *len. */
static void mutate(u8 *b, u32 *len)
{
	static const u32 special[] = { 0, 1, 3, 4, 8, 16, 39, 40, 0x7fffffff,
				       0x80000000, 0xfffffffc, 0xffffffff };
	u32 n = *len, i;

	if (n < 40)		/* already cut short: nothing left to damage */
		return;
	switch (rnd() % 6) {
	case 0:		/* flip a few random bytes anywhere */
		for (i = 0; i < 1 + rnd() % 8; i++)
			b[rnd() % n] ^= 1 + rnd() % 255;
		break;
	case 1:		/* a header field takes a boundary value */
		put32(b + 4 * (rnd() % 10),
		      special[rnd() % ARRAY_SIZE(special)]);
		break;
	case 2:		/* a header field moves a little */
		i = 4 * (1 + rnd() % 9);
		put32(b + i, fdt32_to_cpu(b + i) + (u32)(rnd() % 64) - 32);
		break;
	case 3:		/* the buffer is cut short */
		*len = rnd() % n;
		break;
	case 4:		/* an aligned word of the structure block changes */
		i = struct_word(b);
		if (i && i <= n - 4)
			put32(b + i, special[rnd() % ARRAY_SIZE(special)] ^
				     (rnd() % 2 ? 0 : (u32)rnd() % 10));
		break;
	case 5:		/* a token becomes another token */
		i = struct_word(b);
		if (i && i <= n - 4)
			put32(b + i, 1 + rnd() % 9);
		break;
	}
}

/* Parse as the kernel does, then walk the tree. */
static int parse(const u8 *blob, u32 len, struct fdt_machine *m)
{
	struct fdt f;
	int err = fdt_open(&f, blob, len), node;

	if (err)
		return err;
	err = fdt_scan_machine(&f, m);
	for (node = fdt_first_child(&f, fdt_root(&f)); node >= 0;
	     node = fdt_next_sibling(&f, node))
		(void)fdt_getprop(&f, node, "reg", NULL);
	(void)fdt_path_offset(&f, "/cpus/cpu@0");
	return err;
}

static void fdt_fuzz_random_corruptions(struct ktest *t)
{
	u32 size = initial_boot_params_size, iterations = 200000, i;
	u32 accepted = 0, rejected = 0, bad = 0;
	struct fdt_machine m;
	u8 *work;

	if (!initial_boot_params) {
		ktest_skip(t, "no device tree (run with --dtb)");
		return;
	}
	rng = fuzz_option("fuzz.seed", 0x9e3779b97f4a7c15ULL);
	iterations = fuzz_option("fuzz.iterations", iterations);
	KTEST_ASSERT_EQ(t, parse(initial_boot_params, size, &m), 0);

	for (i = 0; i < iterations; i++) {
		u32 len = size, rounds = 1 + rnd() % 3, r;
		int err;

		work = malloc(size);
		memcpy(work, initial_boot_params, size);
		for (r = 0; r < rounds; r++)
			mutate(work, &len);
		/* An exact-size copy: one byte more is out of bounds. */
		u8 *exact = malloc(len ? len : 1);

		memcpy(exact, work, len);
		err = parse(exact, len, &m);
		if (err == 0 && m.nr_mem > 0 && m.nr_mem <= FDT_MAX_MEM &&
		    m.nr_cpus > 0 && m.nr_cpus <= FDT_MAX_CPUS)
			accepted++;
		else if (err == -EINVAL)
			rejected++;
		else
			bad++;
		free(exact);
		free(work);
	}
	ktest_log("  # fdt_fuzz: %u blobs: %u accepted, %u rejected, %u bad\n",
		  iterations, accepted, rejected, bad);
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_EQ(t, accepted + rejected, iterations);
	KTEST_EXPECT_GE(t, rejected, iterations / 4);
}

KTEST_SUITE(host_fdt_fuzz, 0,
	KTEST_CASE(fdt_fuzz_random_corruptions));
