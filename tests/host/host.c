/*
 * The host harness: runs the kernel's portable test suites natively.
 *
 *   ktest-host [--dtb FILE] [--cmdline "WORDS"] [FILTER]
 *
 * The portable parts of a stage (lib/, kernel/, mm/) are compiled for the
 * build machine with AddressSanitizer and UndefinedBehaviorSanitizer and
 * linked with this file, which supplies what the architecture supplies in
 * the kernel: a console (standard output), a clock, per-CPU areas, a
 * one-CPU "SMP" interface, the boot device tree, read from a file that
 * QEMU dumped, and, for the scheduler from stage 5 on, execution contexts
 * to switch between.  The suites print KTAP, read by tests/ktap.py.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <sys/mman.h>
#include <unistd.h>

#define NR_CPUS 8	/* as include/linux/threads.h */

/* The kernel's side, as the kernel declares it (see the tangled headers). */
void register_console(void (*write)(const char *s, size_t n));
int ktest_run_all(const char *filter);
extern char boot_command_line[1024];
void *initial_boot_params;
uint32_t initial_boot_params_size;
uint64_t initial_boot_params_phys;

/* ---- per-CPU areas: one copy of the "percpu" section per CPU ---- */
extern char __start_percpu[], __stop_percpu[];
__thread unsigned long host_cpu_offset;
unsigned long __per_cpu_offset[NR_CPUS];
/* The kernel defines this in arch/arm64/kernel/smp.c. */
__attribute__((section("percpu"))) unsigned int cpu_number;

static char *per_cpu_areas[NR_CPUS];

static void setup_per_cpu_areas(void)
{
	size_t size = __stop_percpu - __start_percpu;

	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		char *area = aligned_alloc(64, size ? (size + 63) / 64 * 64 : 64);

		per_cpu_areas[cpu] = area;
		memcpy(area, __start_percpu, size);
		__per_cpu_offset[cpu] = (unsigned long)area -
					(unsigned long)__start_percpu;
		*(unsigned int *)(area + ((char *)&cpu_number -
					  __start_percpu)) = cpu;
	}
	host_cpu_offset = __per_cpu_offset[0];
}

/* ---- one CPU: the scheduler's suite raises nr_cpu_ids for a while ---- */
unsigned int nr_cpu_ids = 1;

bool cpu_online(unsigned int cpu)
{
	return cpu < nr_cpu_ids;
}

unsigned int num_online_cpus(void)
{
	return nr_cpu_ids;
}

int smp_call_function_single(unsigned int cpu, void (*func)(void *),
			     void *info, int wait)
{
	if (cpu != 0)
		return -6;	/* -ENXIO */
	func(info);
	return 0;
}

void on_each_cpu(void (*func)(void *), void *info, int wait)
{
	func(info);
}

/* ---- console, clock, exit ---- */
static void host_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

unsigned long long local_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void machine_exit(int status)
{
	fflush(stdout);
	exit(status);
}

void panic_backtrace(void)
{
}

static void *read_file(const char *path, uint32_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(2);
	}
	buf = malloc(n ? n : 1);
	if (fread(buf, 1, n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*size = n;
	return buf;
}

/*
 * ---- contexts: what the host switches between where the kernel's
 * cpu_switch_to switches stacks and registers ----
 *
 * A context is a ucontext_t and, unless it is the one main() started on,
 * a stack of its own: mmap'd, with an inaccessible page below it so that
 * an overflow faults.  The scheduler's stand-ins (host_mm.c) keep one per
 * task.  AddressSanitizer is told of every switch (the fiber interface of
 * sanitizer/common_interface_defs.h), so that it checks each stack as a
 * stack, and of a context that is left for the last time.  A new stack's
 * shadow is cleared: the redzones of the frames a dead task left there
 * stay poisoned after munmap, the next mmap often gets the same
 * addresses, and ASan's swapcontext clears only stacks of up to 4 MiB.
 */
#if defined(__SANITIZE_ADDRESS__)
#define HOST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_ASAN 1
#endif
#endif
#ifdef HOST_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#else
#define __sanitizer_start_switch_fiber(save, bottom, size)	((void)0)
#define __sanitizer_finish_switch_fiber(save, bottom, size)	((void)0)
#define ASAN_UNPOISON_MEMORY_REGION(addr, size)			((void)0)
#endif

#define HOST_STACK	(8UL << 20)	/* as a main thread's */

struct host_ctx {
	ucontext_t uc;
	void *map;			/* guard page and stack; NULL: main's */
	size_t map_size;
	const void *bottom;		/* the stack, for ASan */
	size_t size;
	void (*entry)(void);
};

static struct host_ctx main_ctx;
static __thread struct host_ctx *ctx_from, *ctx_to;	/* the last switch */

void *host_ctx_main(void)
{
	return &main_ctx;
}

static void ctx_start(void)
{
	struct host_ctx *self = ctx_to;

	__sanitizer_finish_switch_fiber(NULL, &ctx_from->bottom, &ctx_from->size);
	/* Only makecontext reads uc_stack; ASan's swapcontext clears the
	 * shadow of the whole of it at every switch while it is set. */
	self->uc.uc_stack.ss_sp = NULL;
	self->uc.uc_stack.ss_size = 0;
	self->entry();
	fprintf(stderr, "host: a context's entry function returned\n");
	abort();
}

/* getcontext returns twice, so it is kept out of the caller's frame. */
static __attribute__((noinline)) int ctx_get(ucontext_t *uc)
{
	return getcontext(uc);
}

void *host_ctx_create(void (*entry)(void))
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct host_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->map_size = HOST_STACK + page;
	c->map = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		      -1, 0);
	if (c->map == MAP_FAILED || mprotect(c->map, page, PROT_NONE) ||
	    ctx_get(&c->uc)) {
		if (c->map != MAP_FAILED)
			munmap(c->map, c->map_size);
		free(c);
		return NULL;
	}
	c->bottom = (char *)c->map + page;
	c->size = HOST_STACK;
	ASAN_UNPOISON_MEMORY_REGION(c->bottom, c->size);
	c->entry = entry;
	c->uc.uc_stack.ss_sp = (void *)c->bottom;
	c->uc.uc_stack.ss_size = c->size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, ctx_start, 0);
	return c;
}

/* Switch from the context that runs, from, to another; from_ends: from
 * will never be switched to again (its task is dead). */
void host_ctx_switch(void *from_, void *to_, int from_ends)
{
	struct host_ctx *from = from_, *to = to_;
	void *fake_stack = NULL;

	ctx_from = from;
	ctx_to = to;
	__sanitizer_start_switch_fiber(from_ends ? NULL : &fake_stack,
				       to->bottom, to->size);
	swapcontext(&from->uc, &to->uc);
	__sanitizer_finish_switch_fiber(fake_stack, &ctx_from->bottom,
					&ctx_from->size);
}

/* Free a context that ended; never the one that runs. */
void host_ctx_free(void *ctx)
{
	struct host_ctx *c = ctx;

	if (!c || c == &main_ctx)
		return;
	munmap(c->map, c->map_size);
	free(c);
}

#ifdef HOST_NO_MAIN
/* For a program of its own (tests/bench): the per-CPU areas, before it
 * runs code as another CPU. */
void host_setup(void)
{
	setup_per_cpu_areas();
}
#else
/* Stage 5 on (host_mm.c): start the scheduler as the kernel does, and run
 * the tests in its first thread. */
void host_boot(int (*tests)(void)) __attribute__((weak));

static const char *filter = "*";

static int run_tests(void)
{
	machine_exit(ktest_run_all(filter) ? 1 : 0);
	return 0;
}

int main(int argc, char **argv)
{

	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_per_cpu_areas();
	register_console(host_write);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dtb") && i + 1 < argc)
			initial_boot_params = read_file(argv[++i],
							&initial_boot_params_size);
		else if (!strcmp(argv[i], "--cmdline") && i + 1 < argc)
			snprintf(boot_command_line, sizeof(boot_command_line),
				 "%s", argv[++i]);
		else
			filter = argv[i];
	}
	if (host_boot)
		host_boot(run_tests);		/* does not return */
	return ktest_run_all(filter) ? 1 : 0;
}
#endif
