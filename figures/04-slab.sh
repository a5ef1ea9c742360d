#!/usr/bin/env bash
# Data for figures/slab-usage.tex: boot stage 4 (128M, one CPU) with
# "slabwork", which runs a workload of three caches and kmalloc, frees two
# objects in three and prints /proc/slabinfo, then shrinks every cache and
# prints it again (chapters/04-slab.nw, "Measured: caches after a
# workload").  Keep, for each cache that has any slab after the frees, its
# active objects and its objects after the frees and after the shrink.
# Writes build/figures/slab-usage.dat: one row per cache, in the order of
# slab_caches, with the name, the name as TeX prints it (_ as \_), the
# object size, and "in use / capacity (per cent)" as TeX prints it.
set -eu
out=build/figures/slab-usage.dat
log=$(QEMU_MEM=128M QEMU_SMP=1 QEMU_APPEND="slabwork" timeout 120 \
	boot/qemu.sh build/ch04/Image < /dev/null 2>/dev/null | tr -d '\r')
echo "$log" | sed 's/^\[[^]]*\] //' | awk '
	/^slabwork: / { n++; next }
	n && /^slabinfo - version: 2\.1$/ { next }
	n && /^# name/ { next }
	n && NF == 16 && $7 == ":" && $8 == "tunables" {
		if (n == 1) { order[++rows] = $1; active[$1] = $2; total[$1] = $3; size[$1] = $4 }
		else shrunk[$1] = $3
		next
	}
	n && /^stage 4:/ { exit }
	END {
		if (n != 2) { print "figures/04-slab.sh: two slabwork reports expected" > "/dev/stderr"; exit 1 }
		print "cache label inuse capacity shrunk objsize note"
		for (i = 1; i <= rows; i++) {
			c = order[i]
			if (total[c] == 0) continue
			l = c; gsub(/_/, "\\_", l)
			note = sprintf("%d\\,/\\,%d~(%d\\,\\%%)", active[c], total[c], int(100 * active[c] / total[c] + 0.5))
			print c, l, active[c], total[c], shrunk[c], size[c], note
		}
	}' > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
