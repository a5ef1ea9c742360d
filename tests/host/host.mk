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
#
# A stage is compiled by a second make (this file again, with HOST_STAGE
# set) that runs inside tangled/chNN once the stage is tangled, so that it
# can list the stage's files, compile them in parallel, and hand every
# compilation to ccache with paths that are the same for every stage and
# every copy of the tree (see boot/kernel.mk).

HOST_CC     ?= gcc
# Alignment checking is off, as in Linux's own UBSAN default: the list
# iterators (list_for_each_entry) form an "entry" pointer from the list head
# itself at the end of a walk, which is never dereferenced but is misaligned
# when the entry type is more aligned than the structure holding the head.
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	       -fno-sanitize=alignment
# The host suites are test builds too: the kernel's debug checks are on.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	       -DCONFIG_DEBUG_VM -DCONFIG_SLUB_STATS \
	       -fno-omit-frame-pointer -fno-strict-aliasing $(HOST_SAN)

ifdef HOST_STAGE
# ---------------------------------------------------------------- one stage
#   make -C tangled/chNN -f $PWD/tests/host/host.mk HOST_STAGE=N HOST_OUT=$PWD/build/host/chNN
TOP      := $(abspath $(CURDIR)/../..)
CCACHE   ?= $(shell command -v ccache 2>/dev/null)
HCC      := $(CCACHE) $(HOST_CC)
H        := ../../tests/host
KFLAGS   := $(HOST_CFLAGS) -ffreestanding -fno-builtin -nostdinc \
	    -DKERNEL_STAGE=$(HOST_STAGE) -include $(H)/rename.h -I$(H)/include -Iinclude
# and, from stage 5 on, the virtqueue, which touches no device register
PORTABLE := $(shell find lib kernel mm -name '*.c' 2>/dev/null | sort) \
	    $(wildcard drivers/virtio/virtio_ring.c)
HARNESS  := $(sort $(notdir $(wildcard $(TOP)/tests/host/*_fuzz.c))) host_mm.c
OBJS     := $(foreach f,$(PORTABLE),$(HOST_OUT)/$(subst /,_,$(f:.c=.o))) \
	    $(addprefix $(HOST_OUT)/,$(HARNESS:.c=.o))

$(HOST_OUT)/ktest-host: $(OBJS) $(HOST_OUT)/host.o $(TOP)/tests/host
	$(HOST_CC) $(HOST_SAN) -o $@ $(OBJS) $(HOST_OUT)/host.o

define portable_rule
$(HOST_OUT)/$(subst /,_,$(1:.c=.o)): $(1) $(TOP)/tests/host/host.mk
	@mkdir -p $$(dir $$@)
	$$(HCC) $$(KFLAGS) -Iarch/arm64/include -MMD -MP -c $$< -o $$@
endef
$(foreach f,$(PORTABLE),$(eval $(call portable_rule,$(f))))

$(HOST_OUT)/%.o: $(H)/%.c $(TOP)/tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HCC) $(KFLAGS) -I. -Iarch/arm64/include -MMD -MP -c $< -o $@

$(HOST_OUT)/host.o: $(H)/host.c $(TOP)/tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

.DELETE_ON_ERROR:
-include $(OBJS:.o=.d) $(HOST_OUT)/host.d

else
# ---------------------------------------------------------------- included
HOST_DTB    := build/host/virt.dtb
# From stage 5 the scheduler runs in the host suites, and a mistake in it
# can make a test wait for ever: like QEMU, they run under a timeout.
HOST_TIMEOUT ?= 1800
HOST_ARGS   := --dtb $(HOST_DTB) --cmdline "expect.mem=128M expect.cpus=4 $(HOST_CMDLINE)"

.PHONY: test-host $(foreach n,$(STAGES),host-$(n))

$(HOST_DTB):
	@mkdir -p $(dir $@)
	@qemu-system-aarch64 -M virt,dumpdtb=$@.full -cpu cortex-a72 -m 128M \
		-smp 4 -nographic -nic none >/dev/null 2>&1
	@dtc -q -I dtb -O dtb -o $@ $@.full
	@rm -f $@.full

define host_rules
build/host/ch$(call two,$(1))/ktest-host: tangled/ch$(call two,$(1))/.stamp FORCE
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  stage $(1)"
	@$$(MAKE) --no-print-directory -s $$(PAR) -C tangled/ch$(call two,$(1)) \
		-f $(CURDIR)/tests/host/host.mk HOST_STAGE=$(1) \
		HOST_OUT=$(CURDIR)/build/host/ch$(call two,$(1))

host-$(1): build/host/ch$(call two,$(1))/ktest-host $(HOST_DTB)
	@timeout $(HOST_TIMEOUT) build/host/ch$(call two,$(1))/ktest-host $(HOST_ARGS) \
		> build/host/ch$(call two,$(1))/ktap.log 2>&1; \
	python3 tests/ktap.py --prefix host-ch$(call two,$(1)) \
		--exit-status $$$$? $$$${RESULTS:+--results $$$$RESULTS} \
		build/host/ch$(call two,$(1))/ktap.log
endef
$(foreach n,$(STAGES),$(eval $(call host_rules,$(n))))

test-host: $(foreach n,$(STAGES),host-$(n))
endif
