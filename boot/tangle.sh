#!/usr/bin/env bash
# Tangle one stage of the kernel, in one pass.
#
#   boot/tangle.sh OUTDIR FILE.nw...
#
# Every root chunk of the given noweb files is a file of the stage's source
# tree, named by its path (<<mm/page_alloc.c>>=).  noweb's own front end,
# markup, reads the files once; the program below then expands every root
# from its output, as `notangle -R<root>' would, and writes it to OUTDIR.
# It must agree with notangle byte for byte (tests/test-tangle checks this
# for every stage), so it follows noweb 2.12's nt exactly, quirks included:
#
#   * C, assembler and linker-script roots (*.c, *.h, *.S) get #line
#     directives as `notangle -L' writes them, so that compiler messages and
#     gdb point at the .nw file.  In that mode nt indents a used chunk only
#     on the line where a #line directive restarts it; other roots are
#     indented with spaces, from a markup pass that expands tabs (notangle
#     without -L).
#   * The last newline of every chunk's definition is dropped, and the file
#     ends with one newline.
#
# A file whose contents did not change keeps its timestamp, so make rebuilds
# only what a change touched; a file that is no longer a root is removed.
# The stage fails on anything notangle would warn about (a chunk used but
# never defined, a cycle, a name ending in "..."), on any message from
# markup, and on a root that is not a file name: that is almost always a
# chunk that was defined but never used.  The one exception is the stub of
# a graded exercise (<<WHAT: stub for exercise N.M>>), which nothing uses
# on purpose: the student edition puts it in place of the solution
# (tests/grade/classroom.py), and the full tree leaves it out.
set -euo pipefail

if [ $# -lt 2 ]; then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi
out=$1; shift
lib=${NOWEB_LIB:-/usr/lib/noweb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# markup -t copies tabs, as notangle -L has it do.
if ! "$lib/markup" -t "$@" > "$tmp/markup" 2> "$tmp/err" || [ -s "$tmp/err" ]; then
	echo "tangle: markup $*:" >&2
	sed 's/^/  /' "$tmp/err" >&2
	exit 1
fi
mkdir -p "$out"
exec python3 - "$out" "$tmp" "$lib" "$@" <<'PYTHON'
import os, re, sys, subprocess

out, tmp, lib, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
errors = []


def read_defs(lines):
    """The chunks of a markup stream: name -> list of parts, as nt reads them.

    A part is ('s', text, (file, line)), ('u', name) or ('n',).  A file is
    (occurrence, name): nt compares file names by identity, one per @file.
    """
    chunks, order = {}, []
    fname, lineno = None, 0
    nfile = 0
    i, n = 0, len(lines)

    def location(line):
        nonlocal fname, lineno, nfile
        if line == '@nl' or line == '@index nl':
            lineno += 1
        elif line.startswith('@file '):
            nfile += 1
            fname = (nfile, line[6:])
            lineno = 1
        elif line.startswith('@line '):
            arg = line[6:]
            if not arg.isdigit():
                errors.append("non-numeric line number in `@line %s'" % arg)
            lineno = int(''.join(c for c in arg if c.isdigit()) or 0) - 1

    while i < n:
        line = lines[i]; i += 1
        if line == '@fatal' or line.startswith('@fatal '):
            errors.append('markup: ' + line)
            return chunks, order
        location(line)
        if not line.startswith('@begin code'):
            continue
        while i < n and not (lines[i].startswith('@defn ') or lines[i].startswith('@text ')):
            i += 1
        if i >= n or not lines[i].startswith('@defn '):
            errors.append('code chunk had no definition line')
            return chunks, order
        name = lines[i][6:]; i += 1
        if name.endswith('...'):
            errors.append("Module name <<%s>> isn't completed as in web" % name)
        if name not in chunks:
            chunks[name] = []
            order.append(name)
        parts = chunks[name]
        if i >= n or lines[i] != '@nl':
            errors.append('definition line not followed by newline')
            return chunks, order
        lineno += 1; i += 1
        while i < n and not lines[i].startswith('@end code'):
            line = lines[i]; i += 1
            if line == '@nl':
                parts.append(('n',)); lineno += 1
            elif line.startswith('@text '):
                parts.append(('s', line[6:], (fname, lineno)))
            elif line.startswith('@use '):
                if line.endswith('...'):
                    errors.append("Module name <<%s>> isn't completed as in web" % line[5:])
                parts.append(('u', line[5:]))
            elif line == '@index nl' or line.startswith('@file ') or line.startswith('@line '):
                location(line)
            elif not line.startswith('@index'):
                errors.append("%s:%d: botched code chunk `%s'" % (fname[1], lineno, line))
        if i >= n:
            errors.append('End of file occurred in mid-module')
        i += 1
    for parts in chunks.values():       # each chunk loses its last newline
        if parts and parts[-1] == ('n',):
            parts.pop()
    return chunks, order


def column(s, col):
    """The column after writing s from column col (nt counts a tab as 1)."""
    return col + len(s)


class Emitter:
    """nt's expand(): one root to one string, with #line directives or not."""

    def __init__(self, chunks, lines):
        self.chunks, self.lines = chunks, lines
        self.last = (None, -1)          # the location last written (lastfilename, lastlineno)
        self.out = []

    def printloc(self, loc, partial):
        if loc[0] is self.last[0] and loc[1] == self.last[1]:
            return False
        if partial:
            self.out.append('\n')
        self.out.append('#line %d "%s"\n' % (loc[1], loc[0][1]))
        self.last = loc
        return True

    def expand(self, name, indent, partial, parents):
        if name in parents:
            errors.append('Cyclic code chunks: ' +
                          ' -> '.join('<<%s>>' % p for p in parents + [name]))
            return
        parts = self.chunks[name]
        parents = parents + [name]
        for k, p in enumerate(parts):
            kind = p[0]
            if kind == 's':
                text = p[1]
                if not text:
                    continue
                if self.lines:
                    if self.printloc(p[2], partial) and k != 0:
                        self.out.append(' ' * partial)
                elif partial == 0:
                    self.out.append(' ' * indent)
                    partial = indent
                self.out.append(text)
                partial = column(text, partial)
            elif kind == 'u':
                used = p[1]
                if used not in self.chunks:
                    errors.append('undefined chunk name: <<%s>> (used in <<%s>>)' % (used, name))
                else:
                    if not self.lines and partial == 0:
                        self.out.append(' ' * indent)
                        partial = indent
                    self.expand(used, partial, partial, parents)
                partial = column(used, partial + 2) + 2     # as if <<used>> were written
            else:
                partial = 0
                self.out.append('\n')
                self.last = (self.last[0], self.last[1] + 1)

    def root(self, name):
        self.out = []
        self.last = (None, -1)
        self.expand(name, 0, 0, [])
        self.out.append('\n')
        return ''.join(self.out)


def markup(tabs):
    p = subprocess.run([os.path.join(lib, 'markup')] + (['-t'] if tabs else []) + files,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode or p.stderr:
        errors.append('markup: ' + p.stderr.decode(errors='replace').strip())
    return p.stdout.decode('utf-8', errors='surrogateescape').split('\n')


def is_file_name(root):
    return ('/' in root or root == 'Makefile' or
            os.path.splitext(root)[1] in ('.c', '.h', '.S', '.lds', '.txt'))


with open(os.path.join(tmp, 'markup'), encoding='utf-8', errors='surrogateescape') as f:
    lines = f.read().split('\n')
chunks, order = read_defs(lines)
used = set(p[1] for parts in chunks.values() for p in parts if p[0] == 'u')
roots = [c for c in order if c not in used]

# The stubs of graded exercises are roots on purpose, and no file.
stub = re.compile(r': stub for exercise [0-9]+\.[0-9]+$')
roots = [r for r in roots if not stub.search(r)]
status = 0
for r in roots:
    if not is_file_name(r):
        print('tangle: root chunk <<%s>> is not a file name; '
              'is it a chunk that nothing uses?' % r, file=sys.stderr)
        status = 1
roots = [r for r in roots if is_file_name(r)]
with_lines = [r for r in roots if os.path.splitext(r)[1] in ('.c', '.h', '.S')]
plain = [r for r in roots if r not in with_lines]

# Every use of a chunk that the stage does not define, wherever it is.
for name in order:
    for p in chunks[name]:
        if p[0] == 'u' and p[1] not in chunks:
            errors.append('undefined chunk name: <<%s>> (used in <<%s>>)' % (p[1], name))

texts = {}
em = Emitter(chunks, True)
for r in with_lines:
    texts[r] = em.root(r)
if plain:
    # notangle without -L: markup expands the tabs itself
    pchunks, _ = read_defs(markup(False))
    em = Emitter(pchunks, False)
    for r in plain:
        texts[r] = em.root(r)

if errors:
    seen = set()
    for e in errors:
        if e not in seen:
            print('tangle: ' + e, file=sys.stderr)
            seen.add(e)
    status = 1
if status:
    sys.exit(status)

written = 0
for r, text in texts.items():
    data = text.encode('utf-8', errors='surrogateescape')
    dest = os.path.join(out, r)
    try:
        with open(dest, 'rb') as f:
            if f.read() == data:
                continue
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(dest) or '.', exist_ok=True)
    tmpf = dest + '.tangle-tmp'
    with open(tmpf, 'wb') as f:
        f.write(data)
    os.replace(tmpf, dest)
    written += 1

# Remove files that are no longer roots of this stage (a renamed chunk), and
# the folders that leaves empty.
want = set(os.path.normpath(r) for r in texts)
for d, subdirs, names in os.walk(out, topdown=False):
    for nm in names:
        rel = os.path.relpath(os.path.join(d, nm), out)
        if not nm.startswith('.') and rel not in want:
            os.remove(os.path.join(d, nm))
    if d != out and not os.listdir(d):
        os.rmdir(d)
PYTHON
