/*
 * The host harness: runs the kernel's portable test suites natively.
 *
 *   ktest-host [--dtb FILE] [--cmdline "WORDS"] [FILTER]
 *
 * The portable parts of a stage (lib/, kernel/, mm/) are compiled for the
 * build machine with AddressSanitizer and UndefinedBehaviorSanitizer and
 * linked with this file, which supplies what the architecture supplies in
 * the kernel: a console (standard output), a clock, per-CPU areas, a
 * one-CPU "SMP" interface, and the boot device tree, read from a file
 * that QEMU dumped.  The suites print KTAP, read by tests/ktap.py.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ---- one CPU ---- */
unsigned int nr_cpu_ids = 1;

bool cpu_online(unsigned int cpu)
{
	return cpu == 0;
}

unsigned int num_online_cpus(void)
{
	return 1;
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

#ifdef HOST_NO_MAIN
/* For a program of its own (tests/bench): the per-CPU areas, before it
 * runs code as another CPU. */
void host_setup(void)
{
	setup_per_cpu_areas();
}
#else
int main(int argc, char **argv)
{
	const char *filter = "*";

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
	return ktest_run_all(filter) ? 1 : 0;
}
#endif
