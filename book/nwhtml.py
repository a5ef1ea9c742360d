#!/usr/bin/env python3
"""Make the HTML edition of the book: one page, build/html/index.html.

    python3 book/nwhtml.py --out build/html/index.html --css book/book.css \
        --macros book/html-macros.tex --bib book/book.bib \
        --chapter-map build/book/chapter-map.tex --work build/book/html FILE.nw...

noweave's HTML back end sets the code chunks, with links between chunks
and from identifiers to their definitions, and the chunk and identifier
indexes.  The documentation is LaTeX, which that back end would copy
unchanged, so this script runs noweave with itself as a filter (--mark):
the filter replaces the text of every documentation chunk by a marker and
saves the LaTeX aside.  pandoc then turns all the documentation, in one
piece, into HTML, with placeholders where the code chunks go, and the
script puts the pieces together.  Figures are the SVG files that book.mk
makes from figures/*.tex; references to figures, tables and chapters are
numbered as in the PDF.
"""
import argparse
import html
import json
import os
import re
import subprocess
import sys


# ---------------------------------------------------------------- filter
def mark(docs_path):
    """noweb filter: replace documentation by markers, save its LaTeX."""
    data = sys.stdin.read().split("\n")
    out, docs, i, nq = [], [], 0, 0
    while i < len(data):
        tok = data[i]
        if not tok.startswith("@begin docs "):
            out.append(tok)
            i += 1
            continue
        n = int(tok.split()[2])
        out.append(tok)
        out.append("@text <!--NWDOC %d-->" % n)
        text, i = [], i + 1
        while i < len(data) and not data[i].startswith("@end docs "):
            t = data[i]
            if t == "@quote":
                out.append("@text <!--NWQ %d-->" % nq)
                while i < len(data) and data[i] != "@endquote":
                    out.append(data[i])
                    i += 1
                out.append("@endquote")
                out.append("@text <!--/NWQ %d-->" % nq)
                text.append("NWQ%dZ" % nq)
                nq += 1
            elif t.startswith("@text "):
                text.append(t[6:])
            elif t == "@nl":
                text.append("\n")
            else:
                out.append(t)
            i += 1
        if i < len(data):
            out.append(data[i])     # @end docs
        i += 1
        docs.append([n, "".join(text)])
    with open(docs_path, "w", encoding="utf-8") as f:
        json.dump(docs, f)
    sys.stdout.write("\n".join(out))


# ---------------------------------------------------------------- numbering
def number_references(tex):
    """Replace \\ref by numbers as the PDF has them, and number captions."""
    labels = {}
    chapter, appendix, in_main = None, False, False
    fig = tab = 0
    pos = 0
    events = re.finditer(r"\\(chapter\*?|appendix|mainmatter|backmatter|"
                         r"begin\{(figure|table|longtable)\}|label)\b"
                         r"(?:\{([^}]*)\})?", tex)
    current = None   # kind of float whose label comes next
    overview = True
    for m in events:
        cmd = m.group(1)
        if cmd == "mainmatter":
            in_main = True
        elif cmd == "appendix":
            appendix, chapter = True, 0
        elif cmd == "chapter*":
            fig = tab = 0
            current = None
        elif cmd == "chapter":
            if appendix:
                chapter += 1
            else:
                chapter = 0 if overview else chapter + 1
                overview = False
            fig = tab = 0
            current = "chapter"
        elif cmd.startswith("begin"):
            kind = m.group(2)
            if kind == "figure":
                fig += 1
                current = "figure"
            else:
                tab += 1
                current = "table"
        elif cmd == "label" and m.group(3):
            label = m.group(3)
            if chapter is None:
                prefix = ""
            elif appendix:
                prefix = chr(ord("A") + chapter - 1) + "."
            else:
                prefix = "%d." % chapter
            if current == "chapter":
                labels[label] = prefix.rstrip(".") if chapter is not None else ""
                current = None
            elif current == "figure":
                labels[label] = prefix + str(fig)
            elif current == "table":
                labels[label] = prefix + str(tab)
        pos = m.end()

    for name, word in (("chapref", "Chapter"), ("figref", "Figure"),
                       ("tabref", "Table"), ("secref", "Section")):
        tex = re.sub(r"\\%s\{([^}]*)\}" % name, r"%s~\\ref{\1}" % word, tex)

    def ref(m):
        label = m.group(1)
        return r"\hyperref[%s]{%s}" % (label, labels.get(label, "?"))
    tex = re.sub(r"\\ref\*?\{([^}]*)\}", ref, tex)
    tex = re.sub(r"\\pageref\*?\{[^}]*\}", "", tex)
    return tex


def prepare_latex(docs, code_after, macros, chapter_map_html):
    parts = []
    for n, text in docs:
        parts.append(text)
        if n in code_after:
            parts.append("\n\nNWCODE%dZ\n\n" % n)
    tex = "".join(parts)
    m = re.search(r"^\\begin\{document\}", tex, flags=re.M)
    if m:
        tex = tex[m.end():]
    tex = tex.replace("\\end{document}", "")
    tex = re.sub(r"\\begin\{titlepage\}.*?\\end\{titlepage\}", "", tex, flags=re.S)
    # pandoc drops the labels of a description list that has enumitem
    # options ([style=unboxed,...]); the options only matter in the PDF.
    tex = re.sub(r"\\begin\{description\}\[[^\]]*\]", r"\\begin{description}", tex)
    tex = re.sub(r"\\input\{figures/([^}]*?)(\.tex)?\}",
                 r"\\includegraphics{figures/\1.svg}", tex)
    tex = re.sub(r"\\input\{build/book/chapter-map\.tex\}", "\n\nNWCHAPTERMAPZ\n\n", tex)
    tex = tex.replace("\\nowebchunks", "\n\nNWCHUNKSZ\n\n")
    tex = tex.replace("\\nowebindex", "\n\nNWINDEXZ\n\n")
    tex = re.sub(r"\\bibliography\{[^}]*\}", "", tex)
    tex = number_references(tex)
    return macros + "\n" + tex


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mark")
    ap.add_argument("--out")
    ap.add_argument("--css")
    ap.add_argument("--macros")
    ap.add_argument("--bib")
    ap.add_argument("--chapter-map")
    ap.add_argument("--work")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.mark:
        mark(a.mark)
        return 0

    os.makedirs(a.work, exist_ok=True)
    docs_path = os.path.join(a.work, "docs.json")
    here = os.path.dirname(os.path.abspath(__file__))
    cmd = ["noweave", "-html",
           "-filter", "python3 %s/cdefs.py" % here, "-index",
           "-filter", "python3 %s/ixsort.py" % here,
           "-filter", "python3 %s/nwhtml.py --mark %s" % (here, docs_path)] + a.files
    woven = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    # The index names tags `struct page': no space in an anchor's name.
    woven = re.sub(r"(NWI-(?:struct|union|enum)) ", r"\1-", woven)
    with open(os.path.join(a.work, "woven.html"), "w") as f:
        f.write(woven)
    with open(docs_path, encoding="utf-8") as f:
        docs = json.load(f)

    # The quoted code, as tohtml set it.
    quotes = {}
    def take_quote(m):
        quotes[int(m.group(1))] = m.group(2)
        return ""
    woven = re.sub(r"<!--NWQ (\d+)-->(.*?)<!--/NWQ \1-->", take_quote, woven, flags=re.S)
    # Anchors that tohtml put around the start of a documentation chunk.
    woven = re.sub(r'<a name="([^"]*)"><!--NWDOC (\d+)--></a>',
                   r'<!--NWDOC \2--><a id="\1"></a>', woven)
    pieces = re.split(r"<!--NWDOC (\d+)-->", woven)
    code_after, tail = {}, ""
    for k in range(1, len(pieces), 2):
        n, seg = int(pieces[k]), pieces[k + 1]
        if k + 2 >= len(pieces):          # after the last documentation
            cut = seg.find("<ul>")
            if cut >= 0:
                seg, tail = seg[:cut], seg[cut:]
        seg = re.sub(r"</?body>|</?html>", "", seg)
        if "<pre>" in seg or 'id="' in seg or 'name="' in seg:
            code_after[n] = seg
    lists = re.findall(r"<ul>.*?</ul>", tail, flags=re.S)
    chunks_html = lists[0] if lists else ""
    index_html = lists[1] if len(lists) > 1 else ""

    with open(a.macros, encoding="utf-8") as f:
        macros = f.read()
    chapter_map = subprocess.run(
        ["python3", os.path.join(here, "chapter-map.py"), "--html"] + a.files,
        check=True, capture_output=True, text=True).stdout
    tex = prepare_latex(docs, code_after, macros, chapter_map)
    tex_path = os.path.join(a.work, "docs.tex")
    with open(tex_path, "w", encoding="utf-8") as f:
        f.write(tex)

    pandoc = ["pandoc", "-f", "latex", "-t", "html5", "--standalone", "--toc",
              "--toc-depth=2", "--citeproc", "--bibliography", a.bib,
              "--metadata", "title=Memory Management, Line by Line",
              "--metadata", "subtitle=A literate AArch64 kernel",
              "--metadata", "link-citations=true",
              "--css", "book.css", tex_path]
    page = subprocess.run(pandoc, check=True, capture_output=True, text=True).stdout

    def code(m):
        return '<div class="nwchunk">%s</div>' % code_after.get(int(m.group(1)), "")
    page = re.sub(r"<p>NWCODE(\d+)Z</p>", code, page)
    page = re.sub(r"NWCODE(\d+)Z", code, page)
    page = re.sub(r"NWQ(\d+)Z", lambda m: quotes.get(int(m.group(1)), ""), page)
    page = re.sub(r"<p>NWCHUNKSZ</p>", '<div class="nwindex">%s</div>' % chunks_html, page)
    page = re.sub(r"<p>NWINDEXZ</p>", '<div class="nwindex">%s</div>' % index_html, page)
    page = re.sub(r"<p>NWCHAPTERMAPZ</p>", chapter_map, page)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
