# The one entry point of the book and its kernel.  `make help` lists targets.
#
# Stage N is the boot chapter plus chapters 1..N, tangled into tangled/chNN/
# and built into build/chNN/.  See README.md and DESIGN.md section 6.

SHELL := bash
.DELETE_ON_ERROR:
.SUFFIXES:

CHAPTERS  := $(sort $(wildcard chapters/[0-9][0-9]-*.nw))
LAST      := $(words $(CHAPTERS))
STAGES    := $(shell seq 0 $(LAST))
two        = $(shell printf %02d $(1))
# Part II of the book.  appendices/NN-name.nw is machinery that is not
# memory management, and appendices/tests/NN-name.nw chapter NN's complete
# test suites; NN is the first stage that tangles the file.
APPENDICES := $(sort $(wildcard appendices/[0-9][0-9]-*.nw))
TEST_APPS  := $(sort $(wildcard appendices/tests/[0-9][0-9]-*.nw))
# The noweb files of stage N in tangling order: each chapter followed by the
# appendices of its stage, so that a chunk that several files extend is
# extended in the same order as when the appendix text sat in its chapter.
chapter_nw = $(if $(filter 0,$(1)),boot/boot.nw,$(word $(1),$(CHAPTERS)))
stage_part = $(call chapter_nw,$(1)) \
	$(filter appendices/$(call two,$(1))-%,$(APPENDICES)) \
	$(filter appendices/tests/$(call two,$(1))-%,$(TEST_APPS))
stage_nw   = $(foreach k,$(shell seq 0 $(1)),$(call stage_part,$(k)))

# Toolchain: GCC by default, clang and lld with LLVM=1 (kept apart in build/llvm).
ifeq ($(LLVM),1)
BUILD := build/llvm
else
BUILD := build
endif
CROSS_COMPILE ?= aarch64-linux-gnu-
export LLVM CROSS_COMPILE

# QEMU configuration, passed to boot/qemu.sh.
QEMU_MACHINE ?= virt
QEMU_CPU     ?= cortex-a72
QEMU_MEM     ?= 128M
QEMU_SMP     ?= 1
QEMU_EXTRA   ?=
QEMU_TIMEOUT ?= 300
KTEST_ARGS   ?=
QEMU_APPEND  ?=
export QEMU_MACHINE QEMU_CPU QEMU_MEM QEMU_SMP QEMU_EXTRA QEMU_TIMEOUT QEMU_APPEND

# Debian packages the build needs (make deps installs the missing ones).
PACKAGES := make gcc libc6-dev python3 noweb pandoc latexmk lmodern \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-pictures texlive-fonts-recommended poppler-utils \
	qemu-system-arm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu \
	gdb-multiarch device-tree-compiler clang lld llvm valgrind
TOOLS := notangle noweave noroots cpif pandoc pdflatex bibtex latexmk \
	qemu-system-aarch64 aarch64-linux-gnu-gcc aarch64-linux-gnu-ld \
	gdb-multiarch dtc clang ld.lld llvm-objcopy valgrind python3 gcc

.PHONY: all help deps doctor check-tools tangle stages figures test test-full \
	test-host test-tools test-crash pdf html clean bench
.PHONY: $(foreach n,$(STAGES),chapter-$(n) run-$(n) test-$(n) debug-$(n) diff-$(n))

all: check-tools stages pdf run-$(LAST)

help:
	@sed -n '/^## /s/^## //p' $(MAKEFILE_LIST)

## make                  install what is missing, build every stage and the book, boot the last stage
## make test             host suites, every stage's QEMU suites, the crash test, clang, the book; ends "N passed, N failed"
## make test-full        the same over the whole configuration matrix (memory, CPUs, cpu model, EL2)
## make chapter-N        tangle and build stage N into build/chNN/ (kernel.elf, Image)
## make run-N            boot stage N in QEMU on this terminal (Ctrl-A X quits)
## make test-N           the tests of stage N only (QEMU_MEM=1G QEMU_SMP=4 ... choose the machine)
## make debug-N          QEMU waiting for gdb, and gdb-multiarch attached with symbols
## make pdf | html       the book: build/book.pdf, build/html/index.html
## make tangle           tangle every stage into tangled/chNN/
## make diff-N           what chapter N adds to the C tree of stage N-1
## make figures          figure data measured from the running stages
## make bench            benchmarks of the page allocator (tests/bench)
## make host-N           stage N's portable suites natively, under ASan and UBSan
## make mutants         mutation testing: each chapter's catalogue of mistakes, and the kill ratios
## make mutants-N        the same for chapter N's catalogue only
## make deps | doctor    install the tools, or report each tool and its version
## make clean            remove tangled/ and build/

# ---------------------------------------------------------------- tools
# `make` installs what is missing when it can (root, or sudo without a
# password); otherwise it stops and prints the command to run.
check-tools:
	@missing=$$(for t in $(TOOLS); do command -v $$t >/dev/null || echo $$t; done); \
	if [ -n "$$missing" ]; then \
		echo "missing tools:" $$missing; \
		$(MAKE) --no-print-directory deps; \
	fi

deps:
	@pkgs=$$(for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$pkgs" ]; then echo "deps: every package is installed"; exit 0; fi; \
	cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$(echo $$pkgs)"; \
	if [ "$$(id -u)" = 0 ]; then sh -c "$$cmd"; \
	elif sudo -n true 2>/dev/null; then sudo sh -c "$$cmd"; \
	else echo "Please install the missing packages as root:"; echo "  sudo sh -c '$$cmd'"; exit 1; fi

doctor:
	@for t in $(TOOLS); do \
		if p=$$(command -v $$t); then \
			v=$$($$t --version 2>&1 </dev/null | grep -m1 -iE 'version|[0-9]+\.[0-9]+' || true); \
			case $$t in notangle|noweave|noroots|cpif) v="noweb $$(dpkg-query -W -f='$${Version}' noweb 2>/dev/null)";; esac; \
			printf '  %-22s %s\n' "$$t" "$${v:-$$p}"; \
		else printf '  %-22s MISSING\n' "$$t"; fi; \
	done; \
	missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "missing packages:" $$missing "(make deps installs them)"; \
	else echo "all packages installed"; fi

# ---------------------------------------------------------------- stages
# Tangling is cheap and safe to repeat: boot/tangle.sh rewrites only files
# whose contents changed, so make then recompiles only what a change touched.
define stage_rules
tangled/ch$(call two,$(1))/.stamp: $(call stage_nw,$(1)) boot/tangle.sh
	@boot/tangle.sh tangled/ch$(call two,$(1)) $(call stage_nw,$(1))
	@touch $$@

chapter-$(1): tangled/ch$(call two,$(1))/.stamp
	@$$(MAKE) --no-print-directory -f boot/kernel.mk \
		SRC=tangled/ch$(call two,$(1)) OUT=$(BUILD)/ch$(call two,$(1)) STAGE=$(1)

run-$(1): chapter-$(1)
	boot/qemu.sh $(BUILD)/ch$(call two,$(1))/Image

test-$(1): chapter-$(1)
	@QEMU_APPEND="$$(TEST_APPEND)" tests/run-stage $(1)

debug-$(1): chapter-$(1)
	@QEMU_GDB=1 boot/qemu.sh $(BUILD)/ch$(call two,$(1))/Image & \
	sleep 1; gdb-multiarch -q $(BUILD)/ch$(call two,$(1))/kernel.elf \
		-ex 'target remote :1234' -ex 'break start_kernel'; \
	kill %1 2>/dev/null || true

diff-$(1): tangled/ch$(call two,$(1))/.stamp $(if $(filter-out 0,$(1)),tangled/ch$(call two,$(shell expr $(1) - 1))/.stamp)
	@$(if $(filter-out 0,$(1)), \
		diff -ruN -x .stamp tangled/ch$(call two,$(shell expr $(1) - 1)) tangled/ch$(call two,$(1)) || true, \
		diff -ruN -x .stamp /dev/null tangled/ch00 || true)
endef
$(foreach n,$(STAGES),$(eval $(call stage_rules,$(n))))

tangle: $(foreach n,$(STAGES),tangled/ch$(call two,$(n))/.stamp)
stages: $(foreach n,$(STAGES),chapter-$(n))

# ---------------------------------------------------------------- tests
# `make test` runs everything in the default set; each run appends
# pass/fail lines to build/results, and tests/summary prints the closing
# line.  test-N alone prints its own count.  The runner passes the kernel
# what QEMU was told (expect.mem, expect.cpus) so tests can check it.
include tests/host/host.mk

TEST_APPEND = expect.mem=$(QEMU_MEM) expect.cpus=$(QEMU_SMP) $(KTEST_ARGS)

test:
	@mkdir -p build/logs; : > build/results; export RESULTS=$(abspath build/results); \
	$(MAKE) --no-print-directory test-tools; \
	$(MAKE) --no-print-directory test-host; \
	$(MAKE) --no-print-directory stages; \
	for n in $(STAGES); do \
		$(MAKE) --no-print-directory test-$$n QEMU_SMP=1 QEMU_MEM=128M; \
		$(MAKE) --no-print-directory test-$$n QEMU_SMP=4 QEMU_MEM=1G; \
	done; \
	$(MAKE) --no-print-directory test-crash; \
	if $(MAKE) --no-print-directory chapter-$(LAST) LLVM=1 >/dev/null; \
	then echo "pass	llvm/chapter-$(LAST)"; else echo "fail	llvm/chapter-$(LAST)"; fi >> $$RESULTS; \
	$(MAKE) --no-print-directory test-$(LAST) LLVM=1 QEMU_SMP=2; \
	if $(MAKE) --no-print-directory pdf > build/logs/book.log 2>&1; \
	then echo "pass	book/pdf"; else echo "fail	book/pdf"; \
		echo "FAIL: book/pdf (see build/logs/book.log)" >&2; fi >> $$RESULTS; \
	tests/summary $$RESULTS

# The whole matrix of DESIGN.md section 5, both toolchains.
test-full:
	@mkdir -p build/logs; : > build/results; export RESULTS=$(abspath build/results); \
	$(MAKE) --no-print-directory test-tools; \
	$(MAKE) --no-print-directory test-host; \
	$(MAKE) --no-print-directory stages; \
	$(MAKE) --no-print-directory stages LLVM=1; \
	for n in $(STAGES); do \
		for mem in 128M 1G 4G; do for smp in 1 4; do \
			$(MAKE) --no-print-directory test-$$n QEMU_SMP=$$smp QEMU_MEM=$$mem; \
		done; done; \
		$(MAKE) --no-print-directory test-$$n QEMU_CPU=max QEMU_SMP=2; \
		$(MAKE) --no-print-directory test-$$n QEMU_CPU=cortex-a53 QEMU_SMP=2; \
		$(MAKE) --no-print-directory test-$$n QEMU_MACHINE=virt,virtualization=on QEMU_SMP=2; \
		$(MAKE) --no-print-directory test-$$n LLVM=1 QEMU_SMP=4; \
	done; \
	$(MAKE) --no-print-directory test-crash; \
	tests/summary $$RESULTS

# The test tools test themselves: the KTAP parser against sample logs.
test-tools:
	@python3 tests/test_ktap.py | python3 tests/ktap.py --prefix tools \
		$${RESULTS:+--results $$RESULTS}

# An unexpected exception must end the run with a report and a non-zero
# status: boot the last stage with a command line that makes it fault.
test-crash: chapter-$(LAST)
	@tests/run-crash $(BUILD)/ch$(call two,$(LAST))/Image

# ---------------------------------------------------------------- book
# Measured figures: each figures/NN-*.sh boots its stage and writes
# build/figures/*.dat, which the book plots.
FIGURE_STAMP := build/figures/.stamp
$(FIGURE_STAMP): $(call stage_nw,$(LAST)) $(wildcard figures/[0-9][0-9]-*.sh)
	@$(MAKE) --no-print-directory stages
	@tests/figures.sh $(LAST)
	@touch $@

figures:
	@rm -f $(FIGURE_STAMP)
	@$(MAKE) --no-print-directory $(FIGURE_STAMP)

BOOK_DEPS := $(FIGURE_STAMP)

# Woven in reading order: Part I (the chapters; book/front.nw ends with
# its \part), then Part II (book/appendices.nw starts it and holds the
# appendix on building; then the machinery appendices, then each chapter's
# test suites), then the back (the glossary, then the indexes and the
# bibliography).
BOOK_NW := book/front.nw boot/boot.nw $(CHAPTERS) book/appendices.nw \
	$(APPENDICES) $(TEST_APPS) book/glossary.nw book/back.nw
-include book/book.mk


# Benchmarks of the newest stage's page allocator (stage 3 on), natively.
bench: tangled/ch$(call two,$(LAST))/.stamp
	@$(MAKE) --no-print-directory -f tests/bench/bench.mk STAGE=$(LAST) >/dev/null
	@$(MAKE) --no-print-directory -f tests/bench/bench.mk STAGE=$(LAST) \
		OUT=build/bench-debug KCONFIG=-DCONFIG_DEBUG_VM >/dev/null
	@tests/bench/run

clean:
	rm -rf tangled build

# ---------------------------------------------------------------- mutants
# Mutation testing: tests/mutants/NN-name.mut is chapter NN's catalogue of
# small mistakes; each is applied alone to a copy of the sources and stage
# NN's host and QEMU suites must catch it (tests/mutants/README.md).  The
# kill ratios go to tests/mutants/ratios.tex, which the book prints in each
# chapter's Testing section.  Not part of `make test`: it takes long.
MUTANT_CATS := $(sort $(wildcard tests/mutants/[0-9][0-9]-*.mut))
MUTANT_JOBS ?= $(shell nproc)
.PHONY: mutants $(foreach n,$(STAGES),mutants-$(n))
mutants: tangle
	@tests/mutants/run -j $(MUTANT_JOBS) --ratios tests/mutants/ratios.tex $(MUTANT_CATS)
$(foreach n,$(STAGES),$(eval mutants-$(n): tangle ; \
	@tests/mutants/run -j $$(MUTANT_JOBS) --ratios tests/mutants/ratios.tex \
		$$(filter tests/mutants/$(call two,$(n))-%,$$(MUTANT_CATS))))

print-stage-nw-%:
	@echo $(call stage_nw,$*)
