/*
 * Host-only, stage 5 on: the scheduler of kernel/sched/core.c, wait.c,
 * completion.c, kernel/locking/mutex.c and kernel/kthread.c
 * (appendices/05-threads.nw), switching for real on one host thread
 * (tests/host/host_mm.c), so that every interleaving is the one the test
 * chooses and each can be asserted exactly: which task runs next, what
 * the run queue holds, how many switches were made, which CPU was asked
 * to reschedule.  The tests run in the host's first thread, bound to
 * CPU 0, as the kernel's run in init; the threads they make run when the
 * test gives up the CPU (yield, or a sleep), and the other CPUs when the
 * test runs them (host_run_cpu).  Every case begins and ends with the
 * test alone on CPU 0's queue and the other CPUs' queues empty.
 *
 * sched_round_robin_of_yielding_threads: four threads that note their
 *   number and yield, three times each, run in the order they were
 *   woken, round after round, five switches a round; then they end.
 *   Each began with a preempt_count of zero.
 * sched_time_slice_ends_after_rr_timeslice_ticks: the tick (called as
 *   the timer's interrupt calls it) asks for a switch at the
 *   RR_TIMESLICE-th tick of a slice and not before, and only when
 *   another task waits; the interrupt's return switches then (a forced
 *   switch, counted in nivcsw).
 * sched_a_task_preempted_on_its_way_to_sleep_stays_queued: a task that
 *   set its state and is preempted by the tick before it calls schedule
 *   stays on its queue, and gets the CPU back.
 * sched_preempt_enable_switches_only_with_interrupts_unmasked: a switch
 *   that the tick asks for while preemption is disabled waits for
 *   preempt_enable, and happens there; with interrupts masked it waits
 *   longer, until the task itself calls the scheduler.
 * sched_woken_sleeper_goes_to_the_tail: a thread woken while two others
 *   wait is queued behind them, and runs after them.
 * sched_waking_a_runnable_task_enqueues_nothing: waking the running task
 *   or a queued one returns 0 and changes no queue; a wake-up for the
 *   wrong state wakes nothing; a task that set its state but has not
 *   slept yet is made runnable where it is.
 * sched_a_satisfied_wait_leaves_the_task_running: finish_wait, and a
 *   wait_event whose condition holds, leave the task running, off the
 *   wait queue, with no switch.
 * sched_wake_up_wakes_every_ordinary_and_one_exclusive_waiter: each
 *   wake_up wakes the two ordinary waiters and the first of three
 *   exclusive ones, which go back to the end of the queue, so that the
 *   exclusive ones are woken in turn.
 * sched_mutex_goes_to_its_waiters_in_order: three waiters get a mutex
 *   in the order they asked for it, each unlock waking exactly one; a
 *   waiter that another task overtook stays first.
 * sched_complete_wakes_one_and_complete_all_every_waiter: a completion
 *   counts events made before anyone waits; complete wakes one waiter,
 *   complete_all the rest and every later one, without a switch.
 * sched_kthread_stop_before_the_first_run_returns_eintr: the function
 *   never runs, the stop costs exactly two switches, and the task is
 *   gone from the list of tasks.
 * sched_a_token_handed_back_and_forth_costs_two_switches: a round trip
 *   through two completions is two switches, exactly, a thousand times.
 * sched_virtual_time_msleep_and_timeouts: with every CPU idle the host
 *   ticks in virtual time: msleep(20) sleeps exactly 6 jiffies, a
 *   completion waited for 3 jiffies times out after exactly 3, and one
 *   that a timer completes after 2 returns what was left; the timer's
 *   function runs in the tick's interrupt (in_hardirq).
 * sched_a_task_goes_to_the_queue_of_its_cpu: a task bound to CPU 2 is
 *   queued there, CPU 2 (idle) is sent exactly one reschedule IPI and
 *   runs it; an unbound one goes to the least loaded CPU.
 * sched_idle_balance_pulls_what_it_may_once_a_jiffy: an idle CPU takes
 *   the first task of the busiest queue that is not running, not being
 *   switched away from (on_cpu) and not bound elsewhere; it looks once
 *   a jiffy, and takes from the busiest of two busy queues.
 *
 *   make host-5 && build/host/ch05/ktest-host --dtb build/host/virt.dtb host_sched
 */
#if KERNEL_STAGE >= 5
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include "kernel/sched/sched.h"

extern unsigned long host_resched_ipis[NR_CPUS];	/* host_mm.c */
void host_run_cpu(unsigned int cpu);
extern struct list_head task_list;			/* kernel/fork.c */

/* ------------------------------------------------ what happened, in order */
#define TRACE_MAX	64

static unsigned int trace[TRACE_MAX], ntrace;

static void note(unsigned int id)
{
	if (ntrace < TRACE_MAX)
		trace[ntrace] = id;
	ntrace++;
}

static void expect_trace(struct ktest *t, int line, const unsigned int *want,
			 unsigned int n)
{
	char got[256], exp[256];
	unsigned int i, g = 0, e = 0;
	bool same = ntrace == n;

	for (i = 0; i < n && i < ntrace && i < TRACE_MAX; i++)
		same = same && trace[i] == want[i];
	if (same)
		return;
	got[0] = exp[0] = 0;
	for (i = 0; i < ntrace && i < TRACE_MAX; i++)
		g += scnprintf(got + g, sizeof(got) - g, " %u", trace[i]);
	for (i = 0; i < n; i++)
		e += scnprintf(exp + e, sizeof(exp) - e, " %u", want[i]);
	ktest_fail(t, __FILE__, line, "ran in the order%s, not%s", got, exp);
}

#define IDS(...)	((const unsigned int[]){ __VA_ARGS__ })
#define EXPECT_TRACE(t, ...)						\
	expect_trace(t, __LINE__, IDS(__VA_ARGS__), ARRAY_SIZE(IDS(__VA_ARGS__)))
#define EXPECT_NO_TRACE(t)	expect_trace(t, __LINE__, NULL, 0)

/* The run queue of cpu holds exactly these tasks, in this order. */
static void expect_queue(struct ktest *t, int line, unsigned int cpu,
			 struct task_struct *const *want, unsigned int n)
{
	struct rq *rq = cpu_rq(cpu);
	struct task_struct *p;
	unsigned int i = 0;
	bool same = rq->nr_running == n;

	list_for_each_entry(p, &rq->queue, run_list) {
		same = same && i < n && p == want[i];
		i++;
	}
	if (same && i == n)
		return;
	ktest_fail(t, __FILE__, line, "CPU %u's queue holds %u tasks "
		   "(nr_running %u), not the %u expected, in their order",
		   cpu, i, rq->nr_running, n);
	list_for_each_entry(p, &rq->queue, run_list)
		ktest_log("  #   %s (pid %d)\n", p->comm, p->pid);
}

#define TASKS(...)	((struct task_struct *const[]){ __VA_ARGS__ })
#define EXPECT_QUEUE(t, cpu, ...)					\
	expect_queue(t, __LINE__, cpu, TASKS(__VA_ARGS__),		\
		     ARRAY_SIZE(TASKS(__VA_ARGS__)))

/* Every case starts with the test alone on CPU 0. */
static bool alone(struct ktest *t)
{
	ntrace = 0;
	KTEST_EXPECT_EQ(t, smp_processor_id(), 0);
	KTEST_EXPECT_EQ(t, cpu_rq(0)->nr_running, 1);
	KTEST_EXPECT_TRUE(t, cpu_rq(0)->curr == current);
	KTEST_EXPECT_FALSE(t, need_resched());
	return smp_processor_id() == 0 && cpu_rq(0)->nr_running == 1 &&
	       !need_resched();
}

static unsigned long switches(void)
{
	return cpu_rq(0)->nr_switches;
}

/* ------------------------------------------------------------ the threads */
struct actor {
	unsigned int id;
	unsigned int rounds;
	unsigned int cpu;		/* where it last ran */
	int count;			/* its preempt_count when it started */
	struct wait_queue_head *wq;
	bool exclusive, stop;
	struct mutex *lock;
	struct completion *done;
};

/* Note, yield; rounds times; then end. */
static int yield_fn(void *arg)
{
	struct actor *a = arg;
	unsigned int i;

	a->count = preempt_count();
	for (i = 0; i < a->rounds; i++) {
		note(a->id);
		yield();
	}
	return 100 + a->id;
}

/* Note and sleep, until asked to stop. */
static int sleep_fn(void *arg)
{
	struct actor *a = arg;

	for (;;) {
		a->cpu = smp_processor_id();
		note(a->id);
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Note and yield, until asked to stop (or a scheduler that never comes
 * back to the test would keep it here for ever). */
static int spin_fn(void *arg)
{
	struct actor *a = arg;
	unsigned int i;

	for (i = 0; i < 1000 && !kthread_should_stop(); i++) {
		note(a->id);
		yield();
	}
	return 0;
}

static struct task_struct *start(struct ktest *t, int (*fn)(void *),
				 struct actor *a, bool wake)
{
	struct task_struct *k = kthread_create(fn, a, "actor/%u", a->id);

	if (IS_ERR(k)) {
		ktest_fail(t, __FILE__, __LINE__, "kthread_create: %ld",
			   PTR_ERR(k));
		return NULL;
	}
	if (wake)
		wake_up_process(k);
	return k;
}

/* The tick as the timer's interrupt runs it, and that interrupt's return. */
static void tick(void)
{
	preempt_count_add(HARDIRQ_OFFSET);
	scheduler_tick();
	preempt_count_sub(HARDIRQ_OFFSET);
}

static void return_from_interrupt(void)
{
	if (preempt_count() == 0 && need_resched())
		preempt_schedule_irq();
}

/* ------------------------------------------------------------------ cases */
static void sched_round_robin_of_yielding_threads(struct ktest *t)
{
	struct actor a[4];
	struct task_struct *k[4];
	unsigned long s;
	unsigned int i;

	if (!alone(t))
		return;
	for (i = 0; i < 4; i++) {
		a[i] = (struct actor){ .id = i, .rounds = 3 };
		k[i] = start(t, yield_fn, &a[i], true);
		KTEST_ASSERT_TRUE(t, k[i]);
	}
	EXPECT_QUEUE(t, 0, current, k[0], k[1], k[2], k[3]);
	s = switches();
	yield();
	EXPECT_TRACE(t, 0, 1, 2, 3);
	KTEST_EXPECT_EQ(t, switches() - s, 5);
	EXPECT_QUEUE(t, 0, current, k[0], k[1], k[2], k[3]);
	yield();
	yield();
	EXPECT_TRACE(t, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
	KTEST_EXPECT_EQ(t, switches() - s, 15);
	yield();			/* each returns, and ends */
	KTEST_EXPECT_EQ(t, switches() - s, 20);
	EXPECT_QUEUE(t, 0, current);
	for (i = 0; i < 4; i++) {
		KTEST_EXPECT_EQ(t, a[i].count, 0);	/* schedule_tail's doing */
		KTEST_EXPECT_EQ(t, k[i]->__state, TASK_DEAD);
		KTEST_EXPECT_EQ(t, k[i]->nvcsw, 4);
		KTEST_EXPECT_EQ(t, k[i]->nivcsw, 0);
		KTEST_EXPECT_EQ(t, kthread_stop(k[i]), 100 + i);
	}
	KTEST_EXPECT_EQ(t, switches() - s, 20);
}

static void sched_time_slice_ends_after_rr_timeslice_ticks(struct ktest *t)
{
	struct actor a = { .id = 1, .rounds = 1 };
	unsigned int left, i;
	unsigned long forced;
	struct task_struct *k;

	if (!alone(t))
		return;
	/* Alone, a slice ends without asking for a switch. */
	left = current->time_slice;
	KTEST_ASSERT_TRUE(t, left >= 1 && left <= RR_TIMESLICE);
	for (i = 1; i < left; i++) {
		tick();
		KTEST_EXPECT_EQ(t, current->time_slice, left - i);
	}
	tick();
	KTEST_EXPECT_EQ(t, current->time_slice, RR_TIMESLICE);
	KTEST_EXPECT_FALSE(t, need_resched());

	/* With another task waiting, it does, at the last tick only. */
	k = start(t, yield_fn, &a, true);
	KTEST_ASSERT_TRUE(t, k);
	for (i = 1; i < RR_TIMESLICE; i++) {
		tick();
		KTEST_EXPECT_FALSE(t, need_resched());
	}
	KTEST_EXPECT_EQ(t, current->time_slice, 1);
	forced = current->nivcsw;
	tick();
	KTEST_EXPECT_TRUE(t, need_resched());
	KTEST_EXPECT_EQ(t, current->time_slice, RR_TIMESLICE);
	EXPECT_NO_TRACE(t);
	return_from_interrupt();	/* k runs, notes, yields back */
	EXPECT_TRACE(t, 1);
	KTEST_EXPECT_EQ(t, current->nivcsw, forced + 1);
	KTEST_EXPECT_FALSE(t, need_resched());
	EXPECT_QUEUE(t, 0, current, k);
	KTEST_EXPECT_EQ(t, kthread_stop(k), 101);
}

static void sched_a_task_preempted_on_its_way_to_sleep_stays_queued(struct ktest *t)
{
	struct actor a = { .id = 1, .rounds = 1 };
	struct task_struct *k;
	unsigned int i;

	if (!alone(t))
		return;
	k = start(t, yield_fn, &a, true);
	KTEST_ASSERT_TRUE(t, k);
	set_current_state(TASK_UNINTERRUPTIBLE);
	for (i = 0; i < RR_TIMESLICE && !need_resched(); i++)
		tick();
	KTEST_EXPECT_TRUE(t, need_resched());
	return_from_interrupt();	/* preempted before it could sleep */
	EXPECT_TRACE(t, 1);
	KTEST_EXPECT_EQ(t, current->__state, TASK_UNINTERRUPTIBLE);
	__set_current_state(TASK_RUNNING);
	EXPECT_QUEUE(t, 0, current, k);
	KTEST_EXPECT_EQ(t, kthread_stop(k), 101);
}

static void sched_preempt_enable_switches_only_with_interrupts_unmasked(struct ktest *t)
{
	struct actor a = { .id = 1, .rounds = 1 };
	unsigned long flags, forced, vol;
	struct task_struct *k;
	unsigned int i;

	if (!alone(t))
		return;
	k = start(t, yield_fn, &a, true);
	KTEST_ASSERT_TRUE(t, k);
	forced = current->nivcsw;
	vol = current->nvcsw;
	preempt_disable();
	for (i = 0; i < RR_TIMESLICE && !need_resched(); i++)
		tick();
	KTEST_EXPECT_TRUE(t, need_resched());
	return_from_interrupt();	/* not while preemption is disabled */
	EXPECT_NO_TRACE(t);
	preempt_enable();		/* here */
	EXPECT_TRACE(t, 1);
	KTEST_EXPECT_EQ(t, current->nivcsw, forced + 1);

	local_irq_save(flags);
	preempt_disable();
	for (i = 0; i < RR_TIMESLICE && !need_resched(); i++)
		tick();
	preempt_enable();		/* masked: the switch waits */
	KTEST_EXPECT_TRUE(t, need_resched());
	EXPECT_TRACE(t, 1);
	local_irq_restore(flags);
	cond_resched();			/* k ends */
	KTEST_EXPECT_FALSE(t, need_resched());
	KTEST_EXPECT_EQ(t, current->nivcsw, forced + 1);
	KTEST_EXPECT_EQ(t, current->nvcsw, vol + 1);
	KTEST_EXPECT_EQ(t, k->__state, TASK_DEAD);
	KTEST_EXPECT_EQ(t, preempt_count(), 0);
	KTEST_EXPECT_EQ(t, kthread_stop(k), 101);
}

static void sched_woken_sleeper_goes_to_the_tail(struct ktest *t)
{
	struct actor a[3] = { { .id = 0 }, { .id = 1 }, { .id = 2 } };
	unsigned long ipis = host_resched_ipis[0];
	struct task_struct *k[3];
	unsigned int i;

	if (!alone(t))
		return;
	k[0] = start(t, sleep_fn, &a[0], true);
	for (i = 1; i < 3; i++)
		k[i] = start(t, spin_fn, &a[i], true);
	KTEST_ASSERT_TRUE(t, k[0] && k[1] && k[2]);
	yield();
	EXPECT_TRACE(t, 0, 1, 2);
	EXPECT_QUEUE(t, 0, current, k[1], k[2]);
	KTEST_EXPECT_EQ(t, k[0]->on_rq, 0);
	KTEST_EXPECT_EQ(t, wake_up_process(k[0]), 1);
	EXPECT_QUEUE(t, 0, current, k[1], k[2], k[0]);
	KTEST_EXPECT_EQ(t, k[0]->__state, TASK_RUNNING);
	KTEST_EXPECT_FALSE(t, need_resched());	/* this CPU is busy */
	yield();
	EXPECT_TRACE(t, 0, 1, 2, 1, 2, 0);
	EXPECT_QUEUE(t, 0, current, k[1], k[2]);
	KTEST_EXPECT_EQ(t, host_resched_ipis[0], ipis);
	for (i = 0; i < 3; i++)
		KTEST_EXPECT_EQ(t, kthread_stop(k[i]), 0);
	EXPECT_QUEUE(t, 0, current);
}

static void sched_waking_a_runnable_task_enqueues_nothing(struct ktest *t)
{
	struct actor a = { .id = 0 }, b = { .id = 1, .rounds = 1 };
	struct task_struct *queued, *fresh;
	unsigned long s;

	if (!alone(t))
		return;
	KTEST_EXPECT_EQ(t, wake_up_process(current), 0);
	EXPECT_QUEUE(t, 0, current);
	queued = start(t, yield_fn, &b, true);
	fresh = start(t, sleep_fn, &a, false);
	KTEST_ASSERT_TRUE(t, queued && fresh);
	EXPECT_QUEUE(t, 0, current, queued);
	KTEST_EXPECT_EQ(t, wake_up_process(queued), 0);
	EXPECT_QUEUE(t, 0, current, queued);

	/* A new task sleeps uninterruptibly until it is first woken. */
	KTEST_EXPECT_EQ(t, fresh->__state, TASK_UNINTERRUPTIBLE);
	KTEST_EXPECT_EQ(t, try_to_wake_up(fresh, TASK_INTERRUPTIBLE), 0);
	EXPECT_QUEUE(t, 0, current, queued);
	KTEST_EXPECT_EQ(t, wake_up_process(fresh), 1);
	KTEST_EXPECT_EQ(t, wake_up_process(fresh), 0);
	EXPECT_QUEUE(t, 0, current, queued, fresh);

	/* Woken between setting its state and sleeping: it stays queued,
	 * and its schedule() is a turn of the round, not a sleep. */
	set_current_state(TASK_UNINTERRUPTIBLE);
	KTEST_EXPECT_EQ(t, wake_up_process(current), 1);
	KTEST_EXPECT_EQ(t, current->__state, TASK_RUNNING);
	EXPECT_QUEUE(t, 0, current, queued, fresh);
	s = switches();
	schedule();
	KTEST_EXPECT_EQ(t, switches() - s, 3);
	EXPECT_TRACE(t, 1, 0);
	EXPECT_QUEUE(t, 0, current, queued);
	KTEST_EXPECT_EQ(t, kthread_stop(queued), 101);
	KTEST_EXPECT_EQ(t, kthread_stop(fresh), 0);
	EXPECT_QUEUE(t, 0, current);
}

static void sched_a_satisfied_wait_leaves_the_task_running(struct ktest *t)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	DEFINE_WAIT(w);
	unsigned long s;

	if (!alone(t))
		return;
	s = switches();
	prepare_to_wait(&wq, &w, TASK_UNINTERRUPTIBLE);
	KTEST_EXPECT_EQ(t, current->__state, TASK_UNINTERRUPTIBLE);
	KTEST_EXPECT_FALSE(t, list_empty(&wq.head));
	finish_wait(&wq, &w);
	KTEST_EXPECT_EQ(t, current->__state, TASK_RUNNING);
	KTEST_EXPECT_TRUE(t, list_empty(&wq.head));
	wait_event(wq, true);
	KTEST_EXPECT_EQ(t, current->__state, TASK_RUNNING);
	KTEST_EXPECT_EQ(t, wait_event_timeout(wq, true, 5), 5);
	KTEST_EXPECT_EQ(t, current->__state, TASK_RUNNING);
	KTEST_EXPECT_TRUE(t, list_empty(&wq.head));
	KTEST_EXPECT_EQ(t, switches(), s);
	__set_current_state(TASK_RUNNING);	/* whatever happened */
}

/* Wait on a->wq, note each wake-up, until asked to stop. */
static int waiter_fn(void *arg)
{
	struct actor *a = arg;
	DEFINE_WAIT(w);

	for (;;) {
		if (a->exclusive)
			prepare_to_wait_exclusive(a->wq, &w, TASK_UNINTERRUPTIBLE);
		else
			prepare_to_wait(a->wq, &w, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(a->stop))
			break;
		schedule();
		note(a->id);
	}
	finish_wait(a->wq, &w);
	return 0;
}

static void sched_wake_up_wakes_every_ordinary_and_one_exclusive_waiter(struct ktest *t)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	struct actor a[5];
	struct task_struct *k[5];
	unsigned int i;

	if (!alone(t))
		return;
	for (i = 0; i < 5; i++) {	/* 0, 1, 2 exclusive; 3, 4 not */
		a[i] = (struct actor){ .id = i, .wq = &wq, .exclusive = i < 3 };
		k[i] = start(t, waiter_fn, &a[i], true);
		KTEST_ASSERT_TRUE(t, k[i]);
	}
	yield();			/* all five wait */
	EXPECT_QUEUE(t, 0, current);
	EXPECT_NO_TRACE(t);
	KTEST_EXPECT_EQ(t, wake_up(&wq), 3);
	EXPECT_QUEUE(t, 0, current, k[4], k[3], k[0]);
	yield();
	KTEST_EXPECT_EQ(t, wake_up(&wq), 3);
	EXPECT_QUEUE(t, 0, current, k[3], k[4], k[1]);
	yield();
	KTEST_EXPECT_EQ(t, wake_up(&wq), 3);
	yield();
	KTEST_EXPECT_EQ(t, wake_up(&wq), 3);
	yield();
	EXPECT_TRACE(t, 4, 3, 0, 3, 4, 1, 4, 3, 2, 3, 4, 0);
	ntrace = 0;
	KTEST_EXPECT_EQ(t, wake_up_all(&wq), 5);
	yield();
	KTEST_EXPECT_EQ(t, ntrace, 5);
	EXPECT_QUEUE(t, 0, current);
	KTEST_EXPECT_EQ(t, wake_up(&wq), 3);	/* nobody left behind */
	for (i = 0; i < 5; i++)
		WRITE_ONCE(a[i].stop, true);
	KTEST_EXPECT_EQ(t, wake_up_all(&wq), 2);	/* the other two */
	for (i = 0; i < 5; i++)
		KTEST_EXPECT_EQ(t, kthread_stop(k[i]), 0);
	KTEST_EXPECT_TRUE(t, list_empty(&wq.head));
	EXPECT_QUEUE(t, 0, current);
}

static int lock_fn(void *arg)
{
	struct actor *a = arg;

	mutex_lock(a->lock);
	note(a->id);
	mutex_unlock(a->lock);
	return 0;
}

static void sched_mutex_goes_to_its_waiters_in_order(struct ktest *t)
{
	struct mutex lock;
	struct actor a[3];
	struct task_struct *k[3];
	unsigned int i;

	if (!alone(t))
		return;
	mutex_init(&lock);
	mutex_lock(&lock);
	KTEST_EXPECT_TRUE(t, mutex_owner(&lock) == current);
	for (i = 0; i < 3; i++) {
		a[i] = (struct actor){ .id = i, .lock = &lock };
		k[i] = start(t, lock_fn, &a[i], true);
		KTEST_ASSERT_TRUE(t, k[i]);
	}
	yield();			/* all three wait for the mutex */
	EXPECT_QUEUE(t, 0, current);
	mutex_unlock(&lock);		/* wakes the first waiter only */
	EXPECT_QUEUE(t, 0, current, k[0]);
	KTEST_EXPECT_TRUE(t, mutex_trylock(&lock));	/* overtaken */
	yield();			/* k[0] finds it held, sleeps again */
	EXPECT_NO_TRACE(t);
	EXPECT_QUEUE(t, 0, current);
	mutex_unlock(&lock);
	EXPECT_QUEUE(t, 0, current, k[0]);
	yield();			/* k0 takes it, wakes k1, ends */
	EXPECT_TRACE(t, 0);
	EXPECT_QUEUE(t, 0, current, k[1]);
	yield();
	EXPECT_TRACE(t, 0, 1);
	EXPECT_QUEUE(t, 0, current, k[2]);
	yield();
	EXPECT_TRACE(t, 0, 1, 2);
	EXPECT_QUEUE(t, 0, current);
	KTEST_EXPECT_TRUE(t, mutex_owner(&lock) == NULL);
	KTEST_EXPECT_TRUE(t, list_empty(&lock.wait_list));
	for (i = 0; i < 3; i++)
		KTEST_EXPECT_EQ(t, kthread_stop(k[i]), 0);
}

static int wait_done_fn(void *arg)
{
	struct actor *a = arg;

	wait_for_completion(a->done);
	note(a->id);
	return 0;
}

static void sched_complete_wakes_one_and_complete_all_every_waiter(struct ktest *t)
{
	DECLARE_COMPLETION(done);
	struct actor a[3];
	struct task_struct *k[3];
	unsigned long s;
	unsigned int i;

	if (!alone(t))
		return;
	complete(&done);
	complete(&done);
	KTEST_EXPECT_EQ(t, done.done, 2);
	s = switches();
	wait_for_completion(&done);
	KTEST_EXPECT_TRUE(t, try_wait_for_completion(&done));
	KTEST_EXPECT_FALSE(t, try_wait_for_completion(&done));
	KTEST_EXPECT_EQ(t, switches(), s);

	for (i = 0; i < 3; i++) {
		a[i] = (struct actor){ .id = i, .done = &done };
		k[i] = start(t, wait_done_fn, &a[i], true);
		KTEST_ASSERT_TRUE(t, k[i]);
	}
	yield();			/* all three wait */
	EXPECT_QUEUE(t, 0, current);
	complete(&done);
	EXPECT_QUEUE(t, 0, current, k[0]);
	KTEST_EXPECT_EQ(t, done.done, 1);
	yield();
	EXPECT_TRACE(t, 0);
	KTEST_EXPECT_EQ(t, done.done, 0);
	complete_all(&done);
	EXPECT_QUEUE(t, 0, current, k[1], k[2]);
	KTEST_EXPECT_EQ(t, done.done, UINT_MAX);
	yield();
	EXPECT_TRACE(t, 0, 1, 2);
	KTEST_EXPECT_EQ(t, done.done, UINT_MAX);
	s = switches();
	for (i = 0; i < 10; i++)
		wait_for_completion(&done);
	complete(&done);
	KTEST_EXPECT_EQ(t, done.done, UINT_MAX);
	KTEST_EXPECT_EQ(t, switches(), s);
	for (i = 0; i < 3; i++)
		KTEST_EXPECT_EQ(t, kthread_stop(k[i]), 0);
}

static unsigned int count_tasks(void)
{
	struct task_struct *p;
	unsigned int n = 0;

	list_for_each_entry(p, &task_list, tasks)
		n++;
	return n;
}

static void sched_kthread_stop_before_the_first_run_returns_eintr(struct ktest *t)
{
	struct actor a = { .id = 7, .rounds = 1 };
	unsigned int tasks = count_tasks();
	struct task_struct *k;
	unsigned long s;

	if (!alone(t))
		return;
	k = start(t, yield_fn, &a, false);
	KTEST_ASSERT_TRUE(t, k);
	KTEST_EXPECT_EQ(t, count_tasks(), tasks + 1);
	KTEST_EXPECT_EQ(t, atomic_read(&k->usage), 2);
	EXPECT_QUEUE(t, 0, current);
	s = switches();
	KTEST_EXPECT_EQ(t, kthread_stop(k), -EINTR);
	KTEST_EXPECT_EQ(t, switches() - s, 2);	/* to it, and back */
	EXPECT_NO_TRACE(t);
	KTEST_EXPECT_EQ(t, count_tasks(), tasks);
	EXPECT_QUEUE(t, 0, current);
}

struct ping {
	struct completion ping, pong;
	unsigned int rounds;
};

static int pong_fn(void *arg)
{
	struct ping *p = arg;
	unsigned int i;

	for (i = 0; i < p->rounds; i++) {
		wait_for_completion(&p->ping);
		complete(&p->pong);
	}
	return i;
}

static void sched_a_token_handed_back_and_forth_costs_two_switches(struct ktest *t)
{
	struct ping p = { .rounds = 1000 };
	unsigned long s, vol = current->nvcsw;
	struct task_struct *k;
	unsigned int i;

	if (!alone(t))
		return;
	init_completion(&p.ping);
	init_completion(&p.pong);
	k = kthread_run(pong_fn, &p, "pong");
	KTEST_ASSERT_TRUE(t, !IS_ERR(k));
	s = switches();
	for (i = 0; i < p.rounds; i++) {
		complete(&p.ping);
		wait_for_completion(&p.pong);
		if (switches() - s != 2 * (i + 1))
			break;
	}
	KTEST_EXPECT_EQ(t, i, p.rounds);
	KTEST_EXPECT_EQ(t, switches() - s, 2 * p.rounds);
	KTEST_EXPECT_EQ(t, current->nvcsw - vol, p.rounds);
	KTEST_EXPECT_EQ(t, k->nvcsw, p.rounds);	/* its last sleep: its end */
	KTEST_EXPECT_EQ(t, k->__state, TASK_DEAD);
	KTEST_EXPECT_EQ(t, kthread_stop(k), p.rounds);
	KTEST_EXPECT_EQ(t, switches() - s, 2 * p.rounds);
}

struct timed {
	struct timer_list timer;
	struct completion done;
	int hardirq;
};

static void complete_timed(struct timer_list *tl)
{
	struct timed *e = from_timer(e, tl, timer);

	e->hardirq = in_hardirq() ? 1 : 0;
	complete(&e->done);
}

static void sched_virtual_time_msleep_and_timeouts(struct ktest *t)
{
	struct timed e;
	unsigned long j, s, idle = cpu_rq(0)->idle->nvcsw;

	if (!alone(t))
		return;
	j = jiffies;
	s = switches();
	msleep(20);			/* 5 jiffies, and one more */
	KTEST_EXPECT_EQ(t, jiffies - j, msecs_to_jiffies(20) + 1);
	KTEST_EXPECT_EQ(t, jiffies - j, 6);
	KTEST_EXPECT_EQ(t, switches() - s, 2);	/* to idle and back */
	KTEST_EXPECT_EQ(t, cpu_rq(0)->idle->nvcsw - idle, 1);

	init_completion(&e.done);
	j = jiffies;
	KTEST_EXPECT_EQ(t, wait_for_completion_timeout(&e.done, 3), 0);
	KTEST_EXPECT_EQ(t, jiffies - j, 3);
	timer_setup(&e.timer, complete_timed, 0);
	e.hardirq = -1;
	j = jiffies;
	mod_timer(&e.timer, j + 2);
	KTEST_EXPECT_EQ(t, wait_for_completion_timeout(&e.done, HZ), HZ - 2);
	KTEST_EXPECT_EQ(t, jiffies - j, 2);
	KTEST_EXPECT_EQ(t, e.hardirq, 1);	/* from the tick's interrupt */
	KTEST_EXPECT_EQ(t, in_hardirq(), 0);
	KTEST_EXPECT_EQ(t, del_timer_sync(&e.timer), 0);
	EXPECT_QUEUE(t, 0, current);
}

/* ----------------------------------------------------------- other CPUs */
#define SIM_CPUS	4

static bool cpus_up(struct ktest *t)
{
	KTEST_EXPECT_LE(t, SIM_CPUS, NR_CPUS);
	nr_cpu_ids = SIM_CPUS;
	if (!idle_threads[1])
		idle_threads_init();
	return idle_threads[SIM_CPUS - 1] != NULL;
}

static void cpus_down(struct ktest *t)
{
	unsigned int cpu;

	for (cpu = 1; cpu < SIM_CPUS; cpu++) {
		KTEST_EXPECT_EQ(t, cpu_rq(cpu)->nr_running, 0);
		KTEST_EXPECT_TRUE(t, cpu_rq(cpu)->curr == cpu_rq(cpu)->idle);
	}
	nr_cpu_ids = 1;
}

/* Bring a thread home to CPU 0 and stop it there, so that it ends, and
 * frees its task, on the CPU the other suites use. */
static int stop_at_home(struct task_struct *k)
{
	set_cpus_allowed(k, BIT(0));
	return kthread_stop(k);
}

static void sched_a_task_goes_to_the_queue_of_its_cpu(struct ktest *t)
{
	struct actor a = { .id = 2 }, b = { .id = 1 };
	unsigned long ipis[NR_CPUS];
	struct task_struct *k, *u;
	unsigned int cpu;

	if (!alone(t) || !cpus_up(t))
		return;
	memcpy(ipis, host_resched_ipis, sizeof(ipis));
	k = start(t, sleep_fn, &a, false);
	KTEST_ASSERT_TRUE(t, k);
	kthread_bind(k, 2);
	KTEST_EXPECT_EQ(t, wake_up_process(k), 1);
	EXPECT_QUEUE(t, 2, k);
	EXPECT_QUEUE(t, 0, current);
	KTEST_EXPECT_EQ(t, task_cpu(k), 2);
	KTEST_EXPECT_TRUE(t, test_tsk_need_resched(idle_threads[2]));
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		KTEST_EXPECT_EQ(t, host_resched_ipis[cpu] - ipis[cpu],
				cpu == 2 ? 1 : 0);
	host_run_cpu(2);		/* it runs k, which sleeps */
	EXPECT_TRACE(t, 2);
	KTEST_EXPECT_EQ(t, a.cpu, 2);
	EXPECT_QUEUE(t, 2);
	KTEST_EXPECT_TRUE(t, cpu_rq(2)->curr == idle_threads[2]);
	KTEST_EXPECT_FALSE(t, test_tsk_need_resched(idle_threads[2]));

	/* Unbound, it goes to the first of the least loaded CPUs. */
	u = start(t, sleep_fn, &b, true);
	KTEST_ASSERT_TRUE(t, u);
	EXPECT_QUEUE(t, 1, u);
	KTEST_EXPECT_EQ(t, host_resched_ipis[1] - ipis[1], 1);
	host_run_cpu(1);
	EXPECT_TRACE(t, 2, 1);
	KTEST_EXPECT_EQ(t, b.cpu, 1);
	KTEST_EXPECT_EQ(t, stop_at_home(k), 0);
	KTEST_EXPECT_EQ(t, stop_at_home(u), 0);
	EXPECT_TRACE(t, 2, 1, 2, 1);
	KTEST_EXPECT_EQ(t, a.cpu + b.cpu, 0);	/* both ended on CPU 0 */
	cpus_down(t);
}

static void sched_idle_balance_pulls_what_it_may_once_a_jiffy(struct ktest *t)
{
	struct actor a[7];
	struct task_struct *k[7];
	unsigned long pulled[SIM_CPUS], looks[SIM_CPUS];
	unsigned int i, cpu;

	if (!alone(t) || !cpus_up(t))
		return;
	for (cpu = 0; cpu < SIM_CPUS; cpu++) {
		pulled[cpu] = cpu_rq(cpu)->nr_pulled;
		looks[cpu] = cpu_rq(cpu)->nr_balance;
	}
	/* CPU 0: k0 bound here, k1 and k2 free to move but queued here. */
	for (i = 0; i < 7; i++) {
		a[i] = (struct actor){ .id = i };
		k[i] = start(t, sleep_fn, &a[i], false);
		KTEST_ASSERT_TRUE(t, k[i]);
	}
	for (i = 0; i < 3; i++) {
		kthread_bind(k[i], 0);
		wake_up_process(k[i]);
	}
	set_cpus_allowed(k[1], ~0UL);
	set_cpus_allowed(k[2], ~0UL);
	EXPECT_QUEUE(t, 0, current, k[0], k[1], k[2]);

	/* k1 as if CPU 0 were still switching away from it: CPU 1 skips the
	 * running test, k0 (bound) and k1, and takes k2, then waits. */
	k[1]->on_cpu = 1;
	host_run_cpu(1);
	k[1]->on_cpu = 0;
	EXPECT_TRACE(t, 2);
	KTEST_EXPECT_EQ(t, a[2].cpu, 1);
	EXPECT_QUEUE(t, 0, current, k[0], k[1]);
	KTEST_EXPECT_EQ(t, cpu_rq(1)->nr_pulled - pulled[1], 1);
	KTEST_EXPECT_EQ(t, cpu_rq(1)->nr_balance - looks[1], 1);

	/* In the same jiffy it does not look again; in the next it takes k1. */
	host_run_cpu(1);
	KTEST_EXPECT_EQ(t, cpu_rq(1)->nr_balance - looks[1], 1);
	EXPECT_QUEUE(t, 0, current, k[0], k[1]);
	WRITE_ONCE(jiffies, jiffies + 1);	/* as CPU 0's tick does */
	host_run_cpu(1);
	EXPECT_TRACE(t, 2, 1);
	KTEST_EXPECT_EQ(t, a[1].cpu, 1);
	KTEST_EXPECT_EQ(t, cpu_rq(1)->nr_pulled - pulled[1], 2);
	KTEST_EXPECT_EQ(t, cpu_rq(1)->nr_balance - looks[1], 2);
	EXPECT_QUEUE(t, 0, current, k[0]);

	/* CPU 3 with three tasks it may give away, CPU 0 with two (the test
	 * and k0): CPU 2 takes from CPU 3, the first of its queue. */
	for (i = 3; i < 6; i++) {
		kthread_bind(k[i], 3);
		wake_up_process(k[i]);
		set_cpus_allowed(k[i], ~0UL);
	}
	EXPECT_QUEUE(t, 3, k[3], k[4], k[5]);
	host_run_cpu(2);
	EXPECT_TRACE(t, 2, 1, 3);
	KTEST_EXPECT_EQ(t, a[3].cpu, 2);
	EXPECT_QUEUE(t, 3, k[4], k[5]);
	KTEST_EXPECT_EQ(t, cpu_rq(2)->nr_pulled - pulled[2], 1);

	/* CPU 3 runs its own two.  Then, the next jiffy, CPU 2 looks at CPU 0,
	 * the busiest, and finds nothing it may take. */
	host_run_cpu(3);
	EXPECT_TRACE(t, 2, 1, 3, 4, 5);
	KTEST_EXPECT_EQ(t, a[4].cpu + a[5].cpu, 6);
	WRITE_ONCE(jiffies, jiffies + 1);
	host_run_cpu(2);
	KTEST_EXPECT_EQ(t, cpu_rq(2)->nr_balance - looks[2], 2);
	KTEST_EXPECT_EQ(t, cpu_rq(2)->nr_pulled - pulled[2], 1);
	EXPECT_QUEUE(t, 0, current, k[0]);

	/* A queue of one is nobody's to take from: k6 alone on CPU 3. */
	kthread_bind(k[6], 3);
	wake_up_process(k[6]);
	set_cpus_allowed(k[6], ~0UL);
	yield();			/* k0 runs and sleeps */
	WRITE_ONCE(jiffies, jiffies + 1);
	looks[1] = cpu_rq(1)->nr_balance;
	host_run_cpu(1);
	KTEST_EXPECT_EQ(t, cpu_rq(1)->nr_balance, looks[1]);
	EXPECT_QUEUE(t, 3, k[6]);
	host_run_cpu(3);
	EXPECT_TRACE(t, 2, 1, 3, 4, 5, 0, 6);
	for (i = 0; i < 7; i++)
		KTEST_EXPECT_EQ(t, stop_at_home(k[i]), 0);
	cpus_down(t);
}

KTEST_SUITE(host_sched, 5,
	KTEST_CASE(sched_round_robin_of_yielding_threads),
	KTEST_CASE(sched_time_slice_ends_after_rr_timeslice_ticks),
	KTEST_CASE(sched_a_task_preempted_on_its_way_to_sleep_stays_queued),
	KTEST_CASE(sched_preempt_enable_switches_only_with_interrupts_unmasked),
	KTEST_CASE(sched_woken_sleeper_goes_to_the_tail),
	KTEST_CASE(sched_waking_a_runnable_task_enqueues_nothing),
	KTEST_CASE(sched_a_satisfied_wait_leaves_the_task_running),
	KTEST_CASE(sched_wake_up_wakes_every_ordinary_and_one_exclusive_waiter),
	KTEST_CASE(sched_mutex_goes_to_its_waiters_in_order),
	KTEST_CASE(sched_complete_wakes_one_and_complete_all_every_waiter),
	KTEST_CASE(sched_kthread_stop_before_the_first_run_returns_eintr),
	KTEST_CASE(sched_a_token_handed_back_and_forth_costs_two_switches),
	KTEST_CASE(sched_virtual_time_msleep_and_timeouts),
	KTEST_CASE(sched_a_task_goes_to_the_queue_of_its_cpu),
	KTEST_CASE(sched_idle_balance_pulls_what_it_may_once_a_jiffy));
#endif
