#!/usr/bin/env python3
"""A noweb filter that makes quotes in code print as straight quotes.

    noweave ... -filter 'python3 book/ttquotes.py' ...   (LaTeX edition only)

In the T1 encoding that the book's fonts use, the characters ' and ` are
typeset as the curly quotes ’ and ‘.  In code, and in code quoted in the
prose ([[...]]), they must print as themselves: this filter replaces each
one, in the text of code chunks and of quoted code, by the LaTeX command
for the straight glyph (\\textquotesingle, \\textasciigrave), which the
back end copies through as @literal.  In quoted code, a line may also
break after a slash (a long file name in a narrow table column), without
a hyphen, as a URL does.  The ligatures that would turn << into
a guillemet and -- into a dash are switched off in the typewriter font
itself (book/mmfonts.sty); book/checkcode.py checks the result in the PDF.
"""
import re
import sys

GLYPH = {"'": "{\\textquotesingle}", "`": "{\\textasciigrave}"}
SLASH = "/\\allowbreak{}"


def main():
    out, depth, quote = [], 0, False
    for tok in sys.stdin.read().split("\n"):
        if tok in ("@quote", "@endquote"):
            quote = tok == "@quote"
        if tok.startswith("@begin code ") or tok == "@quote":
            depth += 1
        elif tok.startswith("@end code ") or tok == "@endquote":
            depth -= 1
        special = "['`/]" if quote else "['`]"
        if depth > 0 and tok.startswith("@text ") and re.search(special, tok):
            for piece in re.split("(%s)" % special, tok[6:]):
                if piece in GLYPH:
                    out.append("@literal " + GLYPH[piece])
                elif piece == "/":
                    out.append("@literal " + SLASH)
                elif piece:
                    out.append("@text " + piece)
            continue
        out.append(tok)
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
