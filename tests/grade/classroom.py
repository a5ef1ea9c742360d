#!/usr/bin/env python3
"""tests/grade/classroom.py: the graded exercises' solutions and stubs.

Usage:
    tests/grade/classroom.py list
    tests/grade/classroom.py check
    tests/grade/classroom.py student DEST [--exercises 3.2,1.2]

A graded exercise's solution is a chunk of the book's code whose name
ends with ": solution to exercise N.M", and beside the exercise stands a
chunk of the same name that ends with ": stub for exercise N.M" instead
(the tangler takes the stubs as roots on purpose and writes no file for
them).  An exercise may have several: <<WHAT: solution to exercise N.M>>
is paired with <<WHAT: stub for exercise N.M>>.

list     prints each graded exercise and its chunks.
check    checks the marks: every solution has its stub and every stub its
         solution; N.M is the M-th exercise of chapter N and its optional
         argument says "graded"; every exercise that tests/grade/exercises.txt
         grades has a solution, and every one with a solution is graded
         there.  Exercises handed out in this tree (tests/grade/handed-out,
         in a student tree) are skipped.
student  writes the student edition's source tree to DEST: a copy of this
         tree in which the first definition of each solution chunk of the
         exercises handed out (all, or those of --exercises) holds its
         stub's code, further definitions are left out, and the chunk is
         renamed <<WHAT: your answer to exercise N.M>>; a box that names
         the exercise is put before it (\\answerbox, book/front.nw).
         DEST/tests/grade/handed-out lists the exercises handed out, so
         that `make grade' there grades them.  The tangled kernel of the
         other exercises is the full tree's.  The mutant catalogues of the
         chapters with an exercise handed out are left out (a mutant
         quotes the line of the solution it changes).
"""

import os
import re
import shutil
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SOLUTION = re.compile(r'^<<(.*): solution to exercise ([0-9]+\.[0-9]+)>>=\s*$')
STUB = re.compile(r'^<<(.*): stub for exercise ([0-9]+\.[0-9]+)>>=\s*$')
DEF = re.compile(r'^<<(.*)>>=\s*$')
COPY = ['Makefile', 'README.md', 'LICENSE', 'boot', 'chapters', 'appendices',
        'tests', 'book', 'figures']


def nw_files(root):
    out = [os.path.join('boot', 'boot.nw')]
    for d in ('chapters', 'appendices', os.path.join('appendices', 'tests'), 'book'):
        p = os.path.join(root, d)
        if os.path.isdir(p):
            out += [os.path.join(d, n) for n in sorted(os.listdir(p)) if n.endswith('.nw')]
    return out


def chunk_body(lines, i):
    """The lines of the code chunk whose definition line is lines[i]."""
    j = i + 1
    while j < len(lines) and not (lines[j] == '@' or lines[j].startswith('@ ')
                                  or lines[j].startswith('@%') or DEF.match(lines[j])):
        j += 1
    return lines[i + 1:j], j


def scan(root):
    """{ 'N.M': {'solutions': {WHAT: [(file, line)]}, 'stubs': {WHAT: (file, line, body)}} }"""
    ex = {}
    for rel in nw_files(root):
        with open(os.path.join(root, rel)) as f:
            lines = f.read().split('\n')
        for i, line in enumerate(lines):
            m = SOLUTION.match(line)
            if m:
                e = ex.setdefault(m.group(2), {'solutions': {}, 'stubs': {}})
                e['solutions'].setdefault(m.group(1), []).append((rel, i + 1))
                continue
            m = STUB.match(line)
            if m:
                e = ex.setdefault(m.group(2), {'solutions': {}, 'stubs': {}})
                if m.group(1) in e['stubs']:
                    raise SystemExit('%s:%d: a second stub <<%s>> for exercise %s' %
                                     (rel, i + 1, m.group(1), m.group(2)))
                e['stubs'][m.group(1)] = (rel, i + 1, chunk_body(lines, i)[0])
    return ex


def chapter_file(root, n):
    if n == 0:
        return os.path.join('boot', 'boot.nw')
    for name in sorted(os.listdir(os.path.join(root, 'chapters'))):
        if name.startswith('%02d-' % n) and name.endswith('.nw'):
            return os.path.join('chapters', name)
    return None


EXERCISE = re.compile(r'^\\begin\{exercise\}(?:\[(.*)\])?')


def exercise_args(root, n):
    """The optional arguments of chapter n's exercises, in order."""
    rel = chapter_file(root, n)
    if rel is None:
        return []
    out = []
    with open(os.path.join(root, rel)) as f:
        for line in f:
            m = EXERCISE.match(line)
            if m:
                out.append(m.group(1) or '')
    return out


def handed_out(root):
    p = os.path.join(root, 'tests', 'grade', 'handed-out')
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith('#')]


def graded_in_table(root):
    sys.path.insert(0, os.path.join(TOP, 'tests', 'grade'))
    import exercises
    return exercises.load(os.path.join(root, 'tests', 'grade', 'exercises.txt'))


def check(root):
    errors = []
    ex = scan(root)
    out = set(handed_out(root) or [])
    table = graded_in_table(root)
    for num, e in sorted(ex.items()):
        if num in out:
            continue
        for what, where in e['solutions'].items():
            if what not in e['stubs']:
                errors.append('%s:%d: <<%s: solution to exercise %s>> has no stub' %
                              (where[0][0], where[0][1], what, num))
        for what, (rel, line, _) in e['stubs'].items():
            if what not in e['solutions']:
                errors.append('%s:%d: <<%s: stub for exercise %s>> has no solution' %
                              (rel, line, what, num))
        n, m = (int(x) for x in num.split('.'))
        args = exercise_args(root, n)
        if m > len(args):
            errors.append('exercise %s: chapter %d has only %d exercises' % (num, n, len(args)))
        elif 'graded' not in args[m - 1]:
            errors.append('exercise %s: its \\begin{exercise} does not say "graded" '
                          '(the numbers moved?): [%s]' % (num, args[m - 1]))
        if num not in table:
            errors.append('exercise %s has a solution but tests/grade/exercises.txt '
                          'does not grade it' % num)
    for num in table:
        if num not in ex and num not in out:
            errors.append('tests/grade/exercises.txt grades exercise %s, which has no '
                          'solution chunk' % num)
    return errors


def copy_tree(dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    for name in COPY:
        src = os.path.join(TOP, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, name), symlinks=True,
                            ignore=shutil.ignore_patterns('__pycache__', 'handed-out'))
        elif os.path.exists(src):
            shutil.copy2(src, dest)


def student(dest, wanted):
    ex = scan(TOP)
    if wanted is None:
        wanted = sorted(ex, key=lambda s: tuple(int(x) for x in s.split('.')))
    for num in wanted:
        if num not in ex or not ex[num]['solutions']:
            raise SystemExit('classroom: exercise %s has no solution chunk to hand out' % num)
    copy_tree(dest)
    for rel in nw_files(dest):
        path = os.path.join(dest, rel)
        with open(path) as f:
            lines = f.read().split('\n')
        changed = False
        for num in wanted:
            for what in ex[num]['solutions']:
                stub = ex[num]['stubs'][what][2]
                sol = '<<%s: solution to exercise %s>>' % (what, num)
                new = '<<%s: your answer to exercise %s>>' % (what, num)
                out, i, first = [], 0, True
                while i < len(lines):
                    line = lines[i]
                    if line.rstrip() == sol + '=':
                        body, j = chunk_body(lines, i)
                        if first:
                            out.append('@ \\answerbox{%s}' % num)
                            out.append(new + '=')
                            out += stub
                            first = False
                        i = j
                        changed = True
                        continue
                    if sol in line:
                        line = line.replace(sol, new)
                        changed = True
                    out.append(line)
                    i += 1
                lines = out
        if changed:
            with open(path, 'w') as f:
                f.write('\n'.join(lines))
    # The mutant catalogues of a chapter with an exercise handed out would
    # give the answer away: each mutant quotes the line it changes.
    mdir = os.path.join(dest, 'tests', 'mutants')
    stages = set(int(n.split('.')[0]) for n in wanted)
    if os.path.isdir(mdir):
        for name in os.listdir(mdir):
            if name.endswith('.mut') and name[:2].isdigit() and int(name[:2]) in stages:
                os.remove(os.path.join(mdir, name))
    with open(os.path.join(dest, 'tests', 'grade', 'handed-out'), 'w') as f:
        f.write('# The exercises handed out in this tree (tests/grade/classroom.py)\n')
        for num in wanted:
            f.write(num + '\n')
    return wanted


def main(argv):
    if len(argv) < 2 or argv[1] not in ('list', 'check', 'student'):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == 'list':
        for num, e in sorted(scan(TOP).items()):
            for what, where in e['solutions'].items():
                print('%s\t%s\t%s:%d' % (num, what, where[0][0], where[0][1]))
        return 0
    if argv[1] == 'check':
        errors = check(TOP)
        for e in errors:
            print('classroom: ' + e, file=sys.stderr)
        print('classroom: %d exercises checked, %d errors' %
              (len(scan(TOP)), len(errors)))
        return 1 if errors else 0
    args = argv[2:]
    wanted = None
    if '--exercises' in args:
        k = args.index('--exercises')
        wanted = [x for x in args[k + 1].split(',') if x] if k + 1 < len(args) else []
        del args[k:k + 2]
        if not wanted:
            wanted = None
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    done = student(os.path.abspath(args[0]), wanted)
    print('classroom: %s: exercises %s handed out' % (args[0], ', '.join(done)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
