/* Host stand-in for arch/arm64/include/asm/current.h: the kernel keeps the
 * current task in SP_EL0; the host gives each of its threads a zeroed
 * task_struct-sized area of its own (host_mm.c), so that preempt_count,
 * which spinlocks change from stage 5 on, is per thread and starts at zero. */
#ifndef _ASM_CURRENT_H
#define _ASM_CURRENT_H
struct task_struct;
struct task_struct *host_get_current(void);
#define get_current()		host_get_current()
#define current			get_current()
#define current_thread_info()	((struct thread_info *)get_current())
#endif
