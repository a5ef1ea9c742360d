/* Host stand-in for arch/arm64/include/asm/irqflags.h: no interrupts. */
#ifndef _ASM_IRQFLAGS_H
#define _ASM_IRQFLAGS_H
#define local_irq_save(flags)		((flags) = 0)
#define local_irq_restore(flags)	((void)(flags))
#define arch_local_irq_enable()		((void)0)
#define arch_local_irq_disable()	((void)0)
#define arch_irqs_disabled()		(true)
#endif
