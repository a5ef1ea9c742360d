#!/usr/bin/env python3
"""book/bookparts.py: the pieces of the fast book build (see book/book.mk).

    bookparts.py figures GROUP DIR FIGURE.tex...
        Write DIR/GROUP.tex: a document with the book's preamble
        (preamble.tex, found through TEXINPUTS) that draws each figure on a
        page of its own, cut to the figure's size, and writes
        DIR/GROUP.dims: per figure its page, width, height, depth and the
        font and line width it was drawn with.

    bookparts.py wrappers GROUP DIR TOP
        From DIR/GROUP.dims, write DIR/figures/NAME.tex for each figure: it
        includes the figure's page of DIR/GROUP.pdf in a box of exactly the
        figure's size, or inputs TOP/figures/NAME.tex where the surrounding
        font or line width is not the one the page was drawn with.

    bookparts.py chapter N NW BOOK.tex BOOK.aux OUT.tex
        Write OUT.tex: the book's preamble, then the part of BOOK.tex woven
        from NW (chapter N), numbered as chapter N and starting on the page
        where the last full build (BOOK.aux) put it.
"""
import os
import re
import sys

# What a figure's drawing may depend on, around it: the font, the line
# width and the paragraph settings (a node with a text width sets a
# paragraph).  A figure is drawn as in a figure environment after
# \centering, and included only where all of this is the same.
CONTEXT = (r'\f@encoding/\f@family/\f@series/\f@shape/\f@size/\the\baselineskip/'
           r'\the\linewidth/\the\hsize/\the\leftskip/\the\rightskip/\the\parfillskip/'
           r'\the\parindent/\the\tolerance/\the\pretolerance/\the\emergencystretch/'
           r'\the\hyphenpenalty/\the\exhyphenpenalty/\the\finalhyphendemerits/'
           r'\the\lineskip/\the\lineskiplimit')


def figures(group, folder, files):
    names = [os.path.splitext(os.path.basename(f))[0] for f in files]
    out = [r'\input{preamble}',
           r'\makeatletter',
           r'\newwrite\mmfig@dims',
           # The figure in a box, without the glue that ends it (the space
           # of the file's last line end), which the book gets back beside
           # the included page.  The page is the box, its depth turned
           # into height.
           r'\def\mmfig@one#1{\begingroup\hsize\columnwidth\@parboxrestore\@floatboxreset\centering',
           r'  \setbox0=\hbox{\input{figures/#1.tex}\xdef\mmfig@skip{\the\lastskip}\unskip}%',
           r'  \immediate\write\mmfig@dims{#1|\the\c@page|\the\wd0|\the\ht0|\the\dp0|'
           r'\mmfig@skip|' + CONTEXT + '}%',
           r'  \setbox0=\hbox{\raise\dp0\box0}%',
           r'  {\pdfpagewidth=\wd0 \pdfpageheight=\ht0 \hoffset=-1in \voffset=-1in',
           r'   \shipout\box0}\global\advance\c@page\@ne\endgroup}',
           r'\begin{document}',
           r'\immediate\openout\mmfig@dims=%s.dims' % group,
           r'\setcounter{page}{1}']
    out += [r'\mmfig@one{%s}' % n for n in names]
    out += [r'\immediate\closeout\mmfig@dims', r'\end{document}']
    with open(os.path.join(folder, group + '.tex'), 'w') as f:
        f.write('\n'.join(out) + '\n')


def wrappers(group, folder, top):
    pdf = os.path.abspath(os.path.join(folder, group + '.pdf'))
    os.makedirs(os.path.join(folder, 'figures'), exist_ok=True)
    with open(os.path.join(folder, group + '.dims')) as f:
        for line in f:
            name, page, wd, ht, dp, skip, context = line.rstrip('\n').split('|', 6)
            # the glue after the figure, as the file left it (its last
            # line end is a space), so that the line is the same
            after = '' if skip == '0.0pt' else r'\hskip %s\relax' % skip
            src = os.path.join(top, 'figures', name + '.tex')
            text = [
                '%% Written by book/bookparts.py: figures/%s.tex, drawn once.' % name,
                r'\begingroup\makeatletter',
                r'\ifnum\pdfstrcmp{' + CONTEXT + '}{%s}=0' % context,
                r'  \def\mmfig@next{\raisebox{-%s}[%s][%s]{\makebox[%s][l]{%%' % (dp, ht, dp, wd),
                r'    \includegraphics[page=%s]{%s}}}%s}%%' % (page, pdf, after),
                r'\else',
                r'  \def\mmfig@next{\input{%s}}%%' % src,
                r'\fi',
                r'\expandafter\endgroup\mmfig@next%']
            with open(os.path.join(folder, 'figures', name + '.tex'), 'w') as g:
                g.write('\n'.join(text) + '\n')


def chapter(n, nw, book_tex, book_aux, out):
    with open(book_tex, encoding='utf-8', errors='surrogateescape') as f:
        text = f.read()
    begin = text.index('\n\\begin{document}\n') + 1
    preamble = text[:begin]
    mark = '\\nwfilename{%s}' % nw
    start = text.find(mark)
    if start < 0:
        sys.exit('bookparts: %s is not in %s' % (nw, book_tex))
    end = text.find('\\nwfilename{', start + len(mark))
    part = text[start:end if end >= 0 else len(text)]
    if end < 0:
        part = part.replace('\\end{document}', '')
    page = None
    if os.path.exists(book_aux):
        with open(book_aux, encoding='utf-8', errors='surrogateescape') as f:
            m = re.search(r'\\contentsline \{chapter\}\{\\numberline \{%d\}.*?\}'
                          r'\{([^{}]*)\}\{chapter\.%d\}' % (n, n), f.read())
            if m:
                page = m.group(1)
    body = ['\\begin{document}', '\\mainmatter', '\\setcounter{chapter}{%d}' % (n - 1)]
    if page and page.isdigit():
        body.append('\\setcounter{page}{%s}' % page)
    with open(out, 'w', encoding='utf-8', errors='surrogateescape') as f:
        # one line for the set-up, so that the chapter's lines keep the
        # numbers that book/checklog.py maps back to the .nw file
        f.write(preamble + ''.join(body) + '%\n' + part + '\n\\end{document}\n')


def main(argv):
    if len(argv) >= 4 and argv[1] == 'figures':
        figures(argv[2], argv[3], argv[4:])
    elif len(argv) == 5 and argv[1] == 'wrappers':
        wrappers(argv[2], argv[3], argv[4])
    elif len(argv) == 7 and argv[1] == 'chapter':
        chapter(int(argv[2]), argv[3], argv[4], argv[5], argv[6])
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
