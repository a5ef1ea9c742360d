/* Host stand-in for arch/arm64/include/asm/processor.h.  From stage 5
 * the idle task waits in wfi(): on the host, that is where a simulated CPU
 * with nothing to do hands the host thread back (tests/host/host_mm.c). */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H
#define cpu_relax()	__asm__ __volatile__("" : : : "memory")
#define wfe()		cpu_relax()
#define sev()		do { } while (0)
void host_wfi(void);
#define wfi()		host_wfi()
#endif
