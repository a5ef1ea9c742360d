/*
 * Host stand-in for arch/arm64/include/asm/irqflags.h.  No interrupt ever
 * arrives on the host, but the mask is kept, as PSTATE.I is, so that the
 * scheduler's preempt_enable and preempt_schedule, which switch tasks only
 * with interrupts unmasked, behave on the host as in the kernel (from
 * stage 5 the host switches tasks for real).  One mask per host thread,
 * saved and restored with each simulated CPU (tests/host/host_mm.c).
 */
#ifndef _ASM_IRQFLAGS_H
#define _ASM_IRQFLAGS_H
extern __thread unsigned long host_irqs_masked;

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = host_irqs_masked;

	host_irqs_masked = 1;
	return flags;
}

#define local_irq_save(flags)		((flags) = arch_local_irq_save())
#define local_irq_restore(flags)	((void)(host_irqs_masked = (flags)))
#define arch_local_irq_enable()		((void)(host_irqs_masked = 0))
#define arch_local_irq_disable()	((void)(host_irqs_masked = 1))
#define arch_irqs_disabled()		(host_irqs_masked != 0)
#endif
