#!/usr/bin/env python3
"""Parse the KTAP (version 1) output of a test run and report what failed.

Usage:
    tests/ktap.py [--prefix NAME] [--results FILE] [--exit-status N]
                  [-v] [LOG]

LOG is a serial log (stdin when absent or "-"): kernel log lines and KTAP
lines interleaved.  A line is KTAP only if, once its leading whitespace is
stripped, it is one of

    KTAP version 1                  a (sub)suite starts
    1..N                            the plan: N tests follow
    ok N name [# SKIP reason]       a result (# SKIP and # TODO: skipped)
    not ok N name [# directive]
    # Subtest: name                 names the suite that just started
    # anything else                 a diagnostic

Every other line is kernel log and is ignored, except that it is shown
under a failing test.  Nested suites are recognised by their indentation
(any consistent indentation; our kernel uses two spaces): a suite's result
line is printed, one level out, after the suite's own tests.

Only leaf results (a result line with no nested suite) are counted.  A
suite's own result line is checked against its tests.  Diagnostics of the
form "# <test>: ..." after a test's result line belong to that test; other
diagnostics and kernel log lines belong to the next result line.  The
"failed" count includes the structural failures below.

Output:
    FAIL: <prefix>/<suite>/<test>     then its diagnostics and last log lines
    SKIP: <prefix>/<suite>/<test> (reason)
    FAIL: <prefix>/<what>             a structural failure, with a message:
        ktap-header     the kernel never printed "KTAP version 1"
        incomplete      fewer results than planned: the kernel hung/crashed
        timeout         QEMU was killed by timeout (--exit-status 124)
        exit-status     the kernel exited non-zero but no test failed
        restart         a second KTAP header: the kernel rebooted
        <suite>/plan, <suite>/numbering, <suite>/parent-result, <suite>/result
    N passed, N failed[, N skipped]   always the last line

Options:
    --prefix NAME      first component of every name (e.g. ch03, host-ch03)
    --results FILE     append "pass|fail|skip<TAB>name" per leaf test and
                       "fail<TAB>name" per structural failure
    --exit-status N    exit status of the kernel (QEMU): 124 = timed out
    -v, --verbose      also list the tests that passed

Exit status: 0 when nothing failed, 1 otherwise (2 on a usage error).
"""

import argparse
import os
import re
import sys

VERSION_RE = re.compile(r'^KTAP version 1$')
PLAN_RE = re.compile(r'^1\.\.(\d+)(?:\s+#.*)?$')
RESULT_RE = re.compile(r'^(ok|not ok) (\d+)(?:\s+-)?(?:\s+(.*))?$')
SUBTEST_RE = re.compile(r'^# Subtest: (.*)$')
DIAG_RE = re.compile(r'^#(?:\s.*)?$')
# "# suite: pass:1 fail:0 skip:0 total:1" and "# Totals: ...": summaries
SUMMARY_RE = re.compile(r'^# \S+: pass:\d+ fail:\d+ skip:\d+ total:\d+$')

TIMEOUT_STATUSES = (124, 137)   # timeout(1): TERM sent; TERM then KILL
LOG_LINES_PER_TEST = 10         # kernel log lines shown under a failure
LOG_LINES_AT_END = 20           # log lines shown when the run stopped early


class Suite:
    """One KTAP document: the top level, or a nested suite."""

    def __init__(self, indent, parent, name=None):
        self.indent = indent        # its lines' indentation (a string length)
        self.parent = parent        # enclosing Suite, None at the top level
        self.name = name            # from "# Subtest:" or its result line
        self.index = len(parent.results) + 1 if parent else 0
        self.version = False        # its "KTAP version 1" line was seen
        self.plan = None            # N from "1..N"
        self.results = []           # its Test results, in order
        self.last_num = 0           # number of its last result line
        self.test_failed = False    # a test inside it failed
        self.broken = False         # its KTAP output has a problem
        self.result = None          # its own result line (a Test), if any
        self.child = None           # nested suite awaiting its result line
        self.misnumbered = False    # a numbering problem was reported

    def path(self):
        """Names from the top level down; the top level has none."""
        if self.parent is None:
            return []
        name = self.name
        if name is None:            # hung before naming itself
            name = 'suite%d' % self.index
        return self.parent.path() + [name]

    def mark(self, flag):
        """Set flag ('test_failed' or 'broken') here and in every parent."""
        suite = self
        while suite is not None:
            setattr(suite, flag, True)
            suite = suite.parent


class Test:
    """One result line."""

    def __init__(self, suite, num, name, ok, skip, reason):
        self.suite = suite          # the suite whose result it is
        self.num = num
        self.name = name
        self.ok = ok
        self.skip = skip
        self.reason = reason
        self.child = None           # the nested suite it sums up, if any
        self.before = []            # ('#', diag) / ('|', log) before it
        self.after = []             # diagnostics printed after it

    def path(self):
        return self.suite.path() + [self.name]


class Parser:
    def __init__(self, prefix=''):
        self.prefix = prefix        # first component of every name
        self.root = None            # top-level Suite, once the header is seen
        self.stack = []             # open suites, outermost first
        self.leaves = []            # leaf Tests, in order
        self.problems = []          # (suite, what, message, extra lines)
        self.pending = []           # lines since the last KTAP line
        self.pre_header = []        # log lines before the header
        self.after_target = None    # Test that following diagnostics extend
        self.restarted = False      # a second top-level header was seen

    # -- reporting -------------------------------------------------------

    def problem(self, suite, what, message, extra=()):
        # the name is made at the end: a suite may learn its name late
        self.problems.append((suite, what, message, list(extra)))
        if suite is not None:
            suite.mark('broken')

    def full(self, path):
        return '/'.join([self.prefix] + path if self.prefix else path)

    def last_test(self):
        return self.full(self.leaves[-1].path()) if self.leaves else None

    # -- line by line ----------------------------------------------------

    def feed(self, raw):
        line = raw.rstrip('\r\n').rstrip()
        text = line.lstrip()
        indent = len(line) - len(text)

        if self.root is None:
            if VERSION_RE.match(text):
                self.root = Suite(indent, None)
                self.root.version = True
                self.stack = [self.root]
            else:
                self.pre_header.append(line)
            return

        if self.restarted:
            return
        if VERSION_RE.match(text):
            self.on_version(indent)
        elif PLAN_RE.match(text):
            self.on_plan(indent, int(PLAN_RE.match(text).group(1)))
        elif RESULT_RE.match(text):
            self.on_result(indent, RESULT_RE.match(text))
        elif SUBTEST_RE.match(text):
            self.on_subtest(indent, SUBTEST_RE.match(text).group(1).strip())
        elif SUMMARY_RE.match(text) or text.startswith('# Totals:'):
            self.structural()
        elif DIAG_RE.match(text):
            self.on_diag(text)
            return
        else:
            if text:
                self.pending.append(('|', line))
            return

    def structural(self):
        """A KTAP line that is not a diagnostic: a new context begins."""
        self.pending = []
        self.after_target = None

    def top(self):
        return self.stack[-1]

    def push(self, indent):
        parent = self.top()
        suite = Suite(indent, parent)
        if parent.child is not None:
            # the previous nested suite never got its result line
            self.close(parent.child, by_result=False)
        parent.child = suite
        self.stack.append(suite)
        return suite

    def fresh(self, suite):
        """A nested suite that has printed neither plan nor results yet."""
        return suite.parent is not None and suite.plan is None \
            and not suite.results

    def on_version(self, indent):
        if indent <= self.root.indent:
            # judge the first run only: what follows is another boot
            self.problem(None, 'restart',
                         'the KTAP header was printed again: the kernel '
                         'restarted; the output after it is ignored')
            self.restarted = True
            return
        self.structural()
        top = self.top()
        if indent > top.indent:
            self.push(indent).version = True
            return
        if indent == top.indent and self.fresh(top) and not top.version:
            top.version = True      # after its "# Subtest:" line
            return
        # a sibling suite starts: the open ones at this depth never ended
        while len(self.stack) > 1 and self.top().indent >= indent:
            self.stack.pop()
        self.push(indent).version = True

    def on_subtest(self, indent, name):
        self.structural()
        top = self.top()
        if indent == top.indent and self.fresh(top) and top.name is None:
            top.name = name
        elif indent > top.indent:
            self.push(indent).name = name   # old style: no version line

    def on_plan(self, indent, n):
        self.structural()
        top = self.top()
        if indent > top.indent:
            self.push(indent).plan = n      # a suite without a header
        elif top.plan is None and not top.results:
            top.plan = n
        else:
            self.problem(top, 'plan', 'a second plan 1..%d' % n)

    def on_result(self, indent, m):
        # the result line of a nested suite is printed one level out:
        # close the suites that are indented deeper than this line
        child = None
        while len(self.stack) > 1 and self.top().indent > indent:
            closed = self.stack.pop()
            if child is not None:
                self.close(child, by_result=False)
            child = closed
        suite = self.top()

        ok = m.group(1) == 'ok'
        num = int(m.group(2))
        rest = m.group(3) or ''
        name, _, directive = rest.partition('#')
        name = name.strip() or 'test%d' % num
        directive = directive.strip()
        word, _, reason = directive.partition(' ')
        skip = word.upper() in ('SKIP', 'TODO')
        if word.upper() == 'TODO':
            reason = directive

        test = Test(suite, num, name, ok, skip, reason.strip())
        test.before = self.pending
        self.structural()

        if num != suite.last_num + 1 and not suite.misnumbered:
            suite.misnumbered = True        # report once per suite
            how = 'duplicate' if num <= suite.last_num else 'out of order'
            self.problem(suite, 'numbering',
                         'test number %d after %d (%s): expected %d'
                         % (num, suite.last_num, how, suite.last_num + 1))
        suite.last_num = num
        suite.results.append(test)

        if child is not None:
            suite.child = None
            child.result = test
            test.child = child
            if child.name is None:
                child.name = name
            self.close(child, by_result=True)
        else:
            self.leaves.append(test)
            if not ok and not skip:
                suite.mark('test_failed')
            self.after_target = test

    def on_diag(self, text):
        target = self.after_target
        # "# name: ..." after the result of test name belongs to it (our
        # kernel's habit); other diagnostics belong to the next test (KUnit
        # prints them before the result line)
        if target is not None and \
                text[1:].lstrip().startswith(target.name + ':'):
            target.after.append(text)
        else:
            self.pending.append(('#', text))

    def close(self, suite, by_result):
        """A nested suite ends: check its plan and its result line."""
        n = len(suite.results)
        if not by_result:
            self.problem(suite, 'result', 'the suite ended without its '
                         'result line')
        elif suite.plan is not None and n != suite.plan:
            self.problem(suite, 'plan', 'planned %d tests but %d results '
                         'appeared' % (suite.plan, n))
        test = suite.result
        if test is None:
            return
        said_ok = test.ok or test.skip
        if said_ok and suite.test_failed:
            first = next(t for t in self.leaves if not t.ok and not t.skip
                         and suite in ancestors(t.suite))
            self.problem(suite, 'parent-result',
                         'the suite reported ok but its test %s failed'
                         % self.full(first.path()))
        elif not said_ok and not suite.test_failed and not suite.broken:
            self.problem(suite, 'parent-result',
                         'the suite reported not ok but none of its tests '
                         'failed')

    # -- the end ---------------------------------------------------------

    def finish(self, exit_status):
        if self.root is None:
            msg = 'the kernel never printed the KTAP header "KTAP version 1"'
            msg += describe_status(exit_status, before_tests=True)
            self.problem(None, 'ktap-header', msg,
                         self.pre_header[-LOG_LINES_AT_END:])
            return

        # a nested suite still open, or a top level short of its plan:
        # the run stopped early
        timed_out = exit_status in TIMEOUT_STATUSES
        last = self.last_test()
        where = ('after test %s' % last) if last else 'before the first test'
        tail = [l for _, l in self.pending][-LOG_LINES_AT_END:]
        detail = self.stopped_in()
        if detail is not None:
            if timed_out:
                msg = ('QEMU was killed by the timeout: the kernel hung %s; %s'
                       % (where, detail))
                self.problem(None, 'timeout', msg, tail)
            else:
                msg = ('the kernel hung or crashed %s; %s%s'
                       % (where, detail, describe_status(exit_status)))
                self.problem(None, 'incomplete', msg, tail)
            return

        root = self.root
        if root.plan is not None and len(root.results) > root.plan:
            self.problem(root, 'plan', 'planned %d tests but %d results '
                         'appeared' % (root.plan, len(root.results)))
        if timed_out:
            msg = ('QEMU was killed by the timeout after the last test (%s) '
                   'finished: the kernel did not exit' % (last or 'none'))
            self.problem(None, 'timeout', msg, tail)
        elif exit_status and not self.any_failure():
            msg = ('the kernel exited with status %d but no test failed '
                   '(last test seen: %s)' % (exit_status, last or 'none'))
            self.problem(None, 'exit-status', msg, tail)

    def stopped_in(self):
        """None if the output is complete, else what is missing."""
        for suite in reversed(self.stack):
            name = 'suite ' + '/'.join(suite.path()) if suite.parent \
                else 'the top level'
            n = len(suite.results)
            if suite.plan is not None and n < suite.plan:
                return ('%s planned %d tests and only %d appeared: '
                        'test %d never finished' % (name, suite.plan, n, n + 1))
            if suite.parent is not None:
                return '%s never printed its result line' % name
            if suite.plan is None and n == 0:
                return 'no plan and no test result followed the KTAP header'
        return None

    def any_failure(self):
        return bool(self.problems) or any(not t.ok and not t.skip
                                          for t in self.leaves)


def ancestors(suite):
    while suite is not None:
        yield suite
        suite = suite.parent


def describe_status(status, before_tests=False):
    if status is None:
        return ''
    if status in TIMEOUT_STATUSES:
        return ('; QEMU was killed by the timeout: the kernel hung'
                + (' before its tests' if before_tests else ''))
    if status == 127:
        return '; exit status 127: was QEMU found?'
    return '; exit status %d' % status if status else ''


def show(lines):
    for line in lines:
        print('    ' + line)


def failure_context(test):
    """Diagnostics, and the last few kernel log lines, of a failed test."""
    logs = [i for i, (k, _) in enumerate(test.before) if k == '|']
    keep = set(logs[-LOG_LINES_PER_TEST:])
    out = [('%s' if k == '#' else '| %s') % line.strip()
           for i, (k, line) in enumerate(test.before)
           if k == '#' or i in keep]
    return out + test.after


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Parse KTAP output and report failures.')
    ap.add_argument('--prefix', default='', help='first component of names')
    ap.add_argument('--results', help='file to append result lines to')
    ap.add_argument('--exit-status', type=int, help="the kernel's exit status")
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='also list passing tests')
    ap.add_argument('log', nargs='?', default='-', help='serial log (- = stdin)')
    args = ap.parse_args(argv)

    p = Parser(args.prefix)
    if args.log == '-':
        stream = open(sys.stdin.fileno(), encoding='utf-8', errors='replace',
                      closefd=False)
    else:
        try:
            stream = open(args.log, encoding='utf-8', errors='replace')
        except OSError as e:
            print('ktap.py: %s' % e, file=sys.stderr)
            return 2
    with stream:
        for raw in stream:
            p.feed(raw)
    p.finish(args.exit_status)

    records = []
    passed = failed = skipped = 0
    for test in p.leaves:
        name = p.full(test.path())
        if test.skip:
            skipped += 1
            records.append('skip\t' + name)
            print('SKIP: %s (%s)' % (name, test.reason or 'no reason given'))
        elif test.ok:
            passed += 1
            records.append('pass\t' + name)
            if args.verbose:
                print('PASS: ' + name)
        else:
            failed += 1
            records.append('fail\t' + name)
            print('FAIL: ' + name)
            show(failure_context(test))
    for suite, what, message, extra in p.problems:
        failed += 1
        name = p.full((suite.path() if suite else []) + [what])
        records.append('fail\t' + name)
        print('FAIL: ' + name)
        show([message])
        if extra:
            show(['last kernel log lines:'])
            show(['| ' + l for l in extra])

    if args.results:
        data = ''.join(r + '\n' for r in records).encode('utf-8')
        # one write() with O_APPEND, so parallel runs do not interleave
        fd = os.open(args.results, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                     0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    summary = '%d passed, %d failed' % (passed, failed)
    if skipped:
        summary += ', %d skipped' % skipped
    print(summary)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
