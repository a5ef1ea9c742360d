#!/usr/bin/env bash
# Data for figures/vmalloc-cost.tex: the instructions of one allocation of
# two pages (a page and its guard page) between n live one-page areas,
# each with a one-page hole below it, for n = 10 to 15,000: stage 5's
# alloc_vmap_area, and the first-fit list of tests/bench/firstfit.h under
# the same workload.  Stage 5's area allocator is built natively (-O2, as
# `make bench' builds it, into build/bench-figures) and callgrind counts
# the instructions of alloc_vmap_area and of the list's ff_alloc alone,
# which the in-kernel benchmark's clock, one tick per 16 instructions,
# cannot single out of a loop of allocations and frees
# (tests/bench/README.md).  Writes build/figures/vmalloc-cost.dat:
#
#   live tree list treepair listpair
#
# with the pairs' (allocation and free) instructions in the last columns.
# The counts are the same for any number of operations (2000 here, to be
# quick: about 10 s of CPU for the ten callgrind runs).
set -eu
out=build/figures/vmalloc-cost.dat
MAKEFLAGS= MFLAGS= make --no-print-directory -f tests/bench/bench.mk STAGE=5 \
	OUT=build/bench-figures > /dev/null
BENCH_N=2000 BENCH_BIN=build/bench-figures/bench tests/bench/run vmap-cost \
	10 100 1000 5000 15000 > "$out.tmp"
[ "$(wc -l < "$out.tmp")" = 6 ] ||
	{ echo "figures/05-vmalloc.sh: no data" >&2; exit 1; }
mv "$out.tmp" "$out"
cat "$out"
