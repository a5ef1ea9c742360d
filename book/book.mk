# book/book.mk -- build the book.  Included by the top Makefile:
#
#     BOOK_NW := book/front.nw boot/boot.nw $(CHAPTERS) book/appendices.nw \
#                $(APPENDICES) $(TEST_APPS) book/glossary.nw book/back.nw
#     -include book/book.mk
#
# Targets:  pdf   -> build/book.pdf       html -> build/html/index.html
#           pdf-N -> build/chapter-N.pdf: chapter N alone, for writing
#
# Variables it reads:
#   BOOK_NW     (required) the noweb files of the book, in reading order.
#   BOOK_DEPS   (optional) further prerequisites of both editions, typically
#               the measured data files under build/figures/ and the rule
#               that makes them; leave empty to build the book without them.
#   BOOK_CHAPTER_NUMBERS, BOOK_CHAPTER (optional) the numbers N of the
#               chapters that pdf-N typesets, and a function:
#               $(call BOOK_CHAPTER,N) is the file of chapter N.
#   PAR         (optional) -jN, for the make that builds the PDF.
#
# How the book is made.  One `noweave -delay -index' run over
# all of BOOK_NW writes build/book/book.tex, so chunk cross-references and
# the identifier index span the whole book.  latexmk then runs pdflatex and
# bibtex in build/book until the cross-references settle, and the log is
# checked by book/checklog.py: the build fails on an undefined reference or
# citation, on a chunk that is used but never defined, and on a line of code
# wider than the page; it warns about other overfull lines.
#
# What keeps it fast.  (1) Each figure is drawn once, not in every LaTeX
# pass: the figures are typeset on pages of their own, one figure a page cut
# to its size, by a document with the book's own preamble, and the book
# includes that page where it says \input{figures/NAME.tex} (a file of that
# name in build/book/ext/ comes first in TEXINPUTS; book/bookparts.py writes
# it).  Where the surrounding font or line width is not the one the page was
# drawn with, the original file is input instead.  The figures that plot
# measured data are drawn apart from the others, so that new data redraws
# only them, and a figure group that does not compile on its own falls back
# to the original files.  (2) book/nwspeed.tex, input at the end of the
# woven preamble, makes reading noweb's index lists from the .aux file
# linear instead of quadratic.  (3) `make pdf-N' typesets chapter N alone,
# in one pass, with the page numbers, chunk numbers and references of the
# last full build (its .aux file).
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
		 book/checklog.py book/checkcode.py book/book.mk book/ttquotes.py \
		 book/nwspeed.tex $(wildcard tests/mutants/ratios.tex) \
		 $(wildcard tests/bench/*.tex)
BOOK_TEXINPUTS := $(CURDIR):$(CURDIR)/book:
BOOK_EXT      := $(BOOK_DIR)/ext
BOOK_PDF_TEXINPUTS := $(CURDIR)/$(BOOK_EXT):$(BOOK_TEXINPUTS)
# The figures that plot data the running kernel measured (build/figures/).
BOOK_FIG_MEASURED := $(shell grep -l 'build/figures/' $(BOOK_FIGURES) /dev/null)
BOOK_FIG_STATIC   := $(filter-out $(BOOK_FIG_MEASURED),$(BOOK_FIGURES))
# book/cdefs.py finds the definitions of identifiers for the index (C,
# assembler and the linker script: see the file), in place of noweb's
# -autodefs c; it must come before -index.  book/ixsort.py, after -index,
# orders the index of identifiers; book/mmindex.sty prints it.
BOOK_WEAVE    := noweave -delay -filter 'python3 book/cdefs.py --latex' \
		 -filter 'python3 book/ttquotes.py' -index \
		 -filter 'python3 book/ixsort.py'

.PHONY: pdf html book-force $(addprefix pdf-,$(BOOK_CHAPTER_NUMBERS))

# The list of woven files is a prerequisite too: adding a chapter, or
# building with another BOOK_NW, must re-weave even if no file is newer.
$(BOOK_DIR)/nwfiles: book-force
	@mkdir -p $(BOOK_DIR)
	@echo '$(BOOK_NW)' | cmp -s - $@ || echo '$(BOOK_NW)' > $@

pdf:
	@$(MAKE) --no-print-directory $(PAR) build/book.pdf
html: $(BOOK_HTML_DIR)/index.html

# The woven book.  noweave's own messages (a chunk used but never defined,
# for instance) end the build, and so does a chunk longer than a printed
# page (book/chunklen.py).
$(BOOK_DIR)/book.tex: $(BOOK_NW) $(BOOK_DIR)/nwfiles book/book.mk book/cdefs.py book/ttquotes.py \
		book/ixsort.py book/chunklen.py
	@mkdir -p $(BOOK_DIR)
	@python3 book/chunklen.py $(BOOK_NW) >&2 || \
		{ echo "book: split the chunks above (no chunk longer than a page)" >&2; exit 1; }
	@$(BOOK_WEAVE) $(BOOK_NW) > $@.tmp 2> $(BOOK_DIR)/noweave.err; \
	status=$$?; cat $(BOOK_DIR)/noweave.err >&2; \
	if [ $$status != 0 ] || [ -s $(BOOK_DIR)/noweave.err ]; then \
		echo "book: noweave failed" >&2; rm -f $@.tmp; exit 1; fi
	@grep -q '^\\begin{document}$$' $@.tmp || \
		{ echo "book: no \\begin{document} line in the weave" >&2; exit 1; }
	@sed -i '0,/^\\begin{document}$$/s//\\input{nwspeed}\n&/' $@.tmp
	@mv $@.tmp $@

# The preamble alone, for the figures and pdf-N; rewritten only when it
# changed, so that a change to the text does not redraw the figures.
$(BOOK_DIR)/preamble.tex: $(BOOK_DIR)/book.tex
	@sed '/^\\begin{document}$$/,$$d' $< > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

# book_figures(group, figure files, further prerequisites): the figures of
# a group drawn on the pages of $(BOOK_EXT)/group.pdf, and the files that
# include them.
define book_figures
$(BOOK_EXT)/$(1).stamp: $(2) $(3) $(BOOK_DIR)/preamble.tex \
		book/nwspeed.tex book/mmfigures.sty book/mmfonts.sty book/bookparts.py
	@mkdir -p $(BOOK_EXT)/figures
	@rm -f $(1:%=$(BOOK_EXT)/%.dims) $(addprefix $(BOOK_EXT)/,$(2))
	@python3 book/bookparts.py figures $(1) $(BOOK_EXT) $(2)
	@cd $(BOOK_EXT) && if TEXINPUTS='$(CURDIR)/$(BOOK_DIR):$(BOOK_TEXINPUTS)' \
		pdflatex -interaction=batchmode -halt-on-error $(1).tex >/dev/null 2>&1; \
	then python3 $(CURDIR)/book/bookparts.py wrappers $(1) . $(CURDIR); \
	else echo "book: the $(1) figures do not compile on their own" \
		"(see $(BOOK_EXT)/$(1).log); the book inputs them in every pass" >&2; fi
	@touch $$@
endef
$(eval $(call book_figures,static,$(BOOK_FIG_STATIC),))
$(eval $(call book_figures,measured,$(BOOK_FIG_MEASURED),$(BOOK_DEPS)))
BOOK_EXT_STAMPS := $(BOOK_EXT)/static.stamp $(BOOK_EXT)/measured.stamp

# The map of chapters in the overview is made from the sources, so that it
# always names the chunks through which each chapter extends earlier ones.
$(BOOK_DIR)/chapter-map.tex: $(BOOK_NW) $(BOOK_DIR)/nwfiles book/chapter-map.py
	@mkdir -p $(BOOK_DIR)
	@python3 book/chapter-map.py $(BOOK_NW) > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

build/book.pdf: $(BOOK_DIR)/book.tex $(BOOK_DIR)/chapter-map.tex \
		$(BOOK_FIGURES) $(BOOK_SUPPORT) $(BOOK_DEPS) $(BOOK_EXT_STAMPS)
	@echo "  LATEX   $@"
	@cd $(BOOK_DIR) && rm -f book.pdf && \
	TEXINPUTS='$(BOOK_PDF_TEXINPUTS)' BIBINPUTS='$(CURDIR)/book:' \
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

# Chapter N alone: one pdflatex pass over the preamble and the chapter's
# part of the woven book, reading the .aux file of the last full build (a
# copy: this run must not change it), so that its references, chunk
# numbers, citations and page numbers are the book's.  A label that is new
# since then shows as ??; book/checklog.py reports what it finds but does
# not fail (links to the other chapters, which this PDF does not hold, are
# not reported).  The measured figures are those of the last full build.
# chapter_pdf(N, file)
define chapter_pdf
pdf-$(1): $(BOOK_DIR)/book.tex $(BOOK_DIR)/chapter-map.tex $(BOOK_EXT)/static.stamp book/bookparts.py
	@echo "  LATEX   build/chapter-$(1).pdf"
	@python3 book/bookparts.py chapter $(1) $(2) $(BOOK_DIR)/book.tex \
		$(BOOK_DIR)/book.aux $(BOOK_DIR)/chapter-$(1).tex
	@if [ -f $(BOOK_DIR)/book.aux ]; then cp $(BOOK_DIR)/book.aux $(BOOK_DIR)/chapter-$(1).aux; \
	else rm -f $(BOOK_DIR)/chapter-$(1).aux; \
		echo "pdf-$(1): no full build yet (make pdf): references show as ??" >&2; fi
	@cd $(BOOK_DIR) && rm -f chapter-$(1).pdf && \
	TEXINPUTS='$(BOOK_PDF_TEXINPUTS)' pdflatex -interaction=nonstopmode -halt-on-error \
		-file-line-error chapter-$(1).tex > chapter-$(1).stdout 2>&1 || \
	{ grep -A3 -E '^(!|.*:[0-9]+: )' chapter-$(1).log >&2 || tail -30 chapter-$(1).stdout >&2; \
	  echo "pdf-$(1): LaTeX failed (see $(BOOK_DIR)/chapter-$(1).log)" >&2; exit 1; }
	@python3 book/checklog.py $(BOOK_DIR)/chapter-$(1).tex $(BOOK_DIR)/chapter-$(1).log 2>&1 | \
		grep -v -e 'a link points to' -e 'labels changed in the last pass' \
			-e '^book: [0-9]* error(s); see' >&2 || true
	@cp $(BOOK_DIR)/chapter-$(1).pdf build/chapter-$(1).pdf
	@echo "  PDF     build/chapter-$(1).pdf ($$$$(pdfinfo build/chapter-$(1).pdf 2>/dev/null | sed -n 's/^Pages: *//p') pages)"
endef
$(foreach n,$(BOOK_CHAPTER_NUMBERS),$(eval $(call chapter_pdf,$(n),$(call BOOK_CHAPTER,$(n)))))

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
