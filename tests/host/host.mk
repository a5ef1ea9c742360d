# The host harness, included by the top Makefile.
#
#   make test-host        every stage's portable suites, natively, under ASan/UBSan
#   make host-N           stage N only
#
# Stage N's portable code (tangled/chNN/{lib,kernel,mm}) is compiled with the
# build machine's gcc and linked with tests/host/*.c, which stand in for the
# architecture.  The host's stand-in headers come first in the include path
# and the architecture's after them, so that pure ones, such as
# asm/pgtable.h, are shared.  The boot device tree the tests read is the one QEMU gives a
# 128 MiB, 4-CPU virt machine, dumped once and packed with dtc.

HOST_CC     ?= gcc
# Alignment checking is off, as in Linux's own UBSAN default: the list
# iterators (list_for_each_entry) form an "entry" pointer from the list head
# itself at the end of a walk, which is never dereferenced but is misaligned
# when the entry type is more aligned than the structure holding the head.
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	       -fno-sanitize=alignment
# The host suites are test builds too: the kernel's debug checks are on.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	       -DCONFIG_DEBUG_VM \
	       -fno-omit-frame-pointer -fno-strict-aliasing $(HOST_SAN)
HOST_DTB    := build/host/virt.dtb
HOST_ARGS   := --dtb $(HOST_DTB) --cmdline "expect.mem=128M expect.cpus=4 $(HOST_CMDLINE)"

.PHONY: test-host $(foreach n,$(STAGES),host-$(n))

$(HOST_DTB):
	@mkdir -p $(dir $@)
	@qemu-system-aarch64 -M virt,dumpdtb=$@.full -cpu cortex-a72 -m 128M \
		-smp 4 -nographic -nic none >/dev/null 2>&1
	@dtc -q -I dtb -O dtb -o $@ $@.full
	@rm -f $@.full

# host_portable(N): the portable C files of stage N.
host_portable = $(shell cd tangled/ch$(call two,$(1)) 2>/dev/null && \
	find lib kernel mm -name '*.c' 2>/dev/null | sort)

define host_rules
build/host/ch$(call two,$(1))/ktest-host: tangled/ch$(call two,$(1))/.stamp \
		$(wildcard tests/host/*.c tests/host/*.h tests/host/include/asm/*.h) tests/host/host.mk
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  stage $(1)"
	@set -e; objs=; \
	for f in $$(call host_portable,$(1)) ; do \
		o=$$(dir $$@)$$$$(echo $$$$f | tr / _).o; \
		$(HOST_CC) $(HOST_CFLAGS) -ffreestanding -fno-builtin -nostdinc \
			-DKERNEL_STAGE=$(1) -include tests/host/rename.h \
			-Itests/host/include -Itangled/ch$(call two,$(1))/include \
			-Itangled/ch$(call two,$(1))/arch/arm64/include \
			-c tangled/ch$(call two,$(1))/$$$$f -o $$$$o; \
		objs="$$$$objs $$$$o"; \
	done; \
	for f in tests/host/*_fuzz.c tests/host/host_mm.c; do \
		o=$$(dir $$@)$$$$(basename $$$$f .c).o; \
		$(HOST_CC) $(HOST_CFLAGS) -ffreestanding -fno-builtin -nostdinc \
			-DKERNEL_STAGE=$(1) -include tests/host/rename.h \
			-Itests/host/include -Itangled/ch$(call two,$(1))/include \
			-Itangled/ch$(call two,$(1)) -c $$$$f -o $$$$o; \
		objs="$$$$objs $$$$o"; \
	done; \
	$(HOST_CC) $(HOST_CFLAGS) -c tests/host/host.c -o $$(dir $$@)host.o; \
	$(HOST_CC) $(HOST_SAN) -o $$@ $$(dir $$@)host.o $$$$objs

host-$(1): build/host/ch$(call two,$(1))/ktest-host $(HOST_DTB)
	@build/host/ch$(call two,$(1))/ktest-host $(HOST_ARGS) \
		> build/host/ch$(call two,$(1))/ktap.log 2>&1; \
	python3 tests/ktap.py --prefix host-ch$(call two,$(1)) \
		--exit-status $$$$? $$$${RESULTS:+--results $$$$RESULTS} \
		build/host/ch$(call two,$(1))/ktap.log
endef
$(foreach n,$(STAGES),$(eval $(call host_rules,$(n))))

test-host: $(foreach n,$(STAGES),host-$(n))
