/*
 * Host stand-in for arch/arm64/include/asm/cmpxchg.h (stage 4 on).
 *
 * The host harness runs on one CPU with no interrupts, so nothing can
 * change the word between the compare and the store: a plain compare
 * and store is exact.  Both names exist so that the slab allocator's
 * code is the same on both sides.
 */
#ifndef _ASM_CMPXCHG_H
#define _ASM_CMPXCHG_H
#include <linux/types.h>

typedef unsigned __int128 u128;

extern bool arm64_use_lse_atomics;

static inline bool cmpxchg128_local(u128 *ptr, u128 old, u128 new)
{
	if (*ptr != old)
		return false;
	*ptr = new;
	return true;
}

static inline bool cmpxchg128(u128 *ptr, u128 old, u128 new)
{
	return cmpxchg128_local(ptr, old, new);
}
#endif
