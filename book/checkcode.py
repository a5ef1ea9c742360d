#!/usr/bin/env python3
"""Check that the code in the book prints exactly as it is written.

    python3 book/checkcode.py build/book.pdf FILE.nw...

The typewriter font could turn << into a guillemet, -- into a dash and ' into
a curly quote, and a line break could hyphenate an identifier in the prose.
This check reads the text of the PDF back (pdftotext -layout) and fails,
naming the file and line, unless

  * every line of every code chunk in the noweb files, with its runs of
    blanks made one space, is a line of the PDF's text (lines shorter than
    four characters and lines that use a chunk are left out: they prove
    nothing, or print as the chunk's name), and
  * every piece of quoted code in the prose ([[...]]) occurs in the PDF's
    text, piece by piece between the places where a line may break (a blank,
    or after a slash: the break adds nothing, not even a hyphen).

So a ligature, a curly quote or an inserted hyphen anywhere in code fails
the build.
"""
import re
import subprocess
import sys

CHUNK_DEF = re.compile(r"<<(.*)>>=\s*$")
CHUNK_USE = re.compile(r"(?<!@)<<.+?(?<!@)>>")


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def unescape(s):
    return s.replace("@<<", "<<").replace("@>>", ">>")


def sources(files):
    """Yield (file, line, kind, text): kind is 'code' or 'quote'."""
    for f in files:
        in_code = False
        with open(f, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        for n, line in enumerate(lines, 1):
            if CHUNK_DEF.match(line):
                in_code = True
                continue
            if line == "@" or line.startswith("@ ") or line.startswith("@\t") \
                    or line.startswith("@%"):
                in_code = False
                continue
            if in_code:
                if not CHUNK_USE.search(line):
                    yield f, n, "code", unescape(line)
                continue
            if line.lstrip().startswith("%"):
                continue
            # [[...]] ends at the first ]] not followed by another ].
            for m in re.finditer(r"\[\[(.+?)\]\](?!\])", line):
                q = m.group(1)
                if not CHUNK_USE.search(q):
                    yield f, n, "quote", unescape(q)


def main():
    pdf, files = sys.argv[1], sys.argv[2:]
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = set(norm(l) for l in text.split("\n"))
    flat = re.sub(r"\s+", "", text)
    errors, ncode, nquote = [], 0, 0
    for f, n, kind, s in sources(files):
        if kind == "code":
            s = norm(s)
            if len(s) < 4:
                continue
            ncode += 1
            if s not in lines:
                errors.append("%s:%d: code line does not print as written: %s" % (f, n, s))
        else:
            if len(re.sub(r"\s+", "", s)) < 3:
                continue
            nquote += 1
            # A line may break at a blank or after a slash: each piece
            # between such breaks must print as written.
            pieces = [p for p in re.split(r"\s+|(?<=/)", s) if p]
            if any(p not in flat for p in pieces):
                errors.append("%s:%d: quoted code does not print as written: [[%s]]"
                              % (f, n, s))
    for e in errors[:30]:
        print("book: error: " + e, file=sys.stderr)
    if errors:
        print("book: %d of %d code lines and quotes do not print as written"
              % (len(errors), ncode + nquote), file=sys.stderr)
        return 1
    print("  CODE    %d code lines and %d quotes print as written" % (ncode, nquote))
    return 0


if __name__ == "__main__":
    sys.exit(main())
