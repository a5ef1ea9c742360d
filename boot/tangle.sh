#!/usr/bin/env bash
# Tangle one stage of the kernel.
#
#   boot/tangle.sh OUTDIR FILE.nw...
#
# Every root chunk of the given noweb files is a file of the stage's source
# tree, named by its path (<<mm/page_alloc.c>>=).  Each root is extracted with
# notangle into OUTDIR.  C, assembler and linker-script roots get #line
# directives (notangle -L) so that compiler messages and gdb point at the .nw
# file.  A file whose contents did not change keeps its timestamp, so make
# rebuilds only what a change touched.  Any notangle warning (an undefined
# chunk, for example) fails the stage, and so does a root that is not a file
# name: that is almost always a chunk that was defined but never used.
set -euo pipefail

out=$1; shift
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

roots=$(noroots "$@" | sed -e 's/^<<//' -e 's/>>$//')
status=0
: > "$tmp/list"
while IFS= read -r root; do
	[ -n "$root" ] || continue
	case "$root" in
	*/* | Makefile | *.[chS] | *.lds | *.txt) ;;
	*)
		echo "tangle: root chunk <<$root>> is not a file name;" \
		     "is it a chunk that nothing uses?" >&2
		status=1
		continue ;;
	esac
	case "$root" in
	*.[ch] | *.S) line=(-L) ;;
	*)            line=() ;;
	esac
	mkdir -p "$tmp/new/$(dirname "$root")"
	if ! notangle "${line[@]}" -R"$root" "$@" > "$tmp/new/$root" 2> "$tmp/err" \
	   || [ -s "$tmp/err" ]; then
		echo "tangle: <<$root>>:" >&2
		sed 's/^/  /' "$tmp/err" >&2
		status=1
		continue
	fi
	echo "$root" >> "$tmp/list"
	dest="$out/$root"
	mkdir -p "$(dirname "$dest")"
	if ! cmp -s "$tmp/new/$root" "$dest" 2>/dev/null; then
		cp "$tmp/new/$root" "$dest"
	fi
done <<< "$roots"
[ "$status" = 0 ] || exit "$status"

# Remove files that are no longer roots of this stage (a renamed chunk).
(cd "$out" && find . -type f ! -name '.*' | sed 's|^\./||') | sort > "$tmp/have"
sort "$tmp/list" > "$tmp/want"
comm -23 "$tmp/have" "$tmp/want" | while IFS= read -r stale; do
	rm -f "$out/$stale"
done
exit 0
