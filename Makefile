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
	gdb-multiarch device-tree-compiler clang lld llvm valgrind ccache \
	libmimalloc-dev
TOOLS := notangle noweave noroots cpif pandoc pdflatex bibtex latexmk \
	qemu-system-aarch64 aarch64-linux-gnu-gcc aarch64-linux-gnu-ld \
	gdb-multiarch dtc clang ld.lld llvm-objcopy valgrind python3 gcc ccache

# Parallel make.  `make', `make test' and `make pdf' run their parts in
# parallel, JOBS at a time (the number of CPUs), unless -j was given.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PAR   = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))

# ccache: the compilers run through it, with one cache for both toolchains,
# every stage, every work tree and the mutation tester's copies of the tree
# (build/mutants/NAME/).  Paths are relative (boot/kernel.mk compiles inside
# the tangled tree), and the compiler's working directory is left out of the
# hash (CCACHE_NOHASHDIR), so a file that is byte for byte what another
# stage or copy compiled is not compiled again.  `ccache -s' shows the hits.
CCACHE_DIR ?= $(if $(HOME),$(HOME)/.cache/mm-line-by-line-ccache,$(CURDIR)/build/ccache)
CCACHE_NOHASHDIR := 1
export CCACHE_DIR CCACHE_NOHASHDIR

.PHONY: all help deps doctor check-tools tangle stages figures test test-full \
	test-host test-tools test-tangle test-crash pdf html clean bench FORCE
.PHONY: $(foreach n,$(STAGES),chapter-$(n) run-$(n) test-$(n) debug-$(n) diff-$(n))

all: check-tools
	@$(MAKE) --no-print-directory $(PAR) stages pdf
	@$(MAKE) --no-print-directory run-$(LAST)

help:
	@sed -n '/^## /s/^## //p' $(MAKEFILE_LIST)

## make                  install what is missing, build every stage and the book, boot the last stage
## make test             host suites, every stage's QEMU suites, the crash test, clang, the book, in parallel; ends "N passed, N failed"
## make test-full        the same over the whole configuration matrix (memory, CPUs, cpu model, EL2)
## make chapter-N        tangle and build stage N into build/chNN/ (kernel.elf, Image)
## make run-N            boot stage N in QEMU on this terminal (Ctrl-A X quits)
## make test-N           the tests of stage N only (QEMU_MEM=1G QEMU_SMP=4 ... choose the machine)
## make debug-N          QEMU waiting for gdb, and gdb-multiarch attached with symbols
## make pdf | html       the book: build/book.pdf, build/html/index.html
## make pdf-N            chapter N alone, with the last full build's references: build/chapter-N.pdf
## make tangle           tangle every stage into tangled/chNN/
## make test-tangle      boot/tangle.sh against notangle, for every stage
## make diff-N           what chapter N adds to the C tree of stage N-1
## make figures          figure data measured from the running stages
## make bench            benchmarks of the page and slab allocators and vmalloc, with peers (tests/bench)
## make host-N           stage N's portable suites natively, under ASan and UBSan
## make mutants         mutation testing: each chapter's catalogue of mistakes, and the kill ratios
## make mutants-N        the same for stage N's catalogues only (its chapter's and its appendices')
## make mutants-NN-name  the same for one catalogue, tests/mutants/NN-name.mut
## make grade | grade-N  grade the graded exercises (all, or chapter N's), with points
## make student          the student edition: build/student/ (stubs in), its tarball and book
## make test-classroom   every graded exercise's stub fails its grade, and the solution passes
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
# build/chNN/Image (GCC) and build/llvm/chNN/Image (clang) are files that
# make knows, so that other rules (the figures, the tests) can depend on
# them; their recipe always asks boot/kernel.mk, which relinks only when an
# object changed.
define stage_rules
tangled/ch$(call two,$(1))/.stamp: $(call stage_nw,$(1)) boot/tangle.sh
	@boot/tangle.sh tangled/ch$(call two,$(1)) $(call stage_nw,$(1))
	@touch $$@

build/ch$(call two,$(1))/Image: tangled/ch$(call two,$(1))/.stamp FORCE
	@$$(MAKE) --no-print-directory $$(PAR) -C tangled/ch$(call two,$(1)) \
		-f $(CURDIR)/boot/kernel.mk OUT=$(CURDIR)/build/ch$(call two,$(1)) \
		STAGE=$(1) LLVM=

build/llvm/ch$(call two,$(1))/Image: tangled/ch$(call two,$(1))/.stamp FORCE
	@$$(MAKE) --no-print-directory $$(PAR) -C tangled/ch$(call two,$(1)) \
		-f $(CURDIR)/boot/kernel.mk OUT=$(CURDIR)/build/llvm/ch$(call two,$(1)) \
		STAGE=$(1) LLVM=1

chapter-$(1): $(BUILD)/ch$(call two,$(1))/Image

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
# `make test' runs every job of the default set in parallel (make -j, the
# output of each job kept together).  Each job appends its pass/fail lines
# to its own file in build/results.d/, so that jobs running at the same time
# never write into one file; build/results is then their concatenation and
# tests/summary prints the closing line.  test-N alone prints its own count.
# The runner passes the kernel what QEMU was told (expect.mem, expect.cpus)
# so tests can check it.
include tests/host/host.mk

TEST_APPEND = expect.mem=$(QEMU_MEM) expect.cpus=$(QEMU_SMP) $(KTEST_ARGS)
RESULTS_D  := $(CURDIR)/build/results.d

# test_run(targets): run the jobs, then add up every result.  A job whose
# prerequisites failed wrote no result, so make's own failure counts too.
define test_run
	@rm -rf build/results.d; mkdir -p build/results.d build/logs
	@$(MAKE) --no-print-directory $(PAR) -O -k $(1) || \
		printf 'fail\tmake (a job or its build failed; see above)\n' \
			> build/results.d/zz-make
	@cat build/results.d/* > build/results 2>/dev/null || : > build/results
	@tests/summary build/results
endef

# job-qemu-N-MEM-SMP[-llvm]: stage N's QEMU suites on one machine.  A clang
# job waits for job-llvm-build-N, which builds that stage with clang and
# says whether it built.
define qemu_job
job-qemu-$(1)-$(2)-$(3)$(if $(4),-llvm): $(if $(4),job-llvm-build-$(1),build/ch$(call two,$(1))/Image)
	@RESULTS=$(RESULTS_D)/qemu-$(1)-$(2)-$(3)$(if $(4),-llvm) QEMU_MEM=$(2) QEMU_SMP=$(3) \
	QEMU_APPEND="expect.mem=$(2) expect.cpus=$(3) $(KTEST_ARGS)" \
	LLVM=$(4) BUILD= tests/run-stage $(1) || true
endef
define stage_jobs
job-llvm-build-$(1): tangled/ch$(call two,$(1))/.stamp
	@if $$(MAKE) --no-print-directory build/llvm/ch$(call two,$(1))/Image >/dev/null; \
	then echo "pass	llvm/chapter-$(1)"; else echo "fail	llvm/chapter-$(1)"; \
		echo "FAIL: llvm/chapter-$(1)" >&2; fi >> $(RESULTS_D)/llvm-build-$(1)
job-host-$(1): tangled/ch$(call two,$(1))/.stamp $(HOST_DTB)
	@RESULTS=$(RESULTS_D)/host-$(1) $$(MAKE) --no-print-directory host-$(1) || true
endef
$(foreach n,$(STAGES),$(eval $(call stage_jobs,$(n))))
QEMU_DEFAULT := 1G-4 128M-1
$(foreach n,$(STAGES),$(foreach m,$(QEMU_DEFAULT),$(eval \
	$(call qemu_job,$(n),$(word 1,$(subst -, ,$(m))),$(word 2,$(subst -, ,$(m))),))))
$(eval $(call qemu_job,$(LAST),128M,2,1))

job-tools:
	@RESULTS=$(RESULTS_D)/tools $(MAKE) --no-print-directory test-tools || true
# The classroom: every graded exercise's stub fails its grade and the
# book's solution passes it, each in a copy of the tree under
# build/classroom/ (tests/grade/check).
job-classroom: $(HOST_DTB)
	@tests/grade/check --results $(RESULTS_D)/classroom > build/logs/classroom.log 2>&1 || \
		{ grep -E '^(FAIL|classroom)' build/logs/classroom.log >&2; \
		  echo "FAIL: classroom (see build/logs/classroom.log)" >&2; \
		  [ -s $(RESULTS_D)/classroom ] || printf 'fail\tclassroom\n' >> $(RESULTS_D)/classroom; }
# The last stage only: it holds every chunk and every root (make test-tangle
# checks them all; notangle once per root grows with the square of the book).
job-tangle:
	@RESULTS=$(RESULTS_D)/tangle tests/test-tangle $(LAST) || true
job-crash: build/ch$(call two,$(LAST))/Image
	@RESULTS=$(RESULTS_D)/crash tests/run-crash $< || true
# The book, once every stage is built and measured (the figures' rule needs
# them), so that its make builds nothing that the other jobs use.
job-book: build/figures/.stamp
	@if $(MAKE) --no-print-directory pdf > build/logs/book.log 2>&1; \
	then echo "pass	book/pdf"; else echo "fail	book/pdf"; \
		echo "FAIL: book/pdf (see build/logs/book.log)" >&2; fi >> $(RESULTS_D)/book

# The longest jobs first: make starts them in this order.  The runs with 4
# CPUs go one after another (each waits for the one before, order only): one
# of them keeps both CPUs of a small machine busy, and two at once would
# only make each take twice as long.
SMP4_CHAIN := $(foreach n,$(shell seq $(LAST) -1 0),job-qemu-$(n)-1G-4)
$(foreach p,$(join $(wordlist 2,999,$(SMP4_CHAIN)),$(addprefix :,$(SMP4_CHAIN))),\
	$(if $(filter-out :%,$(p)),$(eval $(subst :,: | ,$(p)))))
TEST_JOBS := $(SMP4_CHAIN) job-book job-classroom \
	$(foreach n,$(shell seq $(LAST) -1 0),job-qemu-$(n)-128M-1) \
	job-qemu-$(LAST)-128M-2-llvm job-variant-$(LAST)-max \
	$(if $(filter-out 0 1 2 3,$(LAST)),job-variant-$(LAST)-numa2 job-variant-$(LAST)-slubdebug) \
	$(if $(filter-out 0 1 2 3 4,$(LAST)),job-variant-$(LAST)-gicv3 job-variant-$(LAST)-modern \
		job-variant-$(LAST)-icount) \
	job-crash \
	$(foreach n,$(STAGES),job-host-$(n)) job-tangle job-tools
.PHONY: $(TEST_JOBS)

test:
	$(call test_run,$(TEST_JOBS))

# The whole matrix of DESIGN.md section 5, both toolchains.
FULL_MATRIX := 128M-1 128M-4 1G-1 1G-4 4G-1 4G-4
EL2 := virt,virtualization=on
# The GICv3 machine (stage 5 on takes interrupts; earlier stages only map it).
GICV3 := virt,gic-version=3
comma := ,
$(foreach n,$(STAGES),$(foreach m,$(filter-out $(QEMU_DEFAULT),$(FULL_MATRIX)),$(eval \
	$(call qemu_job,$(n),$(word 1,$(subst -, ,$(m))),$(word 2,$(subst -, ,$(m))),))))
$(foreach n,$(STAGES),$(eval $(call qemu_job,$(n),128M,4,1)))
define variant_job
job-variant-$(1)-$(2): build/ch$(call two,$(1))/Image
	@RESULTS=$(RESULTS_D)/variant-$(1)-$(2) QEMU_SMP=2 $(3) \
	QEMU_APPEND="expect.mem=$(QEMU_MEM) expect.cpus=2 $(KTEST_ARGS)" \
	BUILD= tests/run-stage $(1) || true
endef
# Two NUMA nodes of 64 MiB, one CPU each; and every slab cache a debug cache.
NUMA2 := -object memory-backend-ram,id=m0,size=64M -object memory-backend-ram,id=m1,size=64M \
	-numa node,cpus=0,memdev=m0 -numa node,cpus=1,memdev=m1
define variant_append_job
job-variant-$(1)-$(2): build/ch$(call two,$(1))/Image
	@RESULTS=$(RESULTS_D)/variant-$(1)-$(2) QEMU_SMP=2 TEST_CONFIG=$(2)-smp2 $(3) \
	QEMU_APPEND="expect.mem=$(QEMU_MEM) expect.cpus=2 $(4) $(KTEST_ARGS)" \
	BUILD= tests/run-stage $(1) || true
endef
# The modern virtio-mmio transport (version 2) instead of QEMU's legacy
# default, for the block device of stage 5 on (tests/run-stage).
MODERN := -global virtio-mmio.force-legacy=false
$(foreach n,$(STAGES),$(eval $(call variant_append_job,$(n),modern,QEMU_EXTRA="$(MODERN)",)))
# The allocators' counters under interrupts that land at exact instructions
# (Appendix on threads, "The allocators' counters, preempted and interrupted").
$(foreach n,$(STAGES),$(eval $(call variant_append_job,$(n),icount,QEMU_EXTRA="-icount shift=0",ktest=sched_percpu)))
$(foreach n,$(STAGES),$(eval $(call variant_append_job,$(n),numa2,QEMU_EXTRA="$(NUMA2)",)) \
	$(eval $(call variant_append_job,$(n),slubdebug,,slub_debug)))
$(foreach n,$(STAGES),$(eval $(call variant_job,$(n),max,QEMU_CPU=max)) \
	$(eval $(call variant_job,$(n),a53,QEMU_CPU=cortex-a53)) \
	$(eval $(call variant_job,$(n),el2,QEMU_MACHINE=$$(EL2))) \
	$(eval $(call variant_job,$(n),gicv3,QEMU_MACHINE=$$(GICV3))) \
	$(eval $(call variant_job,$(n),el2gicv3,QEMU_MACHINE=$$(EL2)$$(comma)gic-version=3)))
FULL_JOBS := $(foreach n,$(shell seq $(LAST) -1 0),job-qemu-$(n)-4G-4 job-qemu-$(n)-4G-1 \
		job-qemu-$(n)-1G-4 job-qemu-$(n)-1G-1 job-qemu-$(n)-128M-4 job-qemu-$(n)-128M-1 \
		job-qemu-$(n)-128M-4-llvm job-variant-$(n)-max job-variant-$(n)-a53 \
		job-variant-$(n)-el2 job-variant-$(n)-numa2 job-variant-$(n)-slubdebug \
		job-variant-$(n)-gicv3 job-variant-$(n)-el2gicv3) \
	job-crash $(foreach n,$(STAGES),job-host-$(n)) job-tangle job-tools
.PHONY: $(FULL_JOBS) $(foreach n,$(STAGES),job-llvm-build-$(n))

test-full:
	$(call test_run,$(FULL_JOBS))

# The test tools test themselves: the KTAP parser against sample logs.
test-tools:
	@python3 tests/test_ktap.py | python3 tests/ktap.py --prefix tools \
		$${RESULTS:+--results $$RESULTS}

# boot/tangle.sh must write what notangle writes, for every stage.
test-tangle:
	@tests/test-tangle

# An unexpected exception must end the run with a report and a non-zero
# status: boot the last stage with a command line that makes it fault.
test-crash: chapter-$(LAST)
	@tests/run-crash $(BUILD)/ch$(call two,$(LAST))/Image

# ---------------------------------------------------------------- book
# Measured figures: each figures/NN-*.sh boots its stage and writes
# build/figures/*.dat, which the book plots.  A script runs again when its
# stage's kernel (build/chNN/Image) or the script changed, and scripts of
# different stages run in parallel, each as soon as its stage is built.
FIGURE_SCRIPTS := $(foreach n,$(STAGES),$(wildcard figures/$(call two,$(n))-*.sh))
FIGURE_STAMP   := build/figures/.stamp
define figure_rule
build/figures/.$(notdir $(1)).stamp: $(1) $(wildcard figures/*.py) \
		build/ch$(shell echo $(notdir $(1)) | cut -c1-2)/Image
	@mkdir -p build/figures
	@echo "  FIGURES $(1)"
	@bash $(1)
	@touch $$@
endef
$(foreach f,$(FIGURE_SCRIPTS),$(eval $(call figure_rule,$(f))))
$(FIGURE_STAMP): $(foreach f,$(FIGURE_SCRIPTS),build/figures/.$(notdir $(f)).stamp)
	@mkdir -p build/figures
	@touch $@

figures:
	@rm -f build/figures/.*.stamp
	@$(MAKE) --no-print-directory $(PAR) $(FIGURE_STAMP)

BOOK_DEPS := $(FIGURE_STAMP)
BOOK_CHAPTER_NUMBERS := $(STAGES)
BOOK_CHAPTER = $(call chapter_nw,$(1))

# Woven in reading order: Part I (the chapters; book/front.nw ends with
# its \part), then Part II (book/appendices.nw starts it and holds the
# appendix on building; then the machinery appendices, then each chapter's
# test suites), then the back (the glossary, then the indexes and the
# bibliography).
# The teacher's book (make teacher) adds its notes after the appendices.
TEACHER_NW ?=
BOOK_NW := book/front.nw boot/boot.nw $(CHAPTERS) book/appendices.nw \
	$(APPENDICES) $(TEST_APPS) $(TEACHER_NW) book/glossary.nw book/back.nw
-include book/book.mk


# Benchmarks of the newest stage's page allocator (stage 3 on) and slab
# allocator (stage 4 on, beside glibc's malloc and mimalloc), natively;
# from stage 5 on, vmalloc's area allocator beside a first-fit list
# natively, and vmalloc itself inside a kernel built with
# tests/bench/vbench.c, in QEMU under -icount (tests/bench/README.md).
bench: tangled/ch$(call two,$(LAST))/.stamp
	@$(MAKE) --no-print-directory -f tests/bench/bench.mk STAGE=$(LAST) >/dev/null
	@$(MAKE) --no-print-directory -f tests/bench/bench.mk STAGE=$(LAST) \
		OUT=build/bench-debug KCONFIG=-DCONFIG_DEBUG_VM >/dev/null
	@if [ $(LAST) -ge 4 ]; then $(MAKE) --no-print-directory \
		-f tests/bench/bench.mk STAGE=$(LAST) peers >/dev/null; fi
	@if [ $(LAST) -ge 5 ]; then $(MAKE) --no-print-directory \
		-f tests/bench/bench.mk STAGE=$(LAST) kernel >/dev/null; fi
	@tests/bench/run

clean:
	rm -rf tangled build

# ---------------------------------------------------------------- classroom
# The graded exercises (tests/grade/README.md).  A solution is a chunk
# named <<WHAT: solution to exercise N.M>>, with its stub beside the
# exercise; tests/grade/exercises.txt says which tests grade it and how
# many points each is worth.  `make student' writes the student edition,
# build/student/ (a tree whose Makefile builds, boots and grades as this
# one does, with the stubs in), build/student.tar.gz, and its book,
# build/student-book.pdf; EXERCISES=3.2,1.2 hands out only those.
.PHONY: grade student test-classroom $(foreach n,$(STAGES),grade-$(n))
grade:
	@tests/grade/grade $(if $(EXERCISES),--exercises $(EXERCISES))
$(foreach n,$(STAGES),$(eval grade-$(n): ; @tests/grade/grade --stage $(n)))
student:
	@python3 tests/grade/classroom.py student build/student \
		$(if $(EXERCISES),--exercises $(EXERCISES))
	@tar -C build -czf build/student.tar.gz student
	@echo "  TAR     build/student.tar.gz"
	@if [ "$(STUDENT_PDF)" != 0 ]; then \
		if [ -d build/figures ]; then mkdir -p build/student/build && \
			cp -r build/figures build/student/build/; fi; \
		$(MAKE) --no-print-directory -C build/student pdf BOOK_DEPS= > build/student.log 2>&1 || \
		{ tail -20 build/student.log; echo "student: the book failed (build/student.log)"; exit 1; }; \
		cp build/student/build/book.pdf build/student-book.pdf; \
		echo "  PDF     build/student-book.pdf"; fi
# The teacher's book: the full book and a page per graded exercise (what
# it tests, the points, the common wrong answers and what catches them:
# tests/grade/teacher.py), made in a copy of the tree, build/teacher/.
# `make teacher-measure' grades each wrong answer again (long) and writes
# tests/grade/wrong-answers.txt, which the notes print.
.PHONY: teacher teacher-measure
teacher:
	@python3 -c 'import sys; sys.path.insert(0, "tests/grade"); import classroom; \
		classroom.copy_tree("build/teacher")'
	@python3 tests/grade/teacher.py notes build/teacher/book/teacher.nw
	@if [ -d build/figures ]; then mkdir -p build/teacher/build && \
		cp -r build/figures build/teacher/build/; fi
	@$(MAKE) --no-print-directory -C build/teacher pdf BOOK_DEPS= \
		TEACHER_NW=book/teacher.nw > build/teacher.log 2>&1 || \
		{ tail -20 build/teacher.log; echo "teacher: the book failed (build/teacher.log)"; exit 1; }
	@cp build/teacher/build/book.pdf build/teacher-book.pdf
	@echo "  PDF     build/teacher-book.pdf"
teacher-measure:
	@python3 tests/grade/teacher.py measure
# The check that make test runs: stubs fail, solutions pass.
test-classroom: $(HOST_DTB)
	@tests/grade/check $(if $(EXERCISES),--exercises $(EXERCISES))

# ---------------------------------------------------------------- mutants
# Mutation testing: tests/mutants/NN-name.mut is a catalogue of small
# mistakes in chapter NN, or in an appendix that stage NN brings
# (appendices/NN-name.nw); each is applied alone to a copy of the sources
# and stage NN's host and QEMU suites must catch it
# (tests/mutants/README.md).  The kill ratios go to
# tests/mutants/ratios.tex, one line per catalogue, which the book prints in
# each Testing section.  `make mutants-N` runs every catalogue of stage N,
# `make mutants-NN-name` one.  Not part of `make test`: it takes long.
MUTANT_CATS := $(sort $(wildcard tests/mutants/[0-9][0-9]-*.mut))
MUTANT_NAMES := $(basename $(notdir $(MUTANT_CATS)))
MUTANT_JOBS ?= $(shell nproc)
.PHONY: mutants $(foreach n,$(STAGES),mutants-$(n)) $(addprefix mutants-,$(MUTANT_NAMES))
mutants: tangle
	@tests/mutants/run -j $(MUTANT_JOBS) --ratios tests/mutants/ratios.tex $(MUTANT_CATS)
$(foreach n,$(STAGES),$(eval mutants-$(n): tangle ; \
	@tests/mutants/run -j $$(MUTANT_JOBS) --ratios tests/mutants/ratios.tex \
		$$(filter tests/mutants/$(call two,$(n))-%,$$(MUTANT_CATS))))
$(foreach c,$(MUTANT_NAMES),$(eval mutants-$(c): tangle ; \
	@tests/mutants/run -j $$(MUTANT_JOBS) --ratios tests/mutants/ratios.tex \
		tests/mutants/$(c).mut))

print-stage-nw-%:
	@echo $(call stage_nw,$*)
