#!/usr/bin/env bash
# tests/figures.sh LAST: make the data of the book's measured figures.
#
# Each chapter that measures something has a script figures/NN-name.sh that
# boots its stage (build/chNN/Image must exist) and writes
# build/figures/*.dat.  This runs those of stages 0..LAST.
set -eu
last=${1:?usage: tests/figures.sh LAST}
cd "$(dirname "$0")/.."
mkdir -p build/figures
for script in figures/[0-9][0-9]-*.sh; do
	[ -e "$script" ] || continue
	stage=$((10#$(basename "$script" | cut -c1-2)))
	[ "$stage" -le "$last" ] || continue
	echo "  FIGURES $script"
	bash "$script"
done
