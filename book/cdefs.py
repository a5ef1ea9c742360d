#!/usr/bin/env python3
"""A noweb filter that finds the definitions of the book's identifiers.

    noweave -delay -filter 'python3 book/cdefs.py --latex' -index ...   (PDF)
    noweave -html  -filter 'python3 book/cdefs.py' -index ...           (HTML)

It runs before finduses, and replaces noweb's C heuristic (`-autodefs c',
which takes `inline' in `static inline int f(...)' for a name, misses
`#define PAGE_OFFSET UL(...)' and knows neither tags nor assembler).  Any
definition already in the input that is not an `@ %def' line is dropped,
so the filter may also run after `-autodefs c'.

What a chunk defines depends on the language of the file it belongs to,
found from the file-name chunks (`<<mm/page_alloc.c>>=') that use it,
directly or through other chunks.

C (.c, .h):
  * macros: `#define NAME' (include guards excepted);
  * functions in Linux style: the line that names the function starts in
    column 0 and the body's brace follows, on that line or at the start
    of a later one;
  * structure, union and enum tags with a body, indexed as `struct page',
    `union ...', `enum migratetype' (finduses then counts `struct page'
    as a use, and a variable called `page' as nothing);
  * typedefs, one line or many (`} pg_data_t;');
  * enum constants, also in a chunk used inside an enum's braces (the
    `<<page flags>>' hook of `enum pageflags');
  * variables defined at file scope: a declaration that starts in column 0
    and is not `extern'; `DEFINE_PER_CPU(type, name)',
    `DEFINE_SPINLOCK(name)', `LIST_HEAD(name)';
  * names made by the book's own macros: a column-0 invocation of a
    function-like macro followed by a brace (`MEMBLOCK_TEST(add_simple) {')
    defines its argument; one without a brace defines the functions whose
    names the macro pastes together (`PAGEFLAG(Buddy, buddy)' defines
    `PageBuddy', `SetPageBuddy', ...).
Assembler (.S): labels in column 0 (`primary_entry:'; not `.L' or
  numeric labels), `SYM_*_START(name)', `.macro name', `.set'/`.equ',
  and `#define'.
Linker script (.lds.S): symbol assignments (`__bss_start = .;'),
  `PROVIDE(name = ...)', and `#define'.

Three corrections to what finduses then finds:
  * finduses takes `#' as part of a word, so the `#S_ESR' of assembler
    (`stp x24, x25, [sp, #S_ESR]') is no use of `S_ESR'; the filter
    splits a `#' off the text that follows it.
  * noweb counts a use only in a chunk that does not define the
    identifier, so a function called only in its own chunk (`expand' by
    `__rmqueue_smallest') is reported as "never used".  With --latex the
    filter marks each definition whose chunk also uses it (outside the
    definition itself, a prototype, `.globl' and the like, and comments)
    with `\\nwselfused{label}', and book/mmindex.sty prints "used in this
    chunk" for it.
  * a name that a macro invocation makes by pasting (`PG_##lname' in
    PAGEFLAG) is nowhere in the text: the filter marks a use of it on the
    argument that goes into it (`buddy' in `PAGEFLAG(Buddy, buddy)').
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

USE = "\x01"            # stands for a chunk use (<<name>>) in a line's text
IDENT = r"[A-Za-z_]\w*"
FUNC_NAME = re.compile(r"([A-Za-z_]\w*)\s*\(")


# ---------------------------------------------------------------- chunks
class Chunk:
    """One code chunk: its name, its tokens, its source lines."""

    def __init__(self, name, toks):
        self.name = name
        self.toks = toks
        self.lines, self.uses, self.ends = [], [], []
        cur, uses = [], []
        for pos, tok in enumerate(toks):
            if tok.startswith("@text "):
                cur.append(tok[6:])
            elif tok.startswith("@use "):
                cur.append(USE)
                uses.append(tok[5:])
            elif tok == "@nl":
                self.lines.append("".join(cur))
                self.uses.append(uses)
                self.ends.append(pos)
                cur, uses = [], []
        if cur:
            self.lines.append("".join(cur))
            self.uses.append(uses)
            self.ends.append(None)
        self.clean = strip_comments(self.lines)
        self.used = [u for us in self.uses for u in us]


def strip_comments(lines):
    """The lines with comments, strings and character constants blanked
    (replaced by spaces, so that columns keep their place)."""
    out, in_comment = [], False
    for line in lines:
        res, i, n = [], 0, len(line)
        while i < n:
            if in_comment:
                j = line.find("*/", i)
                if j < 0:
                    res.append(" " * (n - i))
                    i = n
                else:
                    res.append(" " * (j + 2 - i))
                    i = j + 2
                    in_comment = False
            elif line.startswith("/*", i):
                in_comment = True
            elif line.startswith("//", i):
                res.append(" " * (n - i))
                i = n
            elif line[i] in "\"'":
                q, j = line[i], i + 1
                while j < n and line[j] != q:
                    j += 2 if line[j] == "\\" else 1
                j = min(j + 1, n)
                res.append(q + " " * (j - i - 2) + (q if j - i >= 2 else ""))
                i = j
            else:
                res.append(line[i])
                i += 1
        out.append("".join(res)[:n])
    return out


def file_scope_chunks(chunks):
    """The names of the chunks whose text is at file scope: the files, and
    the chunks that every use puts in column 0 outside any braces of a
    chunk at file scope."""
    sites = {}
    for ch in chunks:
        depth = 0
        for k, line in enumerate(ch.clean):
            col = 0
            for c in line:
                if c == USE:
                    sites.setdefault(ch.uses[k][col], []).append(
                        (ch.name, depth == 0 and line.index(USE) == 0
                         and not line[:line.index(USE)].strip()))
                    col += 1
                elif c == "{":
                    depth += 1
                elif c == "}":
                    depth = max(0, depth - 1)
    scope = {}

    def at_file_scope(name, seen=()):
        if name in scope:
            return scope[name]
        if name not in sites or file_language(name):
            scope[name] = True
            return True
        if name in seen:
            return False
        ok = all(col0 and at_file_scope(parent, seen + (name,))
                 for parent, col0 in sites[name])
        scope[name] = ok
        return ok
    return {ch.name for ch in chunks if at_file_scope(ch.name)}


def file_language(name):
    if name.endswith(".lds.S"):
        return "lds"
    if name.endswith(".S"):
        return "asm"
    if name.endswith((".c", ".h")):
        return "c"
    return None


def languages(chunks):
    """The languages of every chunk name, from the files that use it."""
    uses = {}
    for ch in chunks:
        uses.setdefault(ch.name, set()).update(ch.used)
    langs = {}
    for name in uses:
        lang = file_language(name)
        if lang is None:
            continue
        stack = [name]
        while stack:
            n = stack.pop()
            if lang in langs.setdefault(n, set()):
                continue
            langs[n].add(lang)
            stack.extend(uses.get(n, ()))
    return langs


# ---------------------------------------------------------------- C
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


def body_follows(lines, k, text):
    """True if the declarator starting on line k is followed by a body:
    the opening brace in column 0 after the declarator (lines in between
    continue the parameter list and must be indented or close it), or on
    the same line (`static inline int f(int a) { return a; }')."""
    depth = text.count("(") - text.count(")")
    if depth <= 0 and re.search(r"\)[^;]*\{", text):
        return True
    j = k + 1
    while j < len(lines) and j <= k + 8:
        t = lines[j]
        if depth <= 0:
            return t.startswith("{")
        if t[:1] not in (" ", "\t") and not t.startswith(")"):
            return False
        depth += t.count("(") - t.count(")")
        j += 1
    return False


def balanced_args(text, start):
    """The comma-separated arguments of the parenthesis at text[start],
    and the position after its closing parenthesis."""
    depth, args, cur = 0, [], []
    for i in range(start, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
            if depth == 1:
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args, i + 1
        elif c == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    return None, len(text)


def collect_macros(chunks):
    """Function-like macros of the book: name -> (parameters, body lines)."""
    macros = {}
    for ch in chunks:
        lines = ch.clean
        for k, line in enumerate(lines):
            m = re.match(r"\s*#\s*define\s+(%s)\(([^)]*)\)" % IDENT, line)
            if not m:
                continue
            params = [p.strip() for p in m.group(2).split(",")]
            body, j = [line[m.end():]], k
            while body[-1].rstrip().endswith("\\") and j + 1 < len(lines):
                body[-1] = body[-1].rstrip()[:-1]
                j += 1
                body.append(lines[j])
            macros[m.group(1)] = (params, body)
    return macros


def paste(token, params, args):
    """A token of a macro's body with `##' pasting, for these arguments,
    and the index of the argument it pastes in; None if an argument is
    not a plain word."""
    out, which = [], None
    for p in token.split("##"):
        if p in params:
            i = params.index(p)
            a = args[i] if i < len(args) else ""
            if not re.fullmatch(r"\w+", a):
                return None, None
            out.append(a)
            which = i
        else:
            out.append(p)
    return "".join(out), which


def pasted_functions(macro, args):
    """The functions that a macro's body declares with a pasted name,
    for these arguments (PAGEFLAG(Buddy, buddy) -> PageBuddy, ...)."""
    params, body = macro
    names = []
    for line in body:
        m = re.match(r"\s*(?:static\s+)?(?:inline\s+)?[\w\s\*]*?\b([\w#]*##[\w#]*)\s*\(",
                     line)
        if not m or line.rstrip().endswith(";"):
            continue
        name, _ = paste(m.group(1), params, args)
        if name:
            names.append(name)
    return names


def pasted_uses(macro, args):
    """The other names that a macro's body pastes together, each with the
    index of the argument that goes into it (PAGEFLAG(Buddy, buddy) uses
    PG_buddy, through its second argument)."""
    params, body = macro
    declared = set(pasted_functions(macro, args))
    uses = []
    for line in body:
        for tok in re.findall(r"\w*(?:##\w+)+|\w+##", line):
            name, which = paste(tok, params, args)
            if name and which is not None and name not in declared:
                uses.append((name, which))
    return uses


def enum_items(body):
    """The constants of an enum body (comments already blanked)."""
    names, depth, cur = [], 0, []
    for c in body + ",":
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            m = re.match(r"\s*(%s)\s*(=|$)" % IDENT, "".join(cur))
            if m and m.group(1) not in NOT_NAMES:
                names.append(m.group(1))
            cur = []
        else:
            cur.append(c)
    return names


def joined(ch):
    """The chunk's clean text in one string, and the line of each offset."""
    text = "\n".join(ch.clean)
    line_at, k = [], 0
    for c in text:
        line_at.append(k)
        if c == "\n":
            k += 1
    return text, line_at


def matching_brace(text, i):
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def use_names_in(ch, text, a, b):
    """The chunks used between offsets a and b of the joined text."""
    before = text[:a].count(USE)
    return ch.used[before:before + text[a:b].count(USE)]


def c_definitions(ch, macros, enum_bodies, defs, scope, pastes):
    """Add (line, name) of every C definition in the chunk to defs.  The
    lines in column 0 outside braces are at file scope if the chunk is
    (scope), and they are where variables are defined.  A use that a
    macro invocation makes by pasting goes to pastes, as (line, macro,
    argument, name)."""
    lines, clean = ch.lines, ch.clean
    text, line_at = joined(ch)
    guard = None
    for k, line in enumerate(clean):
        # macros (the #ifndef/#define pair of an include guard excepted)
        m = re.match(r"\s*#\s*ifndef\s+(%s)" % IDENT, line)
        if m:
            guard = m.group(1)
            continue
        m = re.match(r"\s*#\s*define\s+(%s)" % IDENT, line)
        if m:
            if m.group(1) != guard or not re.fullmatch(r"_+[A-Z0-9_]*_H_*", guard):
                defs.append((k, m.group(1)))
            guard = None
            continue
        if line.strip():
            guard = None

    # struct, union and enum tags with a body; enum constants
    for m in re.finditer(r"\b(struct|union|enum)(\s+(%s))?\s*\{" % IDENT, text):
        if m.group(3):
            defs.append((line_at[m.start(3)], "%s %s" % (m.group(1), m.group(3))))
        if m.group(1) == "enum":
            a = m.end()
            b = matching_brace(text, m.end() - 1)
            body = text[a:b]
            for name in enum_items(body.replace(USE, " ")):
                pos = a + re.search(r"(?<!\w)%s(?!\w)" % name, body).start()
                defs.append((line_at[pos], name))
            enum_bodies.update(use_names_in(ch, text, a, b))

    # typedefs
    for m in re.finditer(r"(?m)^[ \t]*typedef\b", text):
        depth, i = 0, m.end()
        while i < len(text):
            c = text[i]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c == ";" and depth == 0:
                break
            i += 1
        decl = text[m.end():i]
        fp = re.search(r"\(\s*\*\s*(%s)\s*\)\s*\(" % IDENT, decl)
        if fp:
            defs.append((line_at[m.end() + fp.start(1)], fp.group(1)))
            continue
        decl = re.sub(r"\[[^\]]*\]\s*$", "", decl.rstrip())
        last = re.search(r"(%s)\s*$" % IDENT, decl)
        if last and last.group(1) not in NOT_NAMES:
            defs.append((line_at[m.end() + last.start(1)], last.group(1)))

    # functions, macro invocations and variables, all starting in column 0
    # (and not in the body of a macro)
    in_macro, cont = set(), False
    for k, line in enumerate(clean):
        if cont or re.match(r"\s*#", line):
            in_macro.add(k)
        cont = line.rstrip().endswith("\\") and (cont or re.match(r"\s*#", line))
    file_scope, depth = set(), 0
    for k, line in enumerate(clean):
        if scope and depth == 0:
            file_scope.add(k)
        if k not in in_macro:
            depth = max(0, depth + line.count("{") - line.count("}"))
    for k, line in enumerate(clean):
        if k in in_macro or (not line[:1].isalpha() and line[:1] != "_"):
            continue
        if re.match(r"(typedef|extern)\b|(struct|union|enum)\s+%s\s*;" % IDENT, line):
            continue
        # a macro of the book invoked in column 0
        m = re.match(r"(?:static\s+)?(%s)\s*\(" % IDENT, line)
        if m and k not in file_scope:
            m = None
        if m and m.group(1) in macros:
            start = sum(len(l) + 1 for l in clean[:k]) + m.end() - 1
            args, after = balanced_args(text, start)
            if args is None:
                continue
            rest = text[after:after + 200].lstrip()
            params, body = macros[m.group(1)]
            if rest.startswith("{"):
                if args and re.fullmatch(IDENT, args[0]) and any(
                        re.search(r"\b%s\s*\(" % re.escape(params[0]), b)
                        for b in body if params):
                    defs.append((k, args[0]))
            elif m.group(1).startswith("DEFINE_") or m.group(1) == "LIST_HEAD":
                if args and re.fullmatch(IDENT, args[-1]):
                    defs.append((k, args[-1]))
            else:
                for name in pasted_functions(macros[m.group(1)], args):
                    defs.append((k, name))
                for name, which in pasted_uses(macros[m.group(1)], args):
                    pastes.append((k, m.group(1), which, name))
            continue
        if m and (m.group(1).startswith("DEFINE_") or m.group(1) == "LIST_HEAD"):
            start = sum(len(l) + 1 for l in clean[:k]) + m.end() - 1
            args, _ = balanced_args(text, start)
            if args and re.fullmatch(IDENT, args[-1]):
                defs.append((k, args[-1]))
            continue
        name = function_name(line)
        if name is not None:
            if body_follows(clean, k, line):
                defs.append((k, name))
            continue
        if k not in file_scope:
            continue
        first = strip_attributes(line.split("=")[0])
        if (re.match(r"(struct|union|enum)\s+%s\s*\{" % IDENT, line)
                or re.match(r"%s\s*:" % IDENT, line)
                or re.match(r"[^(]*\((?!\s*\*)", first)):
            continue
        # a variable: the declarators up to `=' or `;'
        start = sum(len(l) + 1 for l in clean[:k])
        depth, i, heads, cur = 0, start, [], []
        while i < len(text):
            c = text[i]
            if depth == 0 and c == "{" and not re.search(
                    r"\b(struct|union|enum)(\s+%s)?\s*$" % IDENT, "".join(cur)):
                heads = []              # a body: not a variable
                break
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            if depth == 0 and c in ",;=":
                heads.append(("".join(cur), i))
                if c != ",":
                    break
                cur = []
            else:
                cur.append(c)
            i += 1
        for n, (head, end) in enumerate(heads):
            head = strip_attributes(head)
            head = re.sub(r"\[[^\]]*\]", " ", head)
            fp = re.search(r"\(\s*\*\s*(%s)\s*\)" % IDENT, head)
            words = [w for w in re.findall(IDENT, head) if w not in NOT_NAMES]
            name = fp.group(1) if fp else (words[-1] if words else None)
            if name and (fp or len(re.findall(IDENT, head)) >= 2 or n > 0):
                defs.append((line_at[min(end, len(line_at) - 1)], name))


def strip_attributes(text):
    text = re.sub(r"__attribute__\s*\(\(.*?\)\)", " ", text)
    return re.sub(r"\b(__aligned|__section|__printf)\s*\([^)]*\)", " ", text)


def enum_body_definitions(ch, defs):
    """Enum constants of a chunk used inside an enum's braces."""
    text, line_at = joined(ch)
    body = text.replace(USE, " ")
    for name in enum_items(body):
        pos = re.search(r"(?<!\w)%s(?!\w)" % name, body).start()
        defs.append((line_at[pos], name))


# ---------------------------------------------------------------- assembler
# What defines a name on one line of assembler or of the linker script.
# (definitions are sorted by line and name afterwards, so order is free)
DEFINE_RE = re.compile(r"\s*#\s*define\s+(%s)" % IDENT)
ASM_RES = [re.compile(r"([A-Za-z_$][\w$.]*)\s*:"),             # label:
           re.compile(r"\s*\.macro\s+(%s)" % IDENT),
           re.compile(r"\s*\.(?:set|equ|equiv)\s+(%s)\s*," % IDENT),
           DEFINE_RE]
SYM_RE = re.compile(r"\bSYM_\w*START\w*\(\s*(%s)" % IDENT)
LDS_RE = re.compile(r"\s*(?:PROVIDE(?:_HIDDEN)?\s*\(\s*)?(%s)\s*=[^=]" % IDENT)


def asm_definitions(ch, defs):
    for k, line in enumerate(ch.clean):
        for rx in ASM_RES:
            m = rx.match(line)
            if m and not m.group(1).startswith(".L"):   # .L: local labels
                defs.append((k, m.group(1)))
        defs.extend((k, m.group(1)) for m in SYM_RE.finditer(line))


def lds_definitions(ch, defs):
    for k, line in enumerate(ch.clean):
        ms = [LDS_RE.match(stmt) for stmt in line.split(";")]
        defs.extend((k, m.group(1)) for m in ms + [DEFINE_RE.match(line)] if m)


# ---------------------------------------------------------------- self uses
def word_re(name):
    if " " in name:
        kw, tag = name.split(" ", 1)
        return re.compile(r"(?<![\w.>])%s\s+%s(?!\w)" % (kw, re.escape(tag)))
    return re.compile(r"(?<![\w.])(?<!->)%s(?!\w)" % re.escape(name))


def not_a_use(line, name):
    """True if a line that names `name' only declares it."""
    n = re.escape(name)
    s = line.strip()
    return bool(
        re.match(r"\.(globl|global|type|size|weak|hidden)\s+%s\b" % n, s)
        or re.match(r"SYM_\w*END\w*\(\s*%s\s*\)" % n, s)
        or re.match(r"#\s*undef\s+%s\b" % n, s)
        or re.match(r"extern\b", s)
        or (function_name(line) == name and s.endswith(";")))


def used_in_chunk(ch, k, name):
    """True if the chunk uses `name', defined on its line k, elsewhere than
    in the definition itself."""
    rx = word_re(name)
    for j, line in enumerate(ch.clean):
        hits = list(rx.finditer(line))
        if j == k:
            hits = hits[1:]
        if hits and not not_a_use(line, name):
            return True
    return False


def ident_label(name):
    """The label that noweb's totex gives an identifier."""
    return "".join(c if c.isalnum() else
                   {"_": ":un", " ": ":sp"}.get(c, ":%02x" % ord(c))
                   for c in name)


# ---------------------------------------------------------------- output
def split_hashes(tok):
    """Split `#' off the text that follows it (finduses takes `#' for a
    letter, so that `#S_ESR' would hide a use of S_ESR)."""
    if not tok.startswith("@text ") or "#" not in tok:
        return [tok]
    pieces = re.split(r"(#+)", tok[6:])
    return ["@text " + p for p in pieces if p]


def link_arguments(tok, links):
    """The text of a line that invokes a macro, with a use of each name
    the macro pastes together marked on the argument that goes into it
    (noweb then links `buddy' in `PAGEFLAG(Buddy, buddy)' to PG_buddy)."""
    text = tok[6:]
    macro = links[0][0]
    m = re.search(r"\b%s\s*\(" % re.escape(macro), text)
    if not m:
        return split_hashes(tok)
    spans, start, depth = [], m.end(), 1
    for i in range(m.end(), len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if (c == "," and depth == 1) or depth == 0:
            a = text[start:i]
            spans.append((start + len(a) - len(a.lstrip()), start + len(a.rstrip())))
            start = i + 1
            if depth == 0:
                break
    out, at = [], 0
    for _, which, name in sorted(links, key=lambda l: spans[l[1]][0]
                                      if l[1] < len(spans) else -1):
        if which >= len(spans):
            continue
        a, b = spans[which]
        if a < at:
            continue
        out.append("@text " + text[at:a])
        out.append("@index use " + name)
        out.append("@text " + text[a:b])
        at = b
    out.append("@text " + text[at:])
    return [t for t in out if t != "@text "]


STUB = re.compile(r": stub for exercise [0-9]+\.[0-9]+$")


def main():
    latex = "--latex" in sys.argv[1:]
    data = sys.stdin.read().split("\n")
    # Split the stream into code chunks and the rest.
    parts, i = [], 0
    while i < len(data):
        if data[i].startswith("@begin code "):
            j, name = i, None
            while j < len(data) and not data[j].startswith("@end code "):
                if name is None and data[j].startswith("@defn "):
                    name = data[j][6:]
                j += 1
            toks = data[i:j + 1]
            # Drop definitions other than those of `@ %def' lines, which
            # end with `@index nl'.
            kept, k = [], 0
            while k < len(toks):
                if re.match(r"@index (?:local)?defn ", toks[k]):
                    e = k
                    while e < len(toks) and re.match(r"@index (?:local)?defn ", toks[e]):
                        e += 1
                    if e < len(toks) and toks[e] == "@index nl":
                        kept.extend(toks[k:e])
                    k = e
                    continue
                kept.append(toks[k])
                k += 1
            parts.append(Chunk(name or "", kept))
            i = j + 1
        else:
            parts.append(data[i])
            i += 1
    chunks = [p for p in parts if isinstance(p, Chunk)]
    langs = languages(chunks)
    c_chunks = [ch for ch in chunks if "c" in langs.get(ch.name, {"c"})
                or "asm" in langs.get(ch.name, ())]
    macros = collect_macros(c_chunks)
    scoped = file_scope_chunks(chunks)

    enum_bodies = set()
    found, pasted = {}, {}
    for ch in chunks:
        defs = []
        lang = langs.get(ch.name, {"c"})
        if STUB.search(ch.name):
            # A graded exercise's stub defines nothing: the student
            # edition compiles it in place of the solution, which does.
            found[id(ch)] = defs
            continue
        if "c" in lang:
            c_definitions(ch, macros, enum_bodies, defs, ch.name in scoped,
                          pasted.setdefault(id(ch), []))
        if "asm" in lang:
            asm_definitions(ch, defs)
        if "lds" in lang:
            lds_definitions(ch, defs)
        found[id(ch)] = defs
    for ch in chunks:
        if ch.name in enum_bodies:
            enum_body_definitions(ch, found[id(ch)])

    all_names = {name for defs in found.values() for _, name in defs}
    out = []
    for p in parts:
        if not isinstance(p, Chunk):
            out.append(p)
            continue
        manual = {re.match(r"@index (?:local)?defn (.*)", t).group(1)
                  for t in p.toks if re.match(r"@index (?:local)?defn ", t)}
        inserts, seen = {}, set(manual)
        pasted_here = {name for _, _, _, name in pasted.get(id(p), ())}
        for k, name in sorted(found[id(p)]):
            if name in seen or name in NOT_NAMES:
                continue
            seen.add(name)
            at = p.ends[k] if k < len(p.ends) and p.ends[k] is not None else len(p.toks) - 1
            toks = inserts.setdefault(at, [])
            toks.append("@index defn " + name)
            if latex and (used_in_chunk(p, k, name) or name in pasted_here):
                toks.append("@literal \\nwselfused{%s}" % ident_label(name))
        for name in manual:
            if latex and used_in_chunk(p, -1, name):
                # the definition itself is somewhere in the chunk: count it
                rx = word_re(name)
                n = sum(len(rx.findall(l)) for l in p.clean
                        if not not_a_use(l, name))
                if n > 1:
                    inserts.setdefault(len(p.toks) - 1, []).append(
                        "@literal \\nwselfused{%s}" % ident_label(name))
        links = {}
        for k, macro, which, name in pasted.get(id(p), ()):
            if name in all_names:
                links.setdefault(k, []).append((macro, which, name))
        code = p.toks[0].startswith("@begin code")
        line = 0
        for pos, tok in enumerate(p.toks):
            if pos in inserts:
                out.extend(inserts[pos])
            if tok == "@nl":
                line += 1
            if line in links and tok.startswith("@text "):
                out.extend(link_arguments(tok, links.pop(line)))
                continue
            out.extend(split_hashes(tok) if code else [tok])
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
