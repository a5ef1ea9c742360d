#!/usr/bin/env python3
"""tests/grade/teacher.py: the teacher's notes on the graded exercises.

Usage:
    tests/grade/teacher.py notes OUT.nw     write the notes (make teacher)
    tests/grade/teacher.py measure [N.M...] grade each wrong answer, and
                                            write tests/grade/wrong-answers.txt

The common wrong answers of an exercise are the mutants of its chapter's
catalogue (tests/mutants/NN-*.mut) whose text lies in one of the
exercise's solution chunks: plausible mistakes in exactly the code the
student writes.  `measure' applies each one alone to a copy of the tree
(build/teacher-measure/), grades the exercise there, and records which
of its suites caught it, one line per wrong answer:

    3.2<TAB>expand-keeps-upper-half<TAB>buddy_alloc,host_buddy_fuzz

("-" when the grade gave full marks: the mistake survives the grading).
`notes' writes a noweb file of LaTeX, one page per exercise: what it
tests and how, the points of each suite, the solution chunks, and the
wrong answers with the suites that catch them.  The teacher's book
(make teacher) is the full book with these notes after the appendices.
"""

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
import classroom            # noqa: E402
import exercises as exfile  # noqa: E402

MEASURED = os.path.join(HERE, 'wrong-answers.txt')
# What a failed run, not a suite, is called in the results (tests/ktap.py).
CRASH = ('ktap-header', 'incomplete', 'timeout', 'exit-status', 'restart', 'build')


def mutants_module():
    path = os.path.join(TOP, 'tests', 'mutants', 'run')
    loader = importlib.machinery.SourceFileLoader('mutants_run', path)
    spec = importlib.util.spec_from_loader('mutants_run', loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def solution_ranges(root=TOP):
    """{N.M: [(file, first index, end index)]}: the lines of each definition."""
    out = {}
    for rel in classroom.nw_files(root):
        with open(os.path.join(root, rel)) as f:
            lines = f.read().split('\n')
        for i, line in enumerate(lines):
            m = classroom.SOLUTION.match(line)
            if m:
                body, j = classroom.chunk_body(lines, i)
                out.setdefault(m.group(2), []).append((rel, i + 1, j))
    return out


def wrong_answers(table):
    """{N.M: [mutant]}: the mutants that fall in an exercise's solution."""
    mr = mutants_module()
    ranges = solution_ranges()
    out = {n: [] for n in table}
    cats = {}
    for n, e in table.items():
        for name in sorted(os.listdir(os.path.join(TOP, 'tests', 'mutants'))):
            path = os.path.join(TOP, 'tests', 'mutants', name)
            if (name.startswith('%02d-' % e.stage) and name.endswith('.mut') and
                    path not in cats.get(e.stage, [])):
                cats.setdefault(e.stage, []).append(path)
    for stage, paths in cats.items():
        files = mr.stage_files(stage)
        for p in paths:
            _, mutants = mr.parse(p)
            for mu in mutants:
                try:
                    rel, i = mr.locate(mu, TOP, files)
                except mr.CatalogueError:
                    continue
                for n in table:
                    if table[n].stage != stage:
                        continue
                    if any(r == rel and a <= i < b for r, a, b in ranges.get(n, [])):
                        out[n].append(mu)
    return out, mr


def read_measured():
    got = {}
    if os.path.exists(MEASURED):
        with open(MEASURED) as f:
            for line in f:
                if line.startswith('#') or not line.strip():
                    continue
                n, name, suites = line.rstrip('\n').split('\t')
                got[(n, name)] = suites
    return got


def measure(wanted):
    table = exfile.load(os.path.join(HERE, 'exercises.txt'))
    wrong, mr = wrong_answers(table)
    got = read_measured()
    work = os.path.join(TOP, 'build', 'teacher-measure')
    for n in sorted(wrong):
        if wanted and n not in wanted:
            continue
        for mu in wrong[n]:
            dest = os.path.join(work, mu.name)
            classroom.copy_tree(dest)
            mr.apply(mu, dest, mr.stage_files(mu.stage, dest))
            env = dict(os.environ)
            for k in ('RESULTS', 'MAKEFLAGS', 'MAKELEVEL'):
                env.pop(k, None)
            p = subprocess.run([os.path.join(dest, 'tests', 'grade', 'grade'),
                                '--exercises', n], cwd=dest, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            suites = set()
            res = os.path.join(dest, 'build', 'grade', n, 'results')
            if os.path.exists(res):
                for line in open(res):
                    st, name = line.rstrip('\n').split('\t')[:2]
                    parts = name.split('/')
                    if st == 'fail' and len(parts) >= 2:
                        suites.add(parts[1])
            caught = ','.join(sorted(suites)) if p.returncode else '-'
            got[(n, mu.name)] = caught
            print('%s %-40s %s' % (n, mu.name, caught), flush=True)
            shutil.rmtree(dest, ignore_errors=True)
    with open(MEASURED, 'w') as f:
        f.write('# Written by tests/grade/teacher.py measure: each wrong answer of a\n'
                '# graded exercise (a mutant in its solution) and the suites that\n'
                '# caught it when graded ("-": none did).\n')
        for (n, name), suites in sorted(got.items()):
            f.write('%s\t%s\t%s\n' % (n, name, suites))


def tex(s):
    out = []
    for c in s:
        if c in '\\':
            out.append('\\textbackslash{}')
        elif c in '{}_%&#$':
            out.append('\\' + c)
        elif c == '^':
            out.append('\\^{}')
        elif c == '~':
            out.append('\\~{}')
        else:
            out.append(c)
    return ''.join(out)


def code(s):
    return '[[' + s + ']]'


def notes(path):
    table = exfile.load(os.path.join(HERE, 'exercises.txt'))
    wrong, _ = wrong_answers(table)
    got = read_measured()
    ex = classroom.scan(TOP)
    o = []
    o.append('@')
    o.append('\\chapter{Teacher\'s notes}\\label{app:teacher}')
    o.append('')
    o.append('These notes come with the teacher\'s edition of the book.  Each')
    o.append('graded exercise has a page: what its grade runs, the points, the')
    o.append('chunks that hold the book\'s answer (the student edition prints the')
    o.append('stub in their place), and the common wrong answers, each a mistake')
    o.append('from the chapter\'s catalogue of mutants that falls in the code the')
    o.append('student writes, with the suites that caught it when it was graded')
    o.append('([[tests/grade/teacher.py measure]]).  [[make grade-N]] grades a')
    o.append('chapter; [[tests/grade/README.md]] explains the machinery.')
    for n in sorted(table, key=lambda s: tuple(int(x) for x in s.split('.'))):
        e = table[n]
        o.append('')
        o.append('\\clearpage')
        o.append('\\section*{Exercise %s: %s}' % (n, tex(e.title)))
        o.append('\\addcontentsline{toc}{section}{Exercise %s}' % n)
        o.append('')
        o.append('Exercise~\\ref{exercise:%s}, page~\\pageref{exercise:%s}.' % (n, n))
        runs = []
        if e.qemu:
            runs.append('boots stage~%d once (128\\,MiB, one CPU) with %s' %
                        (e.stage, code('ktest=' + e.qemu)))
        if e.host:
            runs.append('runs the host suites that match %s under AddressSanitizer'
                        % code(e.host))
        o.append('[[make grade-%d]] %s.' % (e.stage, ' and '.join(runs)))
        o.append('A line of points is earned when every test of the suites it names')
        o.append('passed, the run neither crashing nor hanging.')
        o.append('')
        o.append('\\begin{center}\\small')
        o.append('\\begin{tabular}{@{}llr@{}}')
        o.append('\\toprule')
        o.append('where & suites & points \\\\')
        o.append('\\midrule')
        for kind, glob, pts in e.points:
            o.append('%s & %s & %d \\\\' % ('QEMU' if kind == 'qemu' else 'host',
                                            code(glob), pts))
        o.append('\\midrule')
        o.append(' & total & %d \\\\' % e.total())
        o.append('\\bottomrule')
        o.append('\\end{tabular}')
        o.append('\\end{center}')
        o.append('')
        sols = sorted(ex.get(n, {}).get('solutions', {}))
        o.append('The answer: %s.' % ', '.join(
            '[[<<%s: solution to exercise %s>>]]' % (w, n) for w in sols))
        o.append('')
        if not wrong.get(n):
            o.append('No mutant of the chapter\'s catalogue falls in this code yet.')
            continue
        o.append('Common wrong answers, and what catches them:')
        o.append('\\begin{itemize}')
        for mu in wrong[n]:
            caught = got.get((n, mu.name))
            if caught is None:
                c = 'not yet measured'
            elif caught == '-':
                c = 'passes the grade (no suite catches it)'
            else:
                names = caught.split(',')
                suites = [x for x in names if x not in CRASH]
                c = 'caught by ' + ', '.join(code(x) for x in suites) if suites else ''
                if len(suites) != len(names):
                    c += (' and ' if c else '') + 'the kernel crashes or hangs in its tests'
                elif all(x.startswith('host_') for x in suites):
                    c += ' alone: every suite in QEMU passes, only the fuzz test sees it'
            o.append('\\item \\texttt{%s}: %s; %s.' % (tex(mu.name), tex(mu.why), c))
        o.append('\\end{itemize}')
    o.append('')
    with open(path, 'w') as f:
        f.write('\n'.join(o))


def main(argv):
    if len(argv) >= 3 and argv[1] == 'notes':
        notes(argv[2])
        return 0
    if len(argv) >= 2 and argv[1] == 'measure':
        measure(set(argv[2:]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
