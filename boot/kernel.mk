# Build one stage of the kernel from its tangled tree.
#
#   make -f boot/kernel.mk SRC=tangled/chNN OUT=build/chNN STAGE=N [LLVM=1]
#
# Every .c and .S file of the tangled tree is compiled (so a chapter adds a
# source file just by adding a root chunk), then linked with the tree's
# linker script into kernel.elf, and copied into Image, the arm64 Linux
# image format that QEMU's -kernel loads.  Header dependencies come from the
# compiler (-MMD), so a change to one chapter recompiles only what it touches.

SRC ?= tangled/ch00
OUT ?= build/ch00
STAGE ?= 0

ifeq ($(LLVM),1)
CC      := clang --target=aarch64-linux-gnu
LD      := ld.lld
OBJCOPY := llvm-objcopy
CPP     := clang --target=aarch64-linux-gnu -E
else
CROSS_COMPILE ?= aarch64-linux-gnu-
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
CPP     := $(CROSS_COMPILE)gcc -E
endif

# The kernel's configuration.  CONFIG_DEBUG_VM turns on the checks that
# only a debugging kernel makes (Linux's option of the same name): every
# stage is also its own test build, and its tests rely on them.  The
# page allocator's benchmark (tests/bench) measures the path without them.
KCONFIG ?= -DCONFIG_DEBUG_VM

# Freestanding C: no libc, no floating point or SIMD registers (the kernel
# does not save them), no outline atomics (they would call libgcc), frame
# pointers kept so that a panic can print a backtrace.
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	  -ffreestanding -fno-builtin -nostdinc -fno-common -fno-strict-aliasing \
	  -fno-stack-protector -fno-pic -fno-pie -mgeneral-regs-only \
	  -mno-outline-atomics -fno-omit-frame-pointer -mcmodel=small \
	  -DKERNEL_STAGE=$(STAGE) $(KCONFIG) \
	  -I$(SRC)/arch/arm64/include -I$(SRC)/include
ASFLAGS := -D__ASSEMBLY__ -g $(filter-out -std=gnu11 -Wno-unused-parameter,$(CFLAGS))
LDFLAGS := -nostdlib -static -z max-page-size=4096 -z norelro --no-undefined

CSRCS := $(shell cd $(SRC) && find . -name '*.c' | sed 's|^\./||' | sort)
SSRCS := $(shell cd $(SRC) && find . -name '*.S' ! -name '*.lds.S' | sed 's|^\./||' | sort)
OBJS  := $(addprefix $(OUT)/obj/,$(CSRCS:.c=.o) $(SSRCS:.S=.o))
LDS   := $(OUT)/obj/vmlinux.lds

.DELETE_ON_ERROR:

all: $(OUT)/Image
	@:

Q := $(if $(V),,@)

$(OUT)/Image: $(OUT)/kernel.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(OUT)/kernel.elf: $(OBJS) $(LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(LDFLAGS) -T $(LDS) -Map=$(OUT)/kernel.map -o $@ $(OBJS)

$(OUT)/obj/%.o: $(SRC)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/obj/%.o: $(SRC)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -MMD -MP -c $< -o $@

$(LDS): $(SRC)/arch/arm64/kernel/vmlinux.lds.S
	@mkdir -p $(dir $@)
	$(Q)$(CPP) -P -x c -D__ASSEMBLY__ -D__LINKER__ -nostdinc \
		-I$(SRC)/arch/arm64/include -I$(SRC)/include -MMD -MP -MT $@ -MF $@.d $< -o $@

-include $(OBJS:.o=.d) $(LDS).d
