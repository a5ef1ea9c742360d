#!/usr/bin/env bash
# Data for figures/boot-smp.tex: boot stage 0 with 1, 2, 4 and 8 CPUs and
# record, from the kernel's own time stamps, when setup_arch had finished
# (the "psci:" line) and when every CPU was online ("smp: N of N").
# Writes build/figures/boot-smp.dat (times in milliseconds since reset).
set -eu
out=build/figures/boot-smp.dat
tmp=$(mktemp)
echo "cpus setup online" > "$tmp"
stamp() { sed -n "s/^\[ *\([0-9]*\)\.\([0-9]*\)\] $1.*/\1 \2/p" | head -1 |
	  awk '{ printf "%.3f", ($1 * 1000000 + $2) / 1000 }'; }
for smp in 1 2 4 8; do
	log=$(QEMU_SMP=$smp timeout 120 boot/qemu.sh build/ch00/Image \
		< /dev/null 2>/dev/null | tr -d '\r')
	setup=$(echo "$log" | stamp 'psci:')
	online=$(echo "$log" | stamp "smp: $smp of $smp CPUs online")
	[ -n "$setup" ] && [ -n "$online" ] ||
		{ echo "figures/00-boot.sh: no time stamps with $smp CPUs" >&2; exit 1; }
	echo "$smp $setup $online" >> "$tmp"
done
mv "$tmp" "$out"
cat "$out"
