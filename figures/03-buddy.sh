#!/usr/bin/env bash
# Data for figures/buddy-freelists.tex: boot stage 3 (128M) with
# "pagetypeinfo fragment", which prints /proc/pagetypeinfo at boot and
# after a fragmenting workload, and keep the free-block counts of each
# order and migratetype of the two reports.
# Writes build/figures/buddy-freelists.dat.
set -eu
out=build/figures/buddy-freelists.dat
log=$(QEMU_MEM=128M QEMU_APPEND="pagetypeinfo fragment" timeout 120 \
	boot/qemu.sh build/ch03/Image < /dev/null 2>/dev/null | tr -d '\r')
echo "$log" | awk '
	/zone .*type +Unmovable/ { n++ }
	/zone .*type/ {
		t = ""
		if ($0 ~ /type +Unmovable/) t = "unmovable"
		if ($0 ~ /type +Movable/) t = "movable"
		if ($0 ~ /type +Reclaimable/) t = "reclaimable"
		if (t == "") next
		k = 0
		for (i = NF - 10; i <= NF; i++) c[n, t, k++] = $i
	}
	END {
		if (n < 2) { print "figures/03-buddy.sh: two reports expected" > "/dev/stderr"; exit 1 }
		print "order bootunmovable bootmovable bootreclaimable fragunmovable fragmovable fragreclaimable"
		for (o = 0; o <= 10; o++)
			print o, c[1, "unmovable", o], c[1, "movable", o], c[1, "reclaimable", o],
			      c[2, "unmovable", o], c[2, "movable", o], c[2, "reclaimable", o]
	}' > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
