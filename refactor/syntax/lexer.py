"""Cut a Dockerfile into line tokens the way BuildKit reads its lines.

The grammar (``grammar/dockerfile.lark``) describes how these tokens make a
file; this module decides what each physical line is. That decision cannot
be made by regular expressions over the text alone, which is why the
grammar's terminals are declared and produced here rather than matched by
Lark's own lexer:

* the continuation character is set by an ``# escape=`` directive;
* inside a continuation, a comment line and a blank line are skipped, while
  at the top they are comments and blank lines of the file;
* a heredoc body is delimited by a word found in the instruction's logical
  line (all its physical lines joined), after shell-style word splitting.

Every character of the input lands in exactly one token, so the printer is
concatenation. Each token is one physical line (with its line ending), except
BOM and HEREDOC (a heredoc's body lines plus its terminator line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .buildkit import (
    GO_SPACE,
    HEREDOC_KEYWORDS,
    BuildKitError,
    heredocs_in,
    parse_json_array,
    split_command,
    trim_continuation,
)
from .errors import DockerfileSyntaxError

BOM = "\ufeff"
RE_DIRECTIVE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*\Z")
VALID_DIRECTIVES = frozenset({"syntax", "escape", "check"})


class Directives:
    """The parser directives at the top of a file and where they end."""

    __slots__ = ("escape", "lines", "end")

    def __init__(self, escape: str, lines: list[tuple[str, str, int]], end: int) -> None:
        self.escape = escape
        self.lines = lines  # (raw line with its ending, lower-case name, line number)
        self.end = end  # offset of the first character after them


def scan_directives(text: str) -> Directives:
    """Read the leading directive lines (parser.DirectiveParser.ParseLine).

    Directives are only recognised before any other line, comment, blank
    line or instruction; keys are case-insensitive; each may appear once.
    """
    pos = 1 if text.startswith(BOM) else 0
    escape = "\\"
    seen: set[str] = set()
    lines = []
    line_no = 1
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end + 1
        raw = text[pos:end]
        m = RE_DIRECTIVE.match(raw.rstrip("\r\n").lstrip(GO_SPACE))
        if m is None:
            break
        name = m.group(1).lower()
        if name not in VALID_DIRECTIVES:
            break
        if name in seen:
            raise DockerfileSyntaxError(f"only one {name} parser directive can be used", line=line_no, column=1)
        seen.add(name)
        if name == "escape":
            value = m.group(2)
            if value not in ("\\", "`"):
                raise DockerfileSyntaxError(
                    f"invalid escape token '{value}' does not match ` or \\", line=line_no, column=m.start(2) + 1
                )
            escape = value
        lines.append((raw, name, line_no))
        pos = end
        line_no += 1
    return Directives(escape, lines, pos)


def heredoc_specs(logical: str) -> list[tuple[str, int, bool]]:
    """The heredocs BuildKit reads from an instruction's logical line."""
    if "<<" not in logical:
        return []
    keyword, _flags, args = split_command(logical)
    kw = keyword.lower()
    if kw == "onbuild":
        keyword, _flags, args = split_command(args)
        kw = keyword.lower()
    if kw not in HEREDOC_KEYWORDS:
        return []
    if parse_json_array(args) is not None:
        return []  # exec form holds no heredoc
    return heredocs_in(logical)


def tokenize(text: str, directives: Directives) -> Iterator[tuple[str, str, int, int]]:
    """Yield (terminal, text, line, column), one per physical line (see above)."""
    escape = directives.escape
    len(text)
    if text.startswith(BOM):
        yield ("BOM", BOM, 1, 1)
    for raw, _name, line_no in directives.lines:
        yield ("DIRECTIVE", raw, line_no, 1)
    # Physical lines end at "\n" only (as bufio's line scanner in BuildKit).
    lines = text[directives.end :].split("\n")
    if lines[-1] == "":
        lines.pop()  # the text ended with a line ending
        last = -1
    else:
        last = len(lines) - 1  # this line has no ending
    count = len(lines)
    i = 0
    line_no = len(directives.lines) + 1
    while i < count:
        content = lines[i]
        raw = content if i == last else content + "\n"
        content = content.rstrip("\r")
        stripped = content.lstrip(GO_SPACE)
        i += 1
        if not stripped:
            yield ("BLANK", raw, line_no, 1)
            line_no += 1
            continue
        if stripped[0] == "#":
            yield ("COMMENT", raw, line_no, 1)
            line_no += 1
            continue

        start_line = line_no
        if stripped.endswith(escape) or stripped.endswith((" ", "\t")):
            first, continues = trim_continuation(stripped, escape)
        else:
            first, continues = stripped, False
        yield ("INSTR_CONT" if continues else "INSTR", raw, line_no, len(content) - len(stripped) + 1)
        line_no += 1
        parts = [first]
        while continues and i < count:
            content = lines[i]
            raw = content if i == last else content + "\n"
            content = content.rstrip("\r")
            stripped = content.lstrip(GO_SPACE)
            i += 1
            if stripped.startswith("#"):
                kind = "CONT_COMMENT"
            elif not stripped:
                kind = "CONT_BLANK"
            else:
                part, continues = trim_continuation(content, escape)
                parts.append(part)
                kind = "CONT_LINE" if continues else "CONT_END"
            yield (kind, raw, line_no, 1)
            line_no += 1

        if len(parts) == 1:
            logical = first
        else:
            logical = "".join(parts)
        if "<<" not in logical:
            continue
        try:
            specs = heredoc_specs(logical)
        except BuildKitError as e:
            raise DockerfileSyntaxError(str(e), line=start_line, column=1) from None
        for name, _fd, chomp in specs:
            body = []
            body_line = line_no
            while i < count:
                content = lines[i]
                body.append(content if i == last else content + "\n")
                candidate = content.rstrip("\r")
                if chomp:
                    candidate = candidate.lstrip("\t")
                i += 1
                line_no += 1
                if candidate == name:
                    break
            else:
                raise DockerfileSyntaxError(
                    f"unterminated heredoc {name!r} (started on line {start_line})", line=body_line, column=1
                )
            yield ("HEREDOC", "".join(body), body_line, 1)


def _lark_lexer_class():
    from lark import Token
    from lark.lexer import Lexer

    class DockerfileLexer(Lexer):
        """Lark adapter: the grammar's declared terminals come from ``tokenize``."""

        def __init__(self, lexer_conf) -> None:
            pass

        def lex(self, data: str):
            for kind, raw, line, column in tokenize(data, scan_directives(data)):
                yield Token(kind, raw, None, line, column)

    return DockerfileLexer


def __getattr__(name: str):
    # Lark is imported only when its own parser is asked for (table
    # generation and the test comparing it with ``tables.drive``).
    if name == "DockerfileLexer":
        return _lark_lexer_class()
    raise AttributeError(name)
