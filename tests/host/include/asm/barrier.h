/* Host stand-in for arch/arm64/include/asm/barrier.h: C11 fences. */
#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H
#define isb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define dsb(opt)	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define dmb(opt)	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif
