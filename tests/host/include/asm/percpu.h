/* Host stand-in for arch/arm64/include/asm/percpu.h: the per-CPU offset,
 * which the kernel keeps in TPIDR_EL1, is a thread-local variable. */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H
extern __thread unsigned long host_cpu_offset;
static inline unsigned long __my_cpu_offset(void)
{
	return host_cpu_offset;
}
#endif
