"""tests/grade/exercises.py: read tests/grade/exercises.txt.

The file says, for each graded exercise, how `make grade' grades it:

    exercise 3.2 expand and __free_one_page
    qemu buddy_*                    boot stage 3 once with ktest=buddy_*
    host *                          run its host suites once, filter *
    points qemu buddy_alloc 5       5 points when every test of the
    points host host_buddy_fuzz 5   suites that the glob names passed

The stage is the chapter, N.  A glob with a "/" names suite/test.
Lines starting with "#" are comments; an exercise ends at the next.
"""

import re


class Exercise:
    def __init__(self, num, title, line):
        self.num, self.title, self.line = num, title, line
        self.stage = int(num.split('.')[0])
        self.qemu = None        # the boot's ktest= glob
        self.host = None        # the host run's filter
        self.points = []        # (kind, glob, points)

    def total(self):
        return sum(p for _, _, p in self.points)


def load(path):
    out = {}
    cur = None
    with open(path) as f:
        for i, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            where = '%s:%d' % (path, i)
            m = re.match(r'exercise ([0-9]+\.[0-9]+) (.+)$', line)
            if m:
                if m.group(1) in out:
                    raise SystemExit('%s: exercise %s twice' % (where, m.group(1)))
                cur = out[m.group(1)] = Exercise(m.group(1), m.group(2), i)
                continue
            if cur is None:
                raise SystemExit('%s: expected "exercise N.M TITLE"' % where)
            m = re.match(r'(qemu|host) (\S+)$', line)
            if m:
                setattr(cur, m.group(1), m.group(2))
                continue
            m = re.match(r'points (qemu|host) (\S+) ([0-9]+)$', line)
            if m:
                cur.points.append((m.group(1), m.group(2), int(m.group(3))))
                continue
            raise SystemExit('%s: cannot read: %s' % (where, line))
    for e in out.values():
        if not e.points:
            raise SystemExit('%s: exercise %s has no points' % (path, e.num))
        for kind, _, _ in e.points:
            if getattr(e, kind) is None:
                raise SystemExit('%s: exercise %s gives %s points but no "%s GLOB" run'
                                 % (path, e.num, kind, kind))
    return out
