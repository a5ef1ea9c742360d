#!/usr/bin/env python3
"""Self-tests of tests/ktap.py (and tests/summary) on hand-written logs.

Usage: python3 tests/test_ktap.py [-v]
       python3 tests/test_ktap.py | python3 tests/ktap.py --prefix tools

Each case runs tests/ktap.py on a log from tests/ktap-samples/ and checks
the exact counts, the exact names of what failed and was skipped, the lines
appended to --results, the exit status, and a few messages.  The results
are printed in KTAP, so that ktap.py itself can count them; -v also prints
ktap.py's output for every case as diagnostics.  Exit status 1 if a case
failed.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KTAP = os.path.join(HERE, 'ktap.py')
SUMMARY = os.path.join(HERE, 'summary')
SAMPLES = os.path.join(HERE, 'ktap-samples')


def sample(name):
    return os.path.join(SAMPLES, name)


def read(name):
    with open(sample(name), encoding='utf-8') as f:
        return f.read()


# name, log file (or text for stdin: ('stdin', text)), extra arguments,
# (passed, failed, skipped), failing names, skipped names,
# lines the output must contain, lines it must not contain
CASES = [
    ('all_pass', 'all-pass.log', [], (5, 0, 0), [], [], [], []),
    ('nested_failure_with_diagnostics', 'nested-failure.log', [],
     (2, 1, 1), ['t/boot_fdt/fdt_rejects_bad_magic'],
     ['t/boot_fdt/fdt_finds_uart'],
     ['FAIL: t/boot_fdt/fdt_rejects_bad_magic\n'
      '    # fdt_rejects_bad_magic: expected -22, got 0 (lib/fdt_test.c:40)\n',
      'SKIP: t/boot_fdt/fdt_finds_uart (no uart in this DTB)\n'], []),
    ('skips', 'skip.log', [], (1, 0, 4), [],
     ['t/boot_fdt/fdt_finds_uart', 't/boot_psci',
      't/el2/el2_drops_to_el1', 't/el2/el2_vectors_installed'],
     ['SKIP: t/boot_psci (PSCI not described in the DTB)\n'], []),
    ('no_header', 'no-header.log', [], (0, 1, 0), ['t/ktap-header'], [],
     ['the kernel never printed the KTAP header',
      '    | Kernel panic: unexpected exception\n'], []),
    ('no_header_timeout', 'no-header.log', ['--exit-status', '124'],
     (0, 1, 0), ['t/ktap-header'], [],
     ['killed by the timeout: the kernel hung before its tests'], []),
    ('empty_log', ('stdin', ''), [], (0, 1, 0), ['t/ktap-header'], [],
     [], []),
    ('hung_mid_suite', 'hung-mid-suite.log', [], (3, 1, 0),
     ['t/incomplete'], [],
     ['after test t/buddy/buddy_split_and_merge; suite buddy planned 5 '
      'tests and only 3 appeared: test 4 never finished',
      '    | [    0.004200] buddy: 10000 pages\n'], []),
    ('hung_mid_suite_timeout', 'hung-mid-suite.log',
     ['--exit-status', '124'], (3, 1, 0), ['t/timeout'], [],
     ['QEMU was killed by the timeout: the kernel hung after test '
      't/buddy/buddy_split_and_merge'], []),
    ('crashed_mid_suite_status', 'hung-mid-suite.log',
     ['--exit-status', '1'], (3, 1, 0), ['t/incomplete'], [],
     ['; exit status 1\n'], []),
    ('interleaved_kernel_log', 'interleaved.log', [], (3, 2, 0),
     ['t/boot_fdt/fdt_rejects_bad_magic', 't/boot_smp/smp_spinlock_counts'],
     [],
     ['FAIL: t/boot_fdt/fdt_rejects_bad_magic\n'
      '    | fdt: checking bad magic\n'
      '    | [    0.000120] fdt: magic 0xd00dfeee\n'
      '    | [    0.000130] fdt: header rejected? no\n'
      '    # fdt_rejects_bad_magic: expected -22, got 0 (lib/fdt_test.c:40)\n'
      '    # fdt_rejects_bad_magic: blob at 0x48000000\n'
      'FAIL: t/boot_smp/smp_spinlock_counts\n'
      '    | a line with a tab\n'
      '    | smp: counter 3999 expected 4000\n'],
     ['belongs to the next test', 'cpu3: online']),
    ('parent_ok_with_failing_child', 'parent-ok-child-fail.log', [],
     (2, 2, 0),
     ['t/boot_smp/smp_spinlock_counts', 't/boot_smp/parent-result'], [],
     ['the suite reported ok but its test '
      't/boot_smp/smp_spinlock_counts failed'], []),
    ('parent_not_ok_children_ok', 'parent-notok-children-ok.log', [],
     (1, 1, 0), ['t/boot_smp/parent-result'], [],
     ['the suite reported not ok but none of its tests failed'], []),
    ('timeout_with_complete_log', 'all-pass.log', ['--exit-status', '124'],
     (5, 1, 0), ['t/timeout'], [],
     ['after the last test (t/buddy/buddy_free_counts_conserved) finished'],
     []),
    ('nonzero_status_all_ok', 'all-pass.log', ['--exit-status', '2'],
     (5, 1, 0), ['t/exit-status'], [],
     ['the kernel exited with status 2 but no test failed (last test seen: '
      't/buddy/buddy_free_counts_conserved)'], []),
    ('nonzero_status_with_failures', 'nested-failure.log',
     ['--exit-status', '1'], (2, 1, 1),
     ['t/boot_fdt/fdt_rejects_bad_magic'], ['t/boot_fdt/fdt_finds_uart'],
     [], []),
    ('duplicate_and_out_of_order_numbers', 'numbering.log', [], (6, 2, 0),
     ['t/slab/numbering', 't/vmalloc/numbering'], [],
     ['test number 2 after 2 (duplicate): expected 3',
      'test number 2 after 0 (out of order): expected 1'], []),
    ('four_space_indentation_three_levels', 'indent4.log', ['-v'],
     (3, 1, 0), ['t/mm/buddy/buddy_merge'], [],
     ['PASS: t/mm/slab/slab_alloc_free\n', 'PASS: t/sched/sched_yield\n',
      '    # buddy_merge: block 0x40200000 did not merge\n'], []),
    ('kernel_restarted', 'restart.log', [], (1, 2, 0),
     ['t/restart', 't/incomplete'], [],
     ['after test t/paging/paging_map_one_page; suite paging planned 3 '
      'tests and only 1 appeared',
      '    | Kernel panic: unexpected exception; resetting\n'], []),
    ('crlf_line_ends_on_stdin',
     ('stdin', read('all-pass.log').replace('\n', '\r\n')), [],
     (5, 0, 0), [], [], [], []),
]


def run_ktap(log, args):
    """Run ktap.py; return (exit status, output, lines it appended)."""
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, 'results')
        with open(results, 'w') as f:
            f.write('pass\tearlier/run\n')     # must be kept: append only
        cmd = [sys.executable, KTAP, '--prefix', 't', '--results', results]
        if isinstance(log, tuple):
            proc = subprocess.run(cmd + args, input=log[1], text=True,
                                  capture_output=True)
        else:
            proc = subprocess.run(cmd + args + [sample(log)], text=True,
                                  capture_output=True)
        with open(results) as f:
            lines = f.read().splitlines()
    if not lines or lines[0] != 'pass\tearlier/run':
        raise AssertionError('--results did not append to the file')
    return proc.returncode, proc.stdout + proc.stderr, lines[1:]


def check_case(log, args, counts, fails, skips, present, absent):
    """Return a list of problems (empty when the case passed)."""
    status, out, records = run_ktap(log, args)
    problems = []
    passed, failed, skipped = counts
    summary = '%d passed, %d failed' % (passed, failed)
    if skipped:
        summary += ', %d skipped' % skipped
    lines = out.splitlines()
    if not lines or lines[-1] != summary:
        problems.append('last line %r, expected %r'
                        % (lines[-1] if lines else '', summary))
    if status != (1 if failed else 0):
        problems.append('exit status %d' % status)
    got = [l[6:] for l in lines if l.startswith('FAIL: ')]
    if got != fails:
        problems.append('FAIL lines %r, expected %r' % (got, fails))
    got = [l[6:].split(' (')[0] for l in lines if l.startswith('SKIP: ')]
    if got != skips:
        problems.append('SKIP lines %r, expected %r' % (got, skips))
    by_status = {'pass': [], 'fail': [], 'skip': []}
    for r in records:
        st, _, name = r.partition('\t')
        by_status.setdefault(st, []).append(name)
    if (len(by_status['pass']), len(by_status['fail']),
            len(by_status['skip'])) != counts or len(by_status) != 3:
        problems.append('--results lines %r do not match %r'
                        % (records, counts))
    if sorted(by_status['fail']) != sorted(fails):
        problems.append('--results failures %r, expected %r'
                        % (by_status['fail'], fails))
    if by_status['skip'] != skips:
        problems.append('--results skips %r, expected %r'
                        % (by_status['skip'], skips))
    for text in present:
        if text not in out + '\n':
            problems.append('output lacks %r' % text)
    for text in absent:
        if text in out:
            problems.append('output has %r' % text)
    return problems, out


def check_results_file_exact():
    """The exact lines of --results for the brief's example log."""
    _, out, records = run_ktap('nested-failure.log', ['--exit-status', '1'])
    expected = ['pass\tt/boot_fdt/fdt_parses_memory_node',
                'fail\tt/boot_fdt/fdt_rejects_bad_magic',
                'skip\tt/boot_fdt/fdt_finds_uart',
                'pass\tt/boot_smp/smp_call_on_every_cpu']
    if records != expected:
        return ['--results lines %r, expected %r' % (records, expected)], out
    return [], out


def run_summary(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'results')
        if text is not None:
            with open(path, 'w') as f:
                f.write(text)
        proc = subprocess.run([sys.executable, SUMMARY, path], text=True,
                              capture_output=True)
    return proc.returncode, proc.stdout


def check_summary_adds_runs():
    status, out = run_summary(
        'pass\tch00/a/x\nfail\tch00/a/y\nskip\tch00/a/z\n'
        'pass\tch01@virt-max-1G-smp4/b/x\nfail\tch01/timeout\n')
    want = 'FAIL: ch00/a/y\nFAIL: ch01/timeout\n2 passed, 2 failed, 1 skipped\n'
    if (status, out) != (1, want):
        return ['got %d %r, expected 1 %r' % (status, out, want)], out
    return [], out


def check_summary_all_passed():
    status, out = run_summary('pass\tch00/a/x\npass\tch00/a/y\n')
    if (status, out) != (0, '2 passed, 0 failed\n'):
        return ['got %d %r' % (status, out)], out
    return [], out


def check_summary_no_test_ran():
    problems = []
    for text in (None, ''):
        status, out = run_summary(text)
        if status != 1 or not out.endswith('\n0 passed, 1 failed\n') \
                or 'no test ran' not in out:
            problems.append('file %r: got %d %r' % (text, status, out))
    return problems, ''


def main():
    verbose = '-v' in sys.argv[1:]
    checks = [(c[0], (lambda c=c: check_case(*c[1:]))) for c in CASES]
    checks += [('results_file_exact_lines', check_results_file_exact),
               ('summary_adds_runs', check_summary_adds_runs),
               ('summary_all_passed', check_summary_all_passed),
               ('summary_no_test_ran_is_a_failure', check_summary_no_test_ran)]

    print('KTAP version 1')
    print('1..%d' % len(checks))
    failures = 0
    for number, (name, check) in enumerate(checks, 1):
        try:
            problems, out = check()
        except Exception as e:                  # a crash is a failure too
            problems, out = ['%s: %s' % (type(e).__name__, e)], ''
        print('%s %d %s' % ('not ok' if problems else 'ok', number, name))
        for p in problems:
            print('# %s: %s' % (name, p))
        if problems or verbose:
            for line in out.splitlines():
                print('# %s: | %s' % (name, line))
        failures += bool(problems)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
