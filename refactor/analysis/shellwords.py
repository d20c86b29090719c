"""Read a shell-form command as ``/bin/sh -c`` would, when that is simple.

``simple_words(text)`` returns the words a POSIX shell would pass to
``execve`` for ``text``, or a one-line reason why it cannot be sure: the
text uses a shell feature (variables, substitution, globbing, redirection,
pipes, lists, comments, tilde, braces, assignments) or starts with a shell
builtin or keyword.

It accepts a deliberately small language: words of plain characters,
single quotes, double quotes without ``$`` or backquote, and backslash
escapes. Anything else is refused, so an accepted command means exactly
the same words in exec form. This was chosen over bashlex after measuring
(bashlex: about 150 ms to import, 0.17 ms a command, and it does not flag
globs such as ``*.txt``, so the same hand check would still be needed).
"""

from __future__ import annotations

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")
_BLANKS = " \t"

_MEANING = {
    "$": "`$` expands a variable or substitutes a command",
    "`": "a backquote substitutes a command",
    ";": "`;` runs a list of commands",
    "&": "`&` chains commands or runs one in the background",
    "|": "`|` pipes or chains commands",
    "<": "`<` redirects input",
    ">": "`>` redirects output",
    "(": "`(` starts a subshell",
    ")": "`)` ends a subshell",
    "*": "`*` is a glob",
    "?": "`?` is a glob",
    "[": "`[` is a glob",
    "]": "`]` belongs to a glob or test",
    "{": "`{` is a brace group",
    "}": "`}` is a brace group",
    "~": "`~` expands to a home directory",
    "#": "`#` starts a shell comment",
    "!": "`!` negates a command",
    "^": "`^` is special in some shells",
    "\n": "a newline separates commands",
}

# POSIX special builtins, regular builtins, reserved words, and the usual
# shell extras. Exec form would need a binary of that name; for some
# (`cd`, `export`, `exit`) there is none, for others (`echo`, `test`) the
# binary may behave differently from the builtin.
SHELL_BUILTINS = frozenset(
    """
    . : break continue eval exec exit export readonly return set shift times trap unset
    alias bg cd command false fc fg getopts hash jobs kill newgrp pwd read true umask unalias wait
    ulimit source local type let declare typeset echo printf test [ [[ ]]
    if then else elif fi do done case esac while until for in function select ! { } time
    """.split()
)


class NotSimple(ValueError):
    """The command uses a shell feature; str() is the one-line reason."""


def simple_words(text: str) -> list[str]:
    """The argv ``sh -c text`` would run, or raise NotSimple(reason)."""
    words: list[str] = []
    cur: list[str] = []
    in_word = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _BLANKS:
            if in_word:
                words.append("".join(cur))
                cur, in_word = [], False
            i += 1
            continue
        if ch == "#" and not in_word:
            raise NotSimple(_MEANING["#"])
        in_word = True
        if ch in _PLAIN or (ch > "\x7f" and ch.isprintable() and not ch.isspace()):
            cur.append(ch)
            i += 1
        elif ch == "\\":
            if i + 1 >= n:
                raise NotSimple("ends with a lone backslash")
            nxt = text[i + 1]
            if not nxt.isprintable():
                raise NotSimple("escapes a control character")
            cur.append(nxt)
            i += 2
        elif ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise NotSimple("has an unterminated single quote")
            cur.append(text[i + 1 : end])
            i = end + 1
        elif ch == '"':
            i += 1
            while True:
                if i >= n:
                    raise NotSimple("has an unterminated double quote")
                c = text[i]
                if c == '"':
                    i += 1
                    break
                if c in "$`":
                    raise NotSimple(_MEANING[c] + " (inside double quotes)")
                if c == "\\" and i + 1 < n and text[i + 1] in '"\\$`':
                    cur.append(text[i + 1])
                    i += 2
                    continue
                cur.append(c)
                i += 1
        elif ch in "&|" and text.startswith(ch * 2, i):
            raise NotSimple(f"`{ch * 2}` chains commands")
        elif ch in _MEANING:
            raise NotSimple(_MEANING[ch])
        else:
            raise NotSimple(f"uses the character {ch!r}, which the shell may treat specially")
    if in_word:
        words.append("".join(cur))
    if words and "=" in _unquoted_prefix(text) and _is_assignment(_unquoted_prefix(text)):
        raise NotSimple("starts with a variable assignment")
    return words


def _unquoted_prefix(text: str) -> str:
    """The first word's raw text (up to the first blank)."""
    stripped = text.lstrip(_BLANKS)
    for k, ch in enumerate(stripped):
        if ch in _BLANKS:
            return stripped[:k]
    return stripped


def _is_assignment(raw: str) -> bool:
    name, eq, _ = raw.partition("=")
    return (
        bool(eq) and bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name)
    )
