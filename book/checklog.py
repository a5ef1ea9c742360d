#!/usr/bin/env python3
"""Check the LaTeX run of the book after its last pass.

    python3 book/checklog.py build/book/book.tex build/book/book.log [book.blg]

Fails (exit status 1) when
  * a reference, citation or hyperlink target is undefined,
  * a chunk is used but never defined (noweb typesets it as "never defined"),
  * a line of code is wider than the page (an overfull box inside a chunk);
and warns about overfull lines in the prose.  Every message names the noweb
file and line it comes from, worked out from the \\nwfilename marks that
noweave leaves in book.tex.
"""
import re
import sys


def source_map(tex_lines):
    """Return a function from a line of book.tex to 'file:line'."""
    marks = []  # (line in book.tex where the file starts, file name)
    for n, text in enumerate(tex_lines, 1):
        for m in re.finditer(r"\\nwfilename\{([^}]*)\}", text):
            marks.append((n, m.group(1)))

    def where(line):
        start, name = 1, "book.tex"
        for s, f in marks:
            if s <= line:
                start, name = s, f
        if name == "book.tex":
            return "book.tex:%d" % line
        return "%s:%d" % (name, line - start + 1)

    return where


def code_regions(tex_lines):
    """Lines of book.tex that belong to code chunks, and the chunk of each."""
    in_code, chunk = {}, None
    for n, text in enumerate(tex_lines, 1):
        if "\\nwbegincode{" in text:
            m = re.search(r"\\moddef\{(.*?)~\{\\nwtagstyle", text)
            chunk = m.group(1) if m else "?"
        if chunk is not None:
            in_code[n] = chunk
        if "\\nwendcode{}" in text:
            chunk = None
    return in_code


def overfull_boxes(log_text):
    """Yield (amount, first line, last line, box contents) for each overfull hbox."""
    pat = re.compile(r"^Overfull \\hbox \(([0-9.]+)pt too wide\) "
                     r"(?:in paragraph at lines (\d+)--(\d+)|"
                     r"in alignment at lines (\d+)--(\d+)|"
                     r"detected at line (\d+))", re.M)
    for m in pat.finditer(log_text):
        amount = float(m.group(1))
        nums = [int(g) for g in m.groups()[1:] if g]
        first, last = nums[0], nums[-1]
        rest = log_text[m.end():m.end() + 2000]
        box = rest.split("\n\n", 1)[0].strip()
        yield amount, first, last, box


def main():
    tex_name, log_name = sys.argv[1], sys.argv[2]
    blg_name = sys.argv[3] if len(sys.argv) > 3 else None
    with open(tex_name, encoding="utf-8", errors="replace") as f:
        tex_lines = f.read().split("\n")
    with open(log_name, encoding="utf-8", errors="replace") as f:
        log = f.read()
    # TeX breaks log lines at 79 characters; join them back for matching.
    log_joined = re.sub(r"(?m)^(.{79})\n", r"\1", log)
    where = source_map(tex_lines)
    errors, warnings = [], []

    for m in re.finditer(r"(?:LaTeX|Package natbib) Warning: (Reference|Citation|"
                         r"Hyper reference) `([^']*)' on page (\S+) undefined"
                         r"(?: on input line (\d+))?", log_joined):
        kind, key, page, line = m.groups()
        loc = where(int(line)) if line else "page " + page
        errors.append("%s: undefined %s `%s'" % (loc, kind.lower(), key))
    for m in re.finditer(r"pdfTeX warning \(dest\): name\{([^}]*)\} has been "
                         r"referenced but does not exist", log_joined):
        msg = "book.pdf: a link points to `%s', which does not exist" % m.group(1)
        # noweb occasionally emits a link with an empty label (a known,
        # harmless quirk: the link goes nowhere); report it, don't fail.
        (warnings if m.group(1) == "noweb." else errors).append(msg)
    if re.search(r"There were undefined (references|citations)", log_joined) \
            and not any("undefined" in e for e in errors):
        errors.append("book.log: LaTeX reports undefined references or citations")
    if "Label(s) may have changed" in log_joined:
        warnings.append("book.log: labels changed in the last pass; rerun")

    for n, text in enumerate(tex_lines, 1):
        for m in re.finditer(r"\\LA\{\}(.*?)~\{\\nwtagstyle\{\}\\subpageref\{nw@notdef\}\}",
                             text):
            errors.append("%s: chunk <<%s>> is used but never defined"
                          % (where(n), m.group(1)))

    if blg_name:
        try:
            with open(blg_name, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if "I didn't find a database entry" in line:
                        errors.append("bibtex: " + line.strip())
        except OSError:
            pass

    in_code = code_regions(tex_lines)
    for amount, first, last, box in overfull_boxes(log_joined):
        chunk = next((in_code[n] for n in range(first, last + 1) if n in in_code), None)
        text = re.sub(r"\\T1/[a-z0-9]+/[a-z]+/[a-z]+/[0-9.]+ ", "", box)
        text = re.sub(r"\s+", " ", text)[:100]
        if chunk is not None and "/mmtt/" in box:
            errors.append("%s: code line %.1fpt too wide in <<%s>>: %s"
                          % (where(first), amount, chunk, text))
        elif amount > 0.5:
            warnings.append("%s: overfull line (%.1fpt too wide): %s"
                            % (where(first), amount, text))

    for w in warnings:
        print("book: warning: " + w, file=sys.stderr)
    for e in errors:
        print("book: error: " + e, file=sys.stderr)
    if errors:
        print("book: %d error(s); see %s" % (len(errors), log_name), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
