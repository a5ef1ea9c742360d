/*
 * Host stand-in for arch/arm64/include/asm/tlbflush.h (stage 5 on): there
 * is no TLB, so a flush only counts itself, which lets the tests check that
 * a lazy purge of many areas makes one flush.
 */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H
extern unsigned long host_tlb_flushes;

static inline void local_flush_tlb_all(void)
{
	__atomic_fetch_add(&host_tlb_flushes, 1, __ATOMIC_RELAXED);
}

static inline void flush_tlb_all(void)
{
	local_flush_tlb_all();
}

static inline void flush_tlb_kernel_range(unsigned long start,
					  unsigned long end)
{
	(void)start;
	(void)end;
	local_flush_tlb_all();
}
#endif
