#!/usr/bin/env python3
"""Check the LaTeX run of the book after its last pass.

    python3 book/checklog.py build/book/book.tex build/book/book.log [book.blg]

Fails (exit status 1) when
  * a reference, citation or hyperlink target is undefined,
  * a chunk is used but never defined (noweb typesets it as "never defined"),
  * a line of code is wider than the page (an overfull box inside a chunk),
  * any other box is overfull by more than 1pt: a line of prose, a table, a
    caption wider than the text, or a page taller than the text block;
and warns about a figure or table that lands more than one page after the
page of its first reference (the preamble writes each reference's page to
the .aux file as \\mmrefpage{label}{page}).  Every message names the noweb
file and line it comes from, worked out from the \\nwfilename marks that
noweave leaves in book.tex, or the file that TeX was reading (a figure, the
chapter map), or the page.
"""
import os
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


FILE_OPEN = re.compile(r"\(((?:/|\./|\.\./)?[\w.-]+(?:/[\w.-]+)*\.\w+)")


def log_positions(log_text):
    """For each offset of the log: the file TeX was reading and the last page
    shipped out, as two functions of the offset."""
    marks = []            # (offset, file on top of the stack, pages shipped)
    stack, page = [], 0
    pos = 0
    token = re.compile(r"\(|\)|\[(\d+)(?=[\]\s{<])")
    for m in token.finditer(log_text):
        t = m.group(0)
        if t == "(":
            f = FILE_OPEN.match(log_text, m.start())
            stack.append(f.group(1) if f else None)
        elif t == ")":
            if stack:
                stack.pop()
        else:
            page = int(m.group(1))
        top = next((f for f in reversed(stack) if f), "book.tex")
        marks.append((m.end(), top, page))
        pos = m.end()

    offsets = [o for o, _, _ in marks]

    def at(offset):
        import bisect
        i = bisect.bisect_right(offsets, offset) - 1
        return marks[i][1:] if i >= 0 else ("book.tex", 0)

    return at


def overfull_boxes(log_text):
    """Yield (kind, amount, first line, last line, box contents, offset) for
    each overfull box; kind is 'hbox' or 'vbox', the lines None for a page."""
    pat = re.compile(r"^Overfull \\([hv]box) \(([0-9.]+)pt too (?:wide|high)\) "
                     r"(?:in paragraph at lines (\d+)--(\d+)|"
                     r"in alignment at lines (\d+)--(\d+)|"
                     r"detected at line (\d+)|"
                     r"(has occurred while \\output is active))", re.M)
    for m in pat.finditer(log_text):
        kind, amount = m.group(1), float(m.group(2))
        nums = [int(g) for g in m.groups()[2:7] if g]
        first, last = (nums[0], nums[-1]) if nums else (None, None)
        rest = log_text[m.end():m.end() + 2000]
        box = rest.split("\n\n", 1)[0].strip()
        yield kind, amount, first, last, box, m.start()


def float_distances(aux_text):
    """Yield (label, number, page of the float, page of its first reference)
    for each figure and table that is referenced."""
    labels = {}
    for m in re.finditer(r"\\newlabel\{((?:fig|tab):[^}]*)\}\{\{([^}]*)\}\{(\d+)\}", aux_text):
        labels[m.group(1)] = (m.group(2), int(m.group(3)))
    first = {}
    for m in re.finditer(r"\\mmrefpage\{((?:fig|tab):[^}]*)\}\{(\d+)\}", aux_text):
        first.setdefault(m.group(1), int(m.group(2)))
    for label, page in first.items():
        if label in labels:
            yield label, labels[label][0], labels[label][1], page


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
    position = log_positions(log_joined)
    for kind, amount, first, last, box, offset in overfull_boxes(log_joined):
        infile, shipped = position(offset)
        text = re.sub(r"\\T1/[a-z0-9]+/[a-z]+/[a-z]+/[0-9.]+ ", "", box)
        text = re.sub(r"\s+", " ", text)[:100]
        if kind == "vbox":
            if amount > 1.0:
                errors.append("page %d: the page is %.1fpt taller than the text block"
                              " (a table or box that does not fit)" % (shipped + 1, amount))
            continue
        if os.path.basename(infile) != "book.tex":
            # TeX was reading another file: a figure, the chapter map.
            loc = "%s:%d" % (os.path.relpath(infile), last)
            chunk = None
        else:
            # "lines 49--11686": the paragraph began in another file (a
            # figure's) and ended here.
            loc = where(first)
            if loc.startswith("book.tex:"):
                loc = where(last)
            chunk = next((in_code[n] for n in range(first, last + 1) if n in in_code),
                         None)
        if chunk is not None and "/mmtt/" in box:
            errors.append("%s: code line %.1fpt too wide in <<%s>>: %s"
                          % (loc, amount, chunk, text))
        elif amount > 1.0:
            errors.append("%s: overfull line, %.1fpt too wide (page %d): %s"
                          % (loc, amount, shipped + 1, text))

    aux_name = re.sub(r"\.log$", ".aux", log_name)
    try:
        with open(aux_name, encoding="utf-8", errors="replace") as f:
            aux = f.read()
    except OSError:
        aux = ""
    for label, number, page, ref in float_distances(aux):
        if page > ref + 1:
            warnings.append("%s %s (%s) is on page %d, %d pages after its first "
                            "reference on page %d" % ("Figure" if label.startswith("fig")
                                                     else "Table", number, label, page,
                                                     page - ref, ref))

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
