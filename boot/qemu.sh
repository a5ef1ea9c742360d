#!/usr/bin/env bash
# boot/qemu.sh: boot one stage of the kernel in QEMU.
#
# Usage: boot/qemu.sh IMAGE [extra qemu args...]
#
# IMAGE is an arm64 Linux-format Image (build/chNN/Image): QEMU recognises
# its header, boots it as Linux, passes the device tree's address in x0 and
# honours -append.  The serial console is this terminal (Ctrl-A X quits).
#
# Environment (defaults in brackets):
#   QEMU          the emulator                      [qemu-system-aarch64]
#   QEMU_MACHINE  -machine, e.g. virt,virtualization=on (boot at EL2) [virt]
#   QEMU_CPU      -cpu: cortex-a53/a57/a72, max     [cortex-a72]
#   QEMU_MEM      -m                                [128M]
#   QEMU_SMP      -smp                              [1]
#   QEMU_EXTRA    further arguments, split at spaces (NUMA nodes, -global ...)
#   QEMU_DISK     a raw disk image, attached as a virtio-blk-device [none]
#   QEMU_DISK2    a second one (the swap disk of the later chapters) [none]
#   QEMU_DISK_RO  a raw image attached read-only (readonly=on): the
#                 device offers VIRTIO_BLK_F_RO and fails every write [none]
#   QEMU_APPEND   the kernel command line (-append), e.g. "ktest" [none]
#   QEMU_GDB=1    stop at the first instruction and wait for gdb on
#                 tcp::QEMU_GDB_PORT [1234]
#
# The command line is printed on stderr ("qemu: ..."), then QEMU replaces
# this script (exec), so signals reach it and its exit status is ours: with
# -semihosting, the kernel's SYS_EXIT status.

set -eu

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi
image=$1
shift
if [ ! -f "$image" ]; then
	echo "qemu.sh: $image: no such kernel image (build the stage first)" >&2
	exit 2
fi

read -r -a extra <<<"${QEMU_EXTRA:-}"	# word-split, no globbing

cmd=("${QEMU:-qemu-system-aarch64}"
	-machine "${QEMU_MACHINE:-virt}"
	-cpu "${QEMU_CPU:-cortex-a72}"
	-m "${QEMU_MEM:-128M}"
	-smp "${QEMU_SMP:-1}"
	-nographic -nic none -semihosting
	-kernel "$image")
if [ -n "${QEMU_APPEND:-}" ]; then
	cmd+=(-append "$QEMU_APPEND")
fi
if [ "${QEMU_GDB:-0}" = 1 ]; then
	port=${QEMU_GDB_PORT:-1234}
	cmd+=(-S -gdb "tcp::$port")
	# the ELF with symbols is expected next to the Image
	elf='<kernel ELF>'
	for f in kernel.elf vmlinux; do
		[ -f "$(dirname "$image")/$f" ] && elf=$(dirname "$image")/$f
	done
	gdb_hint="qemu: waiting for gdb; attach with:"
	gdb_hint+=" gdb-multiarch $elf -ex 'target remote localhost:$port'"
fi
# Disks, in this order.  QEMU gives the first -device the virtio-mmio
# slot with the highest address (hw/arm/virt.c, create_virtio_devices),
# and the kernel names its disks vda, vdb, ... from the highest address
# down, so they are named in the order of the variables that have a value.
n=0
for var in QEMU_DISK QEMU_DISK2 QEMU_DISK_RO; do
	file=${!var:-}
	[ -n "$file" ] || continue
	if [ ! -f "$file" ]; then
		echo "qemu.sh: $var=$file: no such disk image" >&2
		exit 2
	fi
	ro=
	[ "$var" = QEMU_DISK_RO ] && ro=,readonly=on
	cmd+=(-drive "file=$file,format=raw,if=none,id=disk$n$ro"
		-device "virtio-blk-device,drive=disk$n")
	n=$((n + 1))
done
cmd+=("${extra[@]}" "$@")

# print it so that it can be pasted back into a shell
line=qemu:
for word in "${cmd[@]}"; do
	case $word in
	'' | *[!A-Za-z0-9_./,=:+@%-]*) line+=" '${word//\'/\'\\\'\'}'" ;;
	*) line+=" $word" ;;
	esac
done
echo "$line" >&2
[ -z "${gdb_hint:-}" ] || echo "$gdb_hint" >&2
exec "${cmd[@]}"
