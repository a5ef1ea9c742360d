# book/book.mk -- build the book.  Included by the top Makefile:
#
#     BOOK_NW := book/front.nw boot/boot.nw $(CHAPTERS) book/appendices.nw \
#                $(APPENDICES) $(TEST_APPS) book/glossary.nw book/back.nw
#     -include book/book.mk
#
# Targets:  pdf  -> build/book.pdf        html -> build/html/index.html
#
# Variables it reads:
#   BOOK_NW     (required) the noweb files of the book, in reading order.
#   BOOK_DEPS   (optional) further prerequisites of both editions, typically
#               the measured data files under build/figures/ and the rule
#               that makes them; leave empty to build the book without them.
#
# How the book is made.  One `noweave -delay -index' run over
# all of BOOK_NW writes build/book/book.tex, so chunk cross-references and
# the identifier index span the whole book.  latexmk then runs pdflatex and
# bibtex in build/book until the cross-references settle, and the log is
# checked by book/checklog.py: the build fails on an undefined reference or
# citation, on a chunk that is used but never defined, and on a line of code
# wider than the page; it warns about other overfull lines.
#
# CONVENTIONS FOR CHAPTERS
#
# * Each chapter file starts with \chapter{Title} and, right after it,
#   \label{chap:NAME} (NAME as in the file name, as boot/boot.nw does with
#   chap:boot).  The overview's chapter map takes the title and the label
#   from there.  The boot chapter is Chapter 0, so Chapter N is stage N.
# * Quoted code ([[...]]) may be used in captions and section titles.
#   book/cdefs.py finds what a chunk defines (functions, variables, macros,
#   typedefs, tags as `struct page', enum constants, assembler labels,
#   linker-script symbols); an identifier it misses can be declared with
#   noweb's `@ %def name' line after its chunk.
# * The subject index: \index{term}% on a line of its own, right before the
#   paragraph that explains the term (book/mmindex.sty).  A term that a
#   chapter uses before it explains it goes in the glossary
#   (book/glossary.nw); a passage that needs several such terms at once
#   may open with a termsbox that defines them in a line each.
#
# * A figure drawn with TikZ lives in figures/NAME.tex and holds only the
#   tikzpicture (no figure environment, no caption).  The chapter places it:
#
#       \begin{figure}[tbp]
#         \centering
#         \input{figures/NAME.tex}
#         \caption{...}\label{fig:NAME}
#       \end{figure}
#
#   LaTeX runs in build/book with TEXINPUTS set to the top of the
#   repository and to book/, so paths are written from the top of the
#   repository.  A figure may use what book/mmfigures.sty provides (TikZ
#   libraries, pgfplots, the mm... colours and mm/... styles) and nothing
#   else from the preamble: the HTML edition draws each figures/*.tex on its
#   own with that package alone and shows it as an SVG image.
#
# * Data that a running stage prints (`make figures') goes to
#   build/figures/NAME.dat, a whitespace-separated table with a header line,
#   and is plotted by a figure file with pgfplots, again with a path from
#   the top of the repository:
#
#       \addplot table[x=order, y=free] {build/figures/NAME.dat};
#
#   The chapter wraps such a figure in \IfMeasured so that a book built
#   before the data exists shows a note instead of failing:
#
#       \IfMeasured{build/figures/NAME.dat}{\input{figures/NAME.tex}}
#
#   To have `make pdf' make the data first, the top Makefile adds the data
#   files to BOOK_DEPS and gives the rule that makes them.
#
# * Part II.  appendices/NN-name.nw is machinery that is not memory
#   management, first tangled in stage NN; appendices/tests/NN-name.nw is
#   chapter NN's complete test suites.  Each starts with \chapter{Title}
#   and \label{app:NAME}.  A chapter is about 60 pages, none over 70
#   (book/front.nw, Conventions); `python3 book/pages.py [--sections]'
#   prints the pages of every chapter and appendix of build/book.pdf.
# * The bibliography is book/book.bib; cite with \cite{key} or \citet{key}.
# * Code lines are at most 100 columns with 8-column tabs.

BOOK_NW   ?=
BOOK_DEPS ?=

BOOK_DIR      := build/book
BOOK_HTML_DIR := build/html
BOOK_FIGURES  := $(sort $(wildcard figures/*.tex))
BOOK_SUPPORT  := book/mmfigures.sty book/mmfonts.sty book/mmindex.sty book/book.bib \
		 book/checklog.py book/checkcode.py book/book.mk book/ttquotes.py
BOOK_TEXINPUTS := $(CURDIR):$(CURDIR)/book:
# book/cdefs.py finds the definitions of identifiers for the index (C,
# assembler and the linker script: see the file), in place of noweb's
# -autodefs c; it must come before -index.  book/ixsort.py, after -index,
# orders the index of identifiers; book/mmindex.sty prints it.
BOOK_WEAVE    := noweave -delay -filter 'python3 book/cdefs.py --latex' \
		 -filter 'python3 book/ttquotes.py' -index \
		 -filter 'python3 book/ixsort.py'

.PHONY: pdf html book-force

# The list of woven files is a prerequisite too: adding a chapter, or
# building with another BOOK_NW, must re-weave even if no file is newer.
$(BOOK_DIR)/nwfiles: book-force
	@mkdir -p $(BOOK_DIR)
	@echo '$(BOOK_NW)' | cmp -s - $@ || echo '$(BOOK_NW)' > $@

pdf: build/book.pdf
html: $(BOOK_HTML_DIR)/index.html

# The woven book.  noweave's own messages (a chunk used but never defined,
# for instance) end the build.
$(BOOK_DIR)/book.tex: $(BOOK_NW) $(BOOK_DIR)/nwfiles book/book.mk book/cdefs.py book/ttquotes.py \
		book/ixsort.py
	@mkdir -p $(BOOK_DIR)
	@$(BOOK_WEAVE) $(BOOK_NW) > $@.tmp 2> $(BOOK_DIR)/noweave.err; \
	status=$$?; cat $(BOOK_DIR)/noweave.err >&2; \
	if [ $$status != 0 ] || [ -s $(BOOK_DIR)/noweave.err ]; then \
		echo "book: noweave failed" >&2; rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

# The map of chapters in the overview is made from the sources, so that it
# always names the chunks through which each chapter extends earlier ones.
$(BOOK_DIR)/chapter-map.tex: $(BOOK_NW) $(BOOK_DIR)/nwfiles book/chapter-map.py
	@mkdir -p $(BOOK_DIR)
	@python3 book/chapter-map.py $(BOOK_NW) > $@.tmp && mv $@.tmp $@

build/book.pdf: $(BOOK_DIR)/book.tex $(BOOK_DIR)/chapter-map.tex \
		$(BOOK_FIGURES) $(BOOK_SUPPORT) $(BOOK_DEPS)
	@echo "  LATEX   $@"
	@cd $(BOOK_DIR) && rm -f book.pdf && \
	TEXINPUTS='$(BOOK_TEXINPUTS)' BIBINPUTS='$(CURDIR)/book:' \
	BSTINPUTS='$(CURDIR)/book:' \
	latexmk -pdf -bibtex -interaction=nonstopmode -halt-on-error \
		-file-line-error book.tex > latexmk.out 2>&1; \
	status=$$?; \
	if [ $$status != 0 ]; then \
		grep -A3 -E '^(!|.*:[0-9]+: )' book.log >&2 || tail -30 latexmk.out >&2; \
		echo "book: LaTeX failed (see $(BOOK_DIR)/book.log)" >&2; exit 1; fi
	@python3 book/checklog.py $(BOOK_DIR)/book.tex $(BOOK_DIR)/book.log \
		$(BOOK_DIR)/book.blg
	@python3 book/checkcode.py $(BOOK_DIR)/book.pdf $(BOOK_NW)
	@cp $(BOOK_DIR)/book.pdf $@
	@echo "  PDF     $@ ($$(pdfinfo $@ 2>/dev/null | sed -n 's/^Pages: *//p') pages)"

# ---------------------------------------------------------------- HTML
# The HTML edition comes from the same sources: noweave's HTML back end
# sets the code chunks (with links between chunks and to the definitions
# of identifiers), pandoc turns the LaTeX of the documentation into HTML,
# and book/nwhtml.py puts the two together into one page.  Each figure in
# figures/ is drawn on its own and converted to SVG.
BOOK_SVGS := $(patsubst figures/%.tex,$(BOOK_HTML_DIR)/figures/%.svg,$(BOOK_FIGURES))

$(BOOK_HTML_DIR)/index.html: $(BOOK_NW) $(BOOK_SVGS) $(BOOK_DIR)/chapter-map.tex \
		book/nwhtml.py book/cdefs.py book/ixsort.py book/html-macros.tex \
		book/book.css book/book.bib \
		$(BOOK_DEPS)
	@echo "  HTML    $@"
	@mkdir -p $(BOOK_HTML_DIR)
	@python3 book/nwhtml.py --out $@ --css book/book.css \
		--macros book/html-macros.tex --bib book/book.bib \
		--chapter-map $(BOOK_DIR)/chapter-map.tex \
		--work $(BOOK_DIR)/html $(BOOK_NW)
	@cp book/book.css $(BOOK_HTML_DIR)/book.css

# One stand-alone document per figure: the figure alone, cropped, with the
# book's fonts and book/mmfigures.sty.
$(BOOK_HTML_DIR)/figures/%.svg: figures/%.tex book/mmfigures.sty
	@mkdir -p $(BOOK_DIR)/fig $(dir $@)
	@printf '%s\n' '\documentclass[11pt]{standalone}' \
		'\usepackage[T1]{fontenc}\usepackage{lmodern}' \
		'\renewcommand{\ttdefault}{txtt}\usepackage{amsmath,amssymb}' \
		'\usepackage{mmfigures}' \
		'\begin{document}\input{figures/$*.tex}\end{document}' \
		> $(BOOK_DIR)/fig/$*.tex
	@cd $(BOOK_DIR)/fig && TEXINPUTS='$(BOOK_TEXINPUTS)' \
		pdflatex -interaction=nonstopmode -halt-on-error $*.tex > /dev/null \
		|| { grep -A3 '^!' $*.log >&2; exit 1; }
	@pdftocairo -svg $(BOOK_DIR)/fig/$*.pdf $@
