# tests/bench/bench.mk: build the allocator benchmarks natively.
#
#   make -f tests/bench/bench.mk STAGE=N     (N >= 3; the top Makefile's
#                                             `make bench` passes the newest)
#   make -f tests/bench/bench.mk peers       the slab benchmark's peers:
#                                             bench-glibc, bench-mimalloc
#   make -f tests/bench/bench.mk STAGE=N kernel
#                                             (N >= 5) the in-kernel
#                                             benchmark, build/kbench/Image
# The portable code of stage N is compiled with -O2 and no sanitizers,
# with the host harness's stand-ins for the architecture (tests/host).
# The allocator is measured as a production kernel would build it, without
# the debug checks; KCONFIG=-DCONFIG_DEBUG_VM OUT=build/bench-debug builds
# the test build's allocator, for comparison.

STAGE ?= 3
NN    := $(shell printf %02d $(STAGE))
SRC   := tangled/ch$(NN)
OUT   ?= build/bench
KCONFIG ?=
CC    := gcc
KFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	  -fno-strict-aliasing -ffreestanding -fno-builtin -nostdinc \
	  -DKERNEL_STAGE=$(STAGE) $(KCONFIG) -include tests/host/rename.h \
	  -Itests/host/include -I$(SRC)/include -I$(SRC)/arch/arm64/include -I$(SRC)
PORTABLE := $(shell cd $(SRC) && find lib kernel mm -name '*.c' ! -name '*_test.c' ! -name ktest.c | sort)
OBJS := $(addprefix $(OUT)/k_,$(subst /,_,$(PORTABLE:.c=.o))) $(OUT)/host_mm.o

$(OUT)/bench: $(OBJS) $(OUT)/host.o $(OUT)/bench.o
	$(CC) -no-pie -o $@ $^

# The peers: tests/bench/peer.c, once with glibc's malloc and once with
# mimalloc (Debian's libmimalloc-dev), each a program of its own.
PEER_CFLAGS := -O2 -g -Wall -Wextra -Werror -fno-ipa-icf -fno-builtin-malloc -fno-builtin-free
.PHONY: peers
peers: $(OUT)/bench-glibc $(OUT)/bench-mimalloc
$(OUT)/bench-glibc: tests/bench/peer.c tests/bench/trace.h tests/bench/bench.mk | $(OUT)
	$(CC) $(PEER_CFLAGS) -o $@ $< -lpthread
$(OUT)/bench-mimalloc: tests/bench/peer.c tests/bench/trace.h tests/bench/bench.mk | $(OUT)
	$(CC) $(PEER_CFLAGS) -DPEER_MIMALLOC -o $@ $< -lmimalloc -lpthread

# The in-kernel benchmark (tests/bench/vbench.c): stage N's tree copied to
# $(KOUT)/src with the benchmark added as kernel/vbench.c, built by
# boot/kernel.mk as a production kernel (no CONFIG_DEBUG_VM, no
# CONFIG_SLUB_STATS).  The copy keeps the files' times, so that only what
# changed is compiled again.  Always GCC, as the host benchmark.
KOUT := build/kbench
.PHONY: kernel
kernel:
	rm -rf $(KOUT)/src
	mkdir -p $(KOUT)/src
	cp -pR $(SRC)/. $(KOUT)/src/
	cp -p tests/bench/vbench.c tests/bench/firstfit.h $(KOUT)/src/kernel/
	$(MAKE) --no-print-directory -C $(KOUT)/src -f $(CURDIR)/boot/kernel.mk \
		OUT=$(CURDIR)/$(KOUT) STAGE=$(STAGE) KCONFIG= LLVM=

$(OUT)/k_%.o: $(SRC)/$$(subst _,/,%).c
	@true

# -MMD: an object is remade when a header it includes changed too.
define compile_one
$(OUT)/k_$(subst /,_,$(1:.c=.o)): $(SRC)/$(1) | $(OUT)
	$(CC) $(KFLAGS) -MMD -MP -c $$< -o $$@
endef
$(foreach f,$(PORTABLE),$(eval $(call compile_one,$(f))))
-include $(OBJS:.o=.d)

$(OUT)/host_mm.o: tests/host/host_mm.c | $(OUT)
	$(CC) $(KFLAGS) -MMD -MP -c $< -o $@
$(OUT)/host.o: tests/host/host.c | $(OUT)
	$(CC) -O2 -g -DHOST_NO_MAIN -c $< -o $@
$(OUT)/bench.o: tests/bench/bench.c tests/bench/trace.h tests/bench/firstfit.h \
		tests/bench/bench.mk | $(OUT)
	$(CC) -O2 -g -Wall -Wextra -fno-ipa-icf -DKERNEL_STAGE=$(STAGE) -c $< -o $@
$(OUT):
	mkdir -p $@
