/* Host stand-in for arch/arm64/include/asm/processor.h. */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H
#define cpu_relax()	__asm__ __volatile__("" : : : "memory")
#define wfe()		cpu_relax()
#define sev()		do { } while (0)
#define wfi()		cpu_relax()
#endif
