"""Small edits of a RUN's shell text that keep its lines as written.

The shell analysis (``refactor.analysis.shell``) reads a RUN's script as
BuildKit joins it: continuation lines removed. ``insert`` maps offsets of
that script back to the physical lines, so a hygiene pass can add
``--no-cache-dir`` after ``pip install`` or ``&& rm -rf ...`` at the end
without rewriting the instruction's layout, comments or continuations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from .syntax import buildkit as bk
from .syntax.nodes import Instruction, SourceLine, make_instruction


def _pieces(ins: Instruction) -> list[tuple[int, int, int]]:
    """For each source line: (line index, column of its logical text, its length)."""
    from .syntax.nodes import _trim_cont

    out = []
    for k, ln in enumerate(ins.lines):
        if type(ln) is not SourceLine:
            continue
        text = ln.text
        start = len(text) - len(text.lstrip(bk.GO_SPACE)) if k == 0 else 0
        out.append((k, start, len(_trim_cont(text[start:], ins.escape))))
    return out


def insert(ins: Instruction, edits: Sequence[tuple[int, str]]) -> Instruction | None:
    """``ins`` with each ``(offset, text)`` inserted at that offset of its
    script (``ins.rest``); None when the text cannot be mapped (a heredoc,
    exec form, or a script that is not the end of the logical line)."""
    if ins.heredoc_bodies or ins.is_exec_form:
        return None
    logical, rest = ins.logical, ins.rest
    base = len(logical) - len(rest)
    if base < 0 or logical[base:] != rest:
        return None
    pieces = _pieces(ins)
    if sum(n for _, _, n in pieces) != len(logical):
        return None
    texts = {k: ln.text for k, ln in enumerate(ins.lines)}
    for offset, text in sorted(edits, key=lambda e: -e[0]):
        at = base + offset
        pos = 0
        for k, start, n in pieces:
            # At a boundary, the end of a line's own text (an append) stays on that line.
            if at <= pos + n:
                col = start + (at - pos)
                texts[k] = texts[k][:col] + text + texts[k][col:]
                break
            pos += n
        else:
            return None
    lines = tuple(attrs.evolve(ln, text=texts[k]) for k, ln in enumerate(ins.lines))
    return make_instruction(lines, ins.heredoc_bodies, ins.escape)


def word_end(script: str, span: tuple[int, int], word: str, after: int = 1) -> int | None:
    """The offset right after the first ``word`` (a whole shell word) in
    ``script[span[0]:span[1]]`` that is not among the first ``after`` words
    (the command name), or None."""
    start, end = span
    text = script[start:end]
    for m in re.finditer(r"(?:^|(?<=[ \t]))" + re.escape(word) + r"(?=[ \t]|$)", text):
        if len(text[: m.start()].split()) >= after:
            return start + m.end()
    return None


def plain_and_list(commands) -> bool:
    """Every command runs at the top level, joined by ``&&``: text appended
    with ``&&`` runs when, and only when, they all succeeded."""
    for k, cmd in enumerate(commands):
        if cmd.context or cmd.conditional:
            return False
        if k and cmd.operator != "&&":
            return False
    return bool(commands)


def replace_word(ins: Instruction, script: str, span: tuple[int, int], word: str, new: str) -> Instruction | None:
    """``ins`` with the first ``word`` after the command name in ``span`` replaced by ``new``."""
    end = word_end(script, span, word)
    if end is None:
        return None
    # Insert the new word, then drop the old one: both offsets are of the same script.
    start = end - len(word)
    made = insert(ins, [(start, new + " ")])
    if made is None:
        return None
    text = made.rest
    if text[start : start + len(new) + 1 + len(word)] != f"{new} {word}":
        return None
    return _drop(made, start + len(new), len(word) + 1)


def _drop(ins: Instruction, offset: int, length: int) -> Instruction | None:
    """``ins`` without ``length`` characters at ``offset`` of its script, all on one line."""
    logical, rest = ins.logical, ins.rest
    base = len(logical) - len(rest)
    at = base + offset
    pos = 0
    texts = {k: ln.text for k, ln in enumerate(ins.lines)}
    for k, start, n in _pieces(ins):
        if at < pos + n:
            col = start + (at - pos)
            if at + length > pos + n:
                return None
            texts[k] = texts[k][:col] + texts[k][col + length :]
            lines = tuple(attrs.evolve(ln, text=texts[j]) for j, ln in enumerate(ins.lines))
            return make_instruction(lines, ins.heredoc_bodies, ins.escape)
        pos += n
    return None


def drop(ins: Instruction, start: int, end: int) -> Instruction | None:
    """``ins`` without ``script[start:end]`` (offsets of ``ins.rest``), when it lies on one line."""
    return _drop(ins, start, end - start)


def add_flags(ins: Instruction, flags: Sequence[str]) -> Instruction:
    """``ins`` with ``flags`` (``--mount=...``) right after its keyword."""
    first = ins.lines[0]
    text = first.text
    at = len(text) - len(text.lstrip(bk.GO_SPACE)) + len(ins.keyword)
    lines = (attrs.evolve(first, text=text[:at] + " " + " ".join(flags) + text[at:]), *ins.lines[1:])
    return make_instruction(lines, ins.heredoc_bodies, ins.escape)
