#!/usr/bin/env python3
"""book/chunklen.py: no chunk runs longer than a printed page.

Usage: book/chunklen.py [--max N] FILE.nw...

Prints every chunk definition longer than N code lines (55 by default,
what one page of the book holds below a chunk's header and above its
cross-references) as FILE:LINE: chunk <<name>> has L lines, and exits 1
if there is one.  A long chunk is split into chunks whose names say what
each part does.
"""
import re
import sys


def chunks(path):
    """Yield (line, name, length) for every chunk definition in path."""
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^<<(.*)>>=\s*$', lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not re.match(r'^@($|[ \t%])', lines[j]) \
                and not re.match(r'^<<.*>>=\s*$', lines[j]):
            j += 1
        yield i + 1, m.group(1), j - i - 1
        i = j


def main(argv):
    limit = 55
    if len(argv) > 1 and argv[0] == '--max':
        limit = int(argv[1])
        argv = argv[2:]
    bad = 0
    for path in argv:
        for line, name, n in chunks(path):
            if n > limit:
                print('%s:%d: chunk <<%s>> has %d lines (at most %d)'
                      % (path, line, name, n, limit))
                bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
