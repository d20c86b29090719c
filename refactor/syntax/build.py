"""Builders: new body nodes written in a file's style.

Each builder returns nodes that print in the file's line ending, keyword
case, escape character and continuation indentation (``Style``), carry no
source line (``line == 0``), and read back, by this package's parser and by
BuildKit's, as exactly what was asked for; a request that cannot be written
so raises ValueError. ``Dockerfile`` offers them as methods
(``tree.exec_form("CMD", [...])``), with the file's style filled in.

Words are BuildKit's words as its parser reads them (an instruction's
``value``): a later stage of BuildKit still expands variables in ``COPY``
and ``FROM`` words, in exec form as in shell form, as it does for any such
instruction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .nodes import (
    BlankLine,
    BodyNode,
    Comment,
    Copy,
    From,
    HeredocBody,
    Instruction,
    Style,
    make_instruction,
    restyle,
)

_DEFAULT = Style()


def json_words(words: Sequence[str]) -> str:
    """A JSON array BuildKit reads back as exactly ``words`` (exec form).

    Characters that do not print (line and paragraph separators, no-break
    spaces, controls) are written as ``\\u`` escapes, so the array stays on
    one visible line; everything else is kept as is, non-ASCII included.
    """
    return "[" + ", ".join(_json_string(w) for w in words) + "]"


def _json_string(word: str) -> str:
    import json  # off the start-up path, as in buildkit.py

    if not isinstance(word, str):
        raise TypeError(f"a word must be a str, not {type(word).__name__}")
    if "\x00" in word:
        raise ValueError(f"{word!r} holds a NUL, which no argument or path can hold")
    text = json.dumps(word, ensure_ascii=False)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif "\ud800" <= ch <= "\udfff":
            raise ValueError(f"{word!r} holds a lone surrogate, which no UTF-8 file can hold")
        else:
            out.append(json.dumps(ch)[1:-1])  # \uXXXX, or a surrogate pair beyond the BMP
    return "".join(out)


def instructions_from(text: str, style: Style = _DEFAULT) -> tuple[BodyNode, ...]:
    """The body nodes of a snippet: instructions, comments, blank lines.

    Write the snippet with ``\\`` continuations whatever the file uses; it
    must hold no parser directive (a leading ``# name=value`` comment stays
    a comment).
    """
    from .parser import parse

    if not text.endswith("\n"):
        text += "\n"
    body = parse("\n" + text).body[1:]  # a first blank line: no directive can be read
    return tuple(_unplaced(node, style) for node in body)


def _unplaced(node: BodyNode, style: Style) -> BodyNode:
    """The node without source lines, in the style."""
    if isinstance(node, Instruction):
        lines = tuple(type(ln)(ln.text, ln.newline) for ln in node.lines)
        bodies = tuple(HeredocBody(b.text) for b in node.heredoc_bodies)
        return restyle(make_instruction(lines, bodies, node.escape), style)
    return type(node)(node.text, style.newline)


def blank_line(style: Style = _DEFAULT) -> BlankLine:
    return BlankLine("", style.newline)


def comment(text: str, style: Style = _DEFAULT) -> Comment:
    """``# text`` on one line."""
    if any(not ch.isprintable() and ch not in "\t" for ch in text):
        raise ValueError(f"a comment is one line of printable text: {text!r}")
    return Comment(f"# {text}".rstrip(" \t"), style.newline)


_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")  # BuildKit's rule, on the lower-cased name


def make_from(image: str, alias: str | None = None, platform: str | None = None, style: Style = _DEFAULT) -> From:
    """``FROM [--platform=P] IMAGE [AS ALIAS]``."""
    if alias is not None and not _STAGE_NAME.fullmatch(alias.lower()):
        raise ValueError(f"invalid stage name {alias!r}: BuildKit wants a letter, then letters, digits, -, _ or .")
    flags = [f"--platform={_flag_value(platform, style)}"] if platform is not None else []
    words = [_plain_word(image, style)] + (["AS", _plain_word(alias, style)] if alias is not None else [])
    node = _one_line("FROM", flags, " ".join(words), style)
    _check(
        node, node.image == image and node.alias == alias and node.platform == platform, f"FROM {image!r} AS {alias!r}"
    )
    return node


_EXEC_KEYWORDS = ("CMD", "ENTRYPOINT", "RUN", "SHELL")


def exec_form(keyword: str, words: Sequence[str], style: Style = _DEFAULT) -> Instruction:
    """``CMD``/``ENTRYPOINT``/``RUN``/``SHELL`` in exec form: ``CMD ["node", "server.js"]``."""
    if keyword.upper() not in _EXEC_KEYWORDS:
        raise ValueError(f"exec form is for {', '.join(_EXEC_KEYWORDS)}, not {keyword}")
    node = _one_line(keyword.upper(), [], json_words(words), style)
    _check(node, node.is_exec_form and node.value == tuple(words), f"{keyword} {list(words)!r}")
    return node


def make_copy(
    sources: Sequence[str],
    dest: str,
    from_: str | None = None,
    chown: str | None = None,
    chmod: str | None = None,
    link: bool = False,
    style: Style = _DEFAULT,
) -> Copy:
    """``COPY [--from] [--chown] [--chmod] [--link] SRC... DEST``, in JSON form
    when a word would not survive shell form (spaces, a leading ``--`` or
    ``[``, ``<<``, an escape character at its end)."""
    if not sources:
        raise ValueError("COPY needs at least one source")
    words = [*sources, dest]
    flags = [
        f"--{name}={_flag_value(value, style)}"
        for name, value in (("from", from_), ("chown", chown), ("chmod", chmod))
        if value is not None
    ]
    if link:
        flags.append("--link")
    if _needs_json(words, style.escape):
        rest = json_words(words)
    else:
        rest = " ".join(words)
    node = _one_line("COPY", flags, rest, style)
    _check(
        node,
        node.value == tuple(words)
        and (node.from_stage, node.chown, node.chmod, node.link) == (from_, chown, chmod, link),
        f"COPY {words!r}",
    )
    return node


def _needs_json(words: list[str], escape: str) -> bool:
    first = words[0]
    return first.startswith(("--", "[")) or any(
        not w or "<<" in w or w.endswith(escape) or not _printable_word(w) for w in words
    )


def _printable_word(word: str) -> bool:
    return word.isprintable() and not any(ch.isspace() for ch in word)


def _plain_word(word: str, style: Style) -> str:
    if not word or not _printable_word(word) or word.endswith(style.escape) or word.startswith("--"):
        raise ValueError(f"{word!r} cannot be written as one word here")
    return word


def _flag_value(value: str, style: Style) -> str:
    # BuildKit reads flags byte by byte, with quotes: keep values plain ASCII.
    if not re.fullmatch(r"[!#-&(-\[\]-_a-~]+", value) or style.escape in value:
        raise ValueError(f"flag value {value!r}: only printable ASCII without spaces, quotes or escapes")
    return value


def _one_line(keyword: str, flags: list[str], rest: str, style: Style) -> Instruction:
    from .parser import parse_instruction

    text = " ".join([keyword, *flags, rest])
    return restyle(parse_instruction(text, escape=style.escape), style)


def _check(node: Instruction, ok: bool, what: str) -> None:
    # A guard: the rules above should make this unreachable.
    if not ok:
        raise ValueError(f"{what} cannot be written so that BuildKit reads it back: {node.code!r}")


__all__ = ["json_words", "instructions_from", "blank_line", "comment", "make_from", "exec_form", "make_copy"]
