# Build one stage of the kernel from its tangled tree.
#
#   make -C tangled/chNN -f $PWD/boot/kernel.mk OUT=$PWD/build/chNN STAGE=N [LLVM=1]
#
# make runs in the stage's tangled tree (-C), so that every path the
# compiler sees is the same for every stage and every copy of the tree:
# lib/string.c, include/linux/types.h, and #line directives naming the .nw
# files from the top of the repository.  A file that two stages, or the
# mutation tester's copies under build/mutants/, tangle byte for byte alike
# then preprocesses alike, and ccache (when it is installed; the top
# Makefile configures it) gives the object of the first compilation to the
# others instead of compiling again.  OUT must be an absolute path.
#
# Every .c and .S file of the tangled tree is compiled (so a chapter adds a
# source file just by adding a root chunk), then linked with the tree's
# linker script into kernel.elf, and copied into Image, the arm64 Linux
# image format that QEMU's -kernel loads.  Header dependencies come from the
# compiler (-MMD), so a change to one chapter recompiles only what it touches.
# The objects' DW_AT_comp_dir is the tree that first compiled them; gdb,
# started from the top of the repository, finds chapters/NN-*.nw there.

OUT ?= $(error OUT: the absolute path of the stage's build folder)
STAGE ?= 0
# tangled/chNN, for messages
SRC := $(notdir $(patsubst %/,%,$(dir $(CURDIR))))/$(notdir $(CURDIR))
CCACHE ?= $(shell command -v ccache 2>/dev/null)

ifeq ($(LLVM),1)
CC      := $(CCACHE) clang --target=aarch64-linux-gnu
LD      := ld.lld
OBJCOPY := llvm-objcopy
CPP     := clang --target=aarch64-linux-gnu -E
else
CROSS_COMPILE ?= aarch64-linux-gnu-
CC      := $(CCACHE) $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
CPP     := $(CROSS_COMPILE)gcc -E
endif

# The kernel's configuration.  CONFIG_DEBUG_VM turns on the checks that
# only a debugging kernel makes (Linux's option of the same name): every
# stage is also its own test build, and its tests rely on them.  The
# page allocator's benchmark (tests/bench) measures the path without them.
KCONFIG ?= -DCONFIG_DEBUG_VM -DCONFIG_SLUB_STATS

# Freestanding C: no libc, no floating point or SIMD registers (the kernel
# does not save them), no outline atomics (they would call libgcc), frame
# pointers kept so that a panic can print a backtrace.
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	  -ffreestanding -fno-builtin -nostdinc -fno-common -fno-strict-aliasing \
	  -fno-stack-protector -fno-pic -fno-pie -mgeneral-regs-only \
	  -mno-outline-atomics -fno-omit-frame-pointer -mcmodel=small \
	  -DKERNEL_STAGE=$(STAGE) $(KCONFIG) -Iarch/arm64/include -Iinclude
ASFLAGS := -D__ASSEMBLY__ -g $(filter-out -std=gnu11 -Wno-unused-parameter,$(CFLAGS))
LDFLAGS := -nostdlib -static -z max-page-size=4096 -z norelro --no-undefined

CSRCS := $(shell find . -name '*.c' | sed 's|^\./||' | sort)
SSRCS := $(shell find . -name '*.S' ! -name '*.lds.S' | sed 's|^\./||' | sort)
OBJS  := $(addprefix $(OUT)/obj/,$(CSRCS:.c=.o) $(SSRCS:.S=.o))
LDS   := $(OUT)/obj/vmlinux.lds

.DELETE_ON_ERROR:

all: $(OUT)/Image
	@:

Q := $(if $(V),,@)

$(OUT)/Image: $(OUT)/kernel.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(OUT)/kernel.elf: $(OBJS) $(LDS)
	@echo "  LD      $(patsubst $(abspath $(CURDIR)/../..)/%,%,$@)"
	$(Q)$(LD) $(LDFLAGS) -T $(LDS) -Map=$(OUT)/kernel.map -o $@ $(OBJS)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $(SRC)/$<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $(SRC)/$<"
	$(Q)$(CC) $(ASFLAGS) -MMD -MP -c $< -o $@

$(LDS): arch/arm64/kernel/vmlinux.lds.S
	@mkdir -p $(dir $@)
	$(Q)$(CPP) -P -x c -D__ASSEMBLY__ -D__LINKER__ -nostdinc \
		-Iarch/arm64/include -Iinclude -MMD -MP -MT $@ -MF $@.d $< -o $@

-include $(OBJS:.o=.d) $(LDS).d
