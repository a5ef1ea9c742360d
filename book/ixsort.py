#!/usr/bin/env python3
"""A noweb filter that orders the index of identifiers for a reader.

    noweave ... -index -filter 'python3 book/ixsort.py' ...

It runs after noidx, which sorts the identifiers by their spelling: all
names that start with `_' first, and the tags of book/cdefs.py
(`struct page', `enum migratetype') together under `s' and `e'.  This
filter sorts them as a reader looks for them: by the name without its
leading underscores and without `struct', `union' or `enum', ignoring
case, so that `struct page' stands next to `page_address' and
`__free_pages' next to `free_pages'.
"""
import re
import sys


def key(name):
    bare = re.sub(r"^(struct|union|enum) ", "", name)
    return (bare.lstrip("_").lower(), bare.lower(), name)


def main():
    toks = sys.stdin.read().split("\n")
    out, i = [], 0
    while i < len(toks):
        out.append(toks[i])
        if toks[i] != "@index beginindex":
            i += 1
            continue
        i += 1
        entries = []
        while i < len(toks) and toks[i] != "@index endindex":
            if toks[i].startswith("@index entrybegin "):
                name = toks[i].split(" ", 3)[3]
                j = i
                while toks[j] != "@index entryend":
                    j += 1
                entries.append((key(name), toks[i:j + 1]))
                i = j + 1
            else:
                entries.append(((), [toks[i]]))
                i += 1
        for _, e in sorted(entries, key=lambda e: e[0]):
            out.extend(e)
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
