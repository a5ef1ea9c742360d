/*
 * Shared by the host fuzz tests: a seeded xorshift64 generator, so that a
 * failing run can be replayed, and reading a number from the harness's
 * command line (--cmdline "fuzz.seed=N ...").
 */
#ifndef _TESTS_HOST_FUZZ_H
#define _TESTS_HOST_FUZZ_H
#include <linux/types.h>
#include <linux/cmdline.h>

static u64 rng;

static inline u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static inline u64 fuzz_option(const char *key, u64 dflt)
{
	char buf[32];

	if (cmdline_find_option(boot_command_line, key, buf, sizeof(buf)) > 0)
		return memparse(buf, NULL);
	return dflt;
}
#endif
