#!/usr/bin/env bash
# Data for figures/paging-tables.tex: boot stage 1 with 128M, 1G and 4G of
# RAM and record what its ptdump counts (table pages per level, mappings
# per size).  Writes build/figures/paging-tables.dat.
set -eu
out=build/figures/paging-tables.dat
tmp=$(mktemp)
echo "config l0 l1 l2 l3 g1 m2 k4" > "$tmp"
for mem in 128M 1G 4G; do
	line=$(QEMU_MEM=$mem QEMU_APPEND=ptdump timeout 120 \
		boot/qemu.sh build/ch01/Image < /dev/null 2>/dev/null |
		grep -m1 'ptdump: tables' | tr -d '\r')
	# "ptdump: tables L0 1 L1 3 L2 3 L3 3; mappings 1G 0 2M 65 4K 192"
	set -- $(echo "${line#*ptdump: }" | tr -d ';' |
		 awk '{print $3, $5, $7, $9, $12, $14, $16}')
	[ $# -eq 7 ] || { echo "figures/01-paging.sh: no ptdump line at $mem" >&2; exit 1; }
	echo "$mem $*" >> "$tmp"
done
mv "$tmp" "$out"
cat "$out"
