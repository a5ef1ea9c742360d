#!/usr/bin/env python3
"""Write the overview's map of the chapters, computed from the sources.

    python3 book/chapter-map.py [--html] FILE.nw...

For each chapter among the files (boot/boot.nw and chapters/NN-*.nw), the
map gives its stage, its title (from its \\chapter line), the Linux 6.6
files it corresponds to, and the chunks of earlier stages that it
extends: the hooks through which the stages are chained.  The appendices
of stage NN (appendices/NN-*.nw, appendices/tests/NN-*.nw) count as part
of that stage, in the order the Makefile tangles them: each chapter, then
the appendices of its stage.  The output is a
LaTeX longtable (or, with --html, an HTML table) that the overview inputs.
"""
import html
import os
import re
import sys

# Linux 6.6 counterparts of each stage (DESIGN.md, section 1).
LINUX = {
    0: ["arch/arm64/kernel/head.S", "init/main.c"],
    1: ["arch/arm64/mm/mmu.c", "include/linux/pgtable.h"],
    2: ["mm/memblock.c", "mm/mm_init.c", "mm/sparse-vmemmap.c"],
    3: ["mm/page_alloc.c"],
    4: ["mm/slub.c", "mm/slab_common.c"],
    5: ["mm/vmalloc.c", "lib/rbtree.c"],
    6: ["arch/arm64/mm/fault.c", "mm/memory.c", "mm/mmap.c"],
    7: ["mm/vmscan.c", "mm/workingset.c"],
    8: ["mm/compaction.c"],
    9: ["mm/migrate.c", "mm/rmap.c"],
    10: ["mm/swapfile.c", "mm/swap_state.c", "mm/page_io.c"],
    11: ["mm/memcontrol.c", "mm/page_counter.c"],
}
# Titles of the chapters that are planned but not yet written (DESIGN.md,
# section 1); a stage with no chapter file among the sources gets a row
# marked as planned.
PLANNED = {
    4: "The slab allocator",
    5: "vmalloc",
    6: "Page faults",
    7: "Reclaim",
    8: "Compaction",
    9: "Migration",
    10: "Swap",
    11: "Memory cgroups",
}
SHOWN = 8   # hooks listed per chapter before "and N more"


def stage_of(path):
    """(stage, is the chapter itself) of a file, or (None, False)."""
    base = os.path.basename(path)
    if path.endswith("boot/boot.nw") or base == "boot.nw":
        return 0, True
    m = re.match(r"(\d\d)-.*\.nw$", base)
    if not m:
        return None, False
    appendix = "appendices" in os.path.normpath(path).split(os.sep)
    return int(m.group(1)), not appendix


def read_chapter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    title = label = None
    m = re.search(r"\\chapter(?:\[[^\]]*\])?\{((?:[^{}]|\{[^{}]*\})*)\}", text)
    if m:
        title = m.group(1).strip()
        m2 = re.match(r"\s*\\label\{([^}]*)\}", text[m.end():])
        if m2:
            label = m2.group(1)
    defs = []
    for line in text.split("\n"):
        m = re.match(r"<<(.*)>>=\s*$", line)
        if m and m.group(1) not in defs:
            defs.append(m.group(1))
    return title, label, defs


def is_file(name):
    return "/" in name or re.search(r"\.(c|h|S|lds|txt)$", name) is not None


def tex_escape(s):
    out = []
    for part in re.split(r"(\[\[.*?\]\]+)", s):
        if part.startswith("[["):
            code = part[2:-2]
            out.append(r"\texttt{" + tex_plain(code) + "}")
        else:
            out.append(tex_plain(part))
    return "".join(out)


def tex_plain(s):
    rep = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_",
           "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "^": r"\^{}",
           "~": r"\~{}"}
    return "".join(rep.get(c, c) for c in s)


def html_name(s):
    return re.sub(r"\[\[(.*?)\]\]", lambda m: "<code>%s</code>" % m.group(1),
                  html.escape(s))


def main():
    args = sys.argv[1:]
    as_html = False
    if args and args[0] == "--html":
        as_html, args = True, args[1:]
    # Each stage's files in tangling order: the chapter, then its appendices.
    stages = {}
    for path in args:
        stage, is_chapter = stage_of(path)
        if stage is None:
            continue
        chapter, appendices = stages.setdefault(stage, [None, []])
        if is_chapter:
            stages[stage][0] = path
        else:
            appendices.append(path)
    first = {}   # chunk name -> stage that first defines it
    rows = []
    for stage in sorted(stages):
        chapter, appendices = stages[stage]
        if chapter is None:
            continue
        title, label, defs = read_chapter(chapter)
        for path in appendices:
            defs += [d for d in read_chapter(path)[2] if d not in defs]
        extends = [d for d in defs if d in first and not is_file(d)]
        files = [d for d in defs if d in first and is_file(d)]
        for d in defs:
            first.setdefault(d, stage)
        rows.append((stage, title or os.path.basename(chapter), label,
                     extends, files))
    planned = [(stage, PLANNED[stage]) for stage in sorted(PLANNED)
               if stage not in stages or stages[stage][0] is None]

    if as_html:
        print('<table class="chapter-map" id="tab:chapters">')
        print("<thead><tr><th>Stage</th><th>Chapter</th><th>Linux 6.6</th>"
              "<th>Extends</th></tr></thead><tbody>")
        for stage, title, label, extends, files in rows:
            hooks = ", ".join("&#x27E8;<i>%s</i>&#x27E9;" % html_name(h) for h in extends)
            if files:
                hooks += ("; " if hooks else "") + "adds to %d earlier file%s" % (
                    len(files), "" if len(files) == 1 else "s")
            print("<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
                stage, html.escape(re.sub(r"\\[a-zA-Z]+\{?|[{}]", "", title)),
                "<br>".join("<code>%s</code>" % f for f in LINUX.get(stage, [])),
                hooks or "&#8212;"))
        for stage, title in planned:
            print("<tr><td>%d</td><td>%s (planned)</td><td>%s</td><td>"
                  "not yet written</td></tr>" % (
                      stage, html.escape(title),
                      "<br>".join("<code>%s</code>" % f for f in LINUX.get(stage, []))))
        print("</tbody></table>")
        return

    print(r"% Generated by book/chapter-map.py from the noweb sources; do not edit.")
    print(r"\begingroup\small")
    print(r"\begin{longtable}{@{}c>{\raggedright}p{3.4cm}>{\raggedright}p{4.4cm}"
          r">{\raggedright\arraybackslash}p{\dimexpr\linewidth-9.6cm-6\tabcolsep\relax}@{}}")
    print(r"\caption{The chapters, written and planned, their Linux counterparts,"
          r" and the chunks of earlier chapters that each written one extends.}"
          r"\label{tab:chapters}\\")
    print(r"\toprule Stage & Chapter & Linux 6.6 & Extends \\ \midrule\endfirsthead")
    print(r"\toprule Stage & Chapter & Linux 6.6 & Extends \\ \midrule\endhead")
    print(r"\bottomrule\endfoot")
    for stage, title, label, extends, files in rows:
        name = (r"\hyperref[%s]{%s}" % (label, title)) if label else title
        linux = r"\newline ".join(r"\file{%s}" % f for f in LINUX.get(stage, []))
        shown = extends[:SHOWN]
        # \\hook is an unbreakable box; in this narrow column a name may break.
        hooks = ", ".join(r"{\normalfont$\langle$\textit{%s}\/$\rangle$}" % tex_escape(h)
                          for h in shown)
        if len(extends) > SHOWN:
            hooks += ", and %d more" % (len(extends) - SHOWN)
        if files:
            hooks += ("; " if hooks else "") + "adds to %d earlier file%s" % (
                len(files), "" if len(files) == 1 else "s")
        print(r"%d & %s & %s & %s \\" % (stage, name, linux, hooks or "---"))
        print(r"\addlinespace[2pt]")
    for stage, title in planned:
        linux = r"\newline ".join(r"\file{%s}" % f for f in LINUX.get(stage, []))
        print(r"%d & %s \emph{(planned)} & %s & not yet written \\" % (
            stage, tex_plain(title), linux))
        print(r"\addlinespace[2pt]")
    print(r"\end{longtable}")
    print(r"\endgroup")


if __name__ == "__main__":
    main()
