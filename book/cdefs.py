#!/usr/bin/env python3
"""A noweb filter that corrects the C definitions found by `-autodefs c'.

    noweave -delay -autodefs c -filter 'python3 book/cdefs.py' -index ...

noweb's C heuristic (autodefs.c) runs first.  It finds macros, global
variables and typedefs, but it takes the word `inline' in
`static inline int f(...)' for the name being defined, and it misses
functions whose specifiers it does not know (`static inline', `__init')
or whose name starts a line of its own.  This filter, which runs between
autodefs and finduses in noweave's pipeline, removes definitions of C
keywords and of the kernel's attribute macros, and adds a definition for
every function written in Linux style (it also drops include guards): the line that names the function
starts in column 0, and the body's opening brace stands alone at the start
of a later line.  Identifiers that no heuristic finds (a structure tag, for
instance) can be declared by hand with noweb's `@ %def name' line after the
chunk.
"""
import re
import sys

NOT_NAMES = {
    # C keywords
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "_Bool", "_Noreturn",
    "__inline", "__inline__", "__volatile__", "asm", "__asm__", "typeof",
    "__typeof__", "_Static_assert",
    # attribute and section macros used in Linux-style code
    "__init", "__initdata", "__initconst", "__exit", "__ref", "__refdata",
    "__always_inline", "noinline", "notrace", "asmlinkage", "__noreturn",
    "__maybe_unused", "__weak", "__used", "__aligned", "__packed",
    "__section", "__attribute__", "__must_check", "__cold", "__pure",
    "__percpu", "__iomem", "__user", "__kernel", "__force", "__read_mostly",
    "__ro_after_init", "__visible", "__naked", "__printf", "__nocfi",
    "__cacheline_aligned", "__cacheline_aligned_in_smp", "__page_aligned_bss",
    "__page_aligned_data", "__noinstr", "noinstr", "__no_sanitize_address",
    "__latent_entropy",
}

FUNC_NAME = re.compile(r"([A-Za-z_]\w*)\s*\(")


def function_name(first_line):
    """The name a column-0 line declares as a function, or None."""
    if not first_line or not (first_line[0].isalpha() or first_line[0] == "_"):
        return None
    if first_line.rstrip().endswith(";") or "=" in first_line.split("(")[0]:
        return None
    m = FUNC_NAME.search(first_line)
    if not m:
        return None
    name = m.group(1)
    if name in NOT_NAMES or name.startswith("__attribute"):
        return None
    # The words before the name must look like specifiers and a type.
    before = first_line[:m.start()]
    if re.search(r"[^\w\s\*]", before):
        return None
    return name


def source_lines(chunk):
    """The text of each source line of a chunk, the line of each token, and
    the position of the token that ends each complete line."""
    lines, line_of, ends, cur = [], [], [], []
    for pos, tok in enumerate(chunk):
        line_of.append(len(lines))
        if tok.startswith("@text "):
            cur.append(tok[6:])
        elif tok.startswith("@use "):
            cur.append("<<" + tok[5:] + ">>")
        elif tok == "@nl":
            lines.append("".join(cur))
            ends.append(pos)
            cur = []
    lines.append("".join(cur))
    return lines, line_of, ends


def is_type_word(name, line):
    """True if `name' is followed on its line by the identifier it declares.

    autodefs takes the type in `static u64 read_cells(...)' for the name
    being defined, as it takes `inline' in `static inline int f(...)'."""
    return re.search(r"(?<![\w.>])%s\s+\**\s*[A-Za-z_]\w*\s*[(\[;=,:)]"
                     % re.escape(name), line) is not None


def process(chunk):
    """Correct the definitions in one code chunk (a list of tool lines)."""
    lines, line_of, _ = source_lines(chunk)
    kept = []
    for pos, tok in enumerate(chunk):
        m = re.match(r"@index (?:local)?defn (\S+)$", tok)
        if m and (m.group(1) in NOT_NAMES
                  or re.match(r"_+[A-Z0-9_]*_H_*$", m.group(1))  # include guard
                  or is_type_word(m.group(1), lines[line_of[pos]])):
            continue
        kept.append(tok)
    defined = {re.match(r"@index (?:local)?defn (\S+)$", t).group(1)
               for t in kept if re.match(r"@index (?:local)?defn \S+$", t)}

    # The source lines of what is kept, and where each complete one ends.
    lines, _, ends = source_lines(kept)
    lines = lines[:len(ends)]

    inserts = {}
    for k, text in enumerate(lines):
        name = function_name(text)
        if name is None or name in defined:
            continue
        # Find the opening brace in column 0 after the declarator; lines in
        # between continue the parameter list and must be indented or
        # close it.
        depth = text.count("(") - text.count(")")
        j = k + 1
        # A one-line definition: `static inline int f(int a) { return a; }'
        ok = depth <= 0 and re.search(r"\)\s*\{", text) is not None
        while not ok and j < len(lines) and j <= k + 8:
            t = lines[j]
            if depth <= 0:
                ok = t.startswith("{")
                break
            if t[:1] not in (" ", "\t") and not t.startswith(")"):
                break
            depth += t.count("(") - t.count(")")
            j += 1
        if ok:
            kind = "localdefn" if re.match(r"\s*static\b", text) else "defn"
            inserts[ends[k]] = "@index %s %s" % (kind, name)
            defined.add(name)

    out = []
    for pos, tok in enumerate(kept):
        if pos in inserts:
            out.append(inserts[pos])
        out.append(tok)
    return out


def main():
    data = sys.stdin.read().split("\n")
    out, i = [], 0
    while i < len(data):
        if data[i].startswith("@begin code "):
            j = i
            while j < len(data) and not data[j].startswith("@end code "):
                j += 1
            out.extend(process(data[i:j + 1]))
            i = j + 1
        else:
            out.append(data[i])
            i += 1
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
