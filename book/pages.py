#!/usr/bin/env python3
"""Print how many pages each chapter and appendix of the book takes.

    python3 book/pages.py [--sections] [build/book.pdf [build/book/book.toc]]

The table of contents (book.toc) gives the chapters, appendices and their
sections with the names of their hyperref anchors; `pdfinfo -dests' gives
the physical page of each anchor, and `pdfinfo' the number of pages.  A
chapter runs from its first page to the page before the next chapter,
part or index begins.  For each numbered chapter the pages of its Testing
section are printed too, since the book's rule (book/front.nw,
Conventions) is about a chapter's length and what its Testing section
keeps.  Lengths are in physical pages, blank pages before a new chapter
included.  With --sections, each numbered section's length is printed
under its chapter.
"""
import re
import subprocess
import sys


def dests(pdf):
    out = subprocess.run(["pdfinfo", "-dests", pdf], capture_output=True,
                         text=True, check=True).stdout
    pages = {}
    for line in out.splitlines():
        m = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if m:
            pages[m.group(2)] = int(m.group(1))
    return pages


def page_count(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def plain(title):
    title = re.sub(r"\\numberline\s*\{([^}]*)\}", r"\1 ", title)
    title = re.sub(r"\\hspace\s*\{[^}]*\}", " ", title)
    title = re.sub(r"\\[a-zA-Z@]+\s*", "", title)
    return re.sub(r"[{}]", "", title).strip()


def entries(toc):
    # \contentsline {chapter}{\numberline {0}Title}{7}{chapter.0}%
    pat = re.compile(r"\\contentsline\s*\{(part|chapter|section)\}"
                     r"\{(.*)\}\{([^{}]*)\}\{([^{}]*)\}%?\s*$")
    with open(toc, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pat.match(line.strip())
            if m:
                yield m.group(1), plain(m.group(2)), m.group(4)


def main():
    args = sys.argv[1:]
    sections = "--sections" in args
    args = [a for a in args if a != "--sections"]
    pdf = args[0] if args else "build/book.pdf"
    toc = args[1] if len(args) > 1 else "build/book/book.toc"
    where, total = dests(pdf), page_count(pdf)
    tops = []          # [kind, title, first page, Testing's first page, next section's, sections]
    for kind, title, anchor in entries(toc):
        page = where.get(anchor)
        if page is None:
            continue
        if kind in ("part", "chapter"):
            tops.append([kind, title, page, None, None, []])
        elif tops and tops[-1][0] == "chapter":
            tops[-1][5].append((title, page))
            if tops[-1][3] is not None and tops[-1][4] is None:
                tops[-1][4] = page          # the section after Testing
            if re.match(r"[0-9A-Z]+\.\d+ Testing$", title):
                tops[-1][3] = page
    print("%5s %6s  %s" % ("pages", "tests", "chapter or appendix"))
    for i, (kind, title, first, test, after, secs) in enumerate(tops):
        end = tops[i + 1][2] if i + 1 < len(tops) else total + 1
        if kind == "part":
            print("%5s %6s  %s" % ("", "", title))
            continue
        tests = ""
        if test is not None:
            tests = "%d" % ((after or end) - test)
        print("%5d %6s  %s" % (end - first, tests, title))
        if sections:
            for k, (name, page) in enumerate(secs):
                stop = secs[k + 1][1] if k + 1 < len(secs) else end
                print("%5s %6.1f      %s" % ("", stop - page, name))
    print("%5d %6s  %s" % (total, "", "the whole book"))


if __name__ == "__main__":
    main()
