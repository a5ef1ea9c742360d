/*
 * Host stand-in for arch/arm64/include/asm/cmpxchg.h (stage 4 on).
 *
 * The host harness runs the kernel's code on one thread, switching the
 * CPU it pretends to be between operations, with no interrupts: nothing
 * can change the 16 bytes between the compare and the store.  On x86-64
 * the exchange is CMPXCHG16B without a LOCK prefix, the instruction
 * Linux uses there for a CPU's own free list (this_cpu_cmpxchg16b), so
 * that the benchmarks count what an x86 kernel executes; elsewhere a
 * plain compare and store.
 */
#ifndef _ASM_CMPXCHG_H
#define _ASM_CMPXCHG_H
#include <linux/types.h>

typedef unsigned __int128 u128;

extern bool arm64_use_lse_atomics;

static inline bool cmpxchg128_local(u128 *ptr, u128 old, u128 new)
{
#if defined(__x86_64__)
	bool ok;

	__asm__ __volatile__("cmpxchg16b %[p]"
			     : "=@ccz" (ok), [p] "+m" (*ptr), "+A" (old)
			     : "b" ((u64)new), "c" ((u64)(new >> 64))
			     : "memory");
	return ok;
#else
	if (*ptr != old)
		return false;
	*ptr = new;
	return true;
#endif
}

static inline bool cmpxchg128(u128 *ptr, u128 old, u128 new)
{
	return cmpxchg128_local(ptr, old, new);
}
#endif
