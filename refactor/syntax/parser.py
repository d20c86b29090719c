"""Text to tree: the lexer's line tokens, run through the grammar's tables,
reduced straight into nodes."""

from __future__ import annotations

import os

from .buildkit import BuildKitError
from .errors import DockerfileSyntaxError
from .lexer import scan_directives, tokenize
from .nodes import (
    BlankLine,
    Comment,
    ContinuationBlank,
    ContinuationComment,
    Directive,
    Dockerfile,
    HeredocBody,
    Instruction,
    SourceLine,
    make_instruction,
)
from .tables import GrammarMismatch, drive, load

_HERE = os.path.dirname(os.path.abspath(__file__))


def grammar_path() -> str:
    """The grammar file: inside the package when installed, else the repo's."""
    package = os.path.dirname(_HERE)
    for candidate in (
        os.path.join(package, "grammar", "dockerfile.lark"),
        os.path.join(os.path.dirname(package), "grammar", "dockerfile.lark"),
    ):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError("grammar/dockerfile.lark not found next to the refactor package")


_LINE_CLASSES = {
    "INSTR": SourceLine,
    "INSTR_CONT": SourceLine,
    "CONT_LINE": SourceLine,
    "CONT_END": SourceLine,
    "CONT_COMMENT": ContinuationComment,
    "CONT_BLANK": ContinuationBlank,
}
_TOP_CLASSES = {"COMMENT": Comment, "BLANK": BlankLine}


def _reducers(escape: str) -> dict:
    """Node builders for the grammar's rules, for a file with this escape."""

    def instruction(tokens):
        lines = []
        bodies = []
        for kind, raw, line, _col in tokens:
            if kind == "HEREDOC":
                bodies.append(HeredocBody(raw, line))
            else:
                text = raw.rstrip("\r\n")
                lines.append(_LINE_CLASSES[kind](text, raw[len(text) :], line))
        return make_instruction(tuple(lines), tuple(bodies), escape)

    def directive(tokens):
        _kind, raw, line, _col = tokens[0]
        text = raw.rstrip("\r\n")
        return Directive(text, raw[len(text) :], line)

    def start(children):
        bom = ""
        directives = []
        body = []
        for child in children:
            if type(child) is not tuple:
                (directives if type(child) is Directive else body).append(child)
                continue
            kind, raw, line, _col = child
            if kind == "BOM":
                bom = raw
            else:
                text = raw.rstrip("\r\n")
                body.append(_TOP_CLASSES[kind](text, raw[len(text) :], line))
        return Dockerfile(tuple(body), tuple(directives), bom, escape)

    return {"instruction": instruction, "directive": directive, "start": start}


_REDUCERS = {"\\": _reducers("\\"), "`": _reducers("`")}


def parse(text: str, path: str | None = None, *, validate: bool = True) -> Dockerfile:
    """Parse a Dockerfile into its lossless tree.

    ``parse(text).code == text`` for any text parse accepts. Raises
    DockerfileSyntaxError (with path, line, column and the offending line)
    for what BuildKit's parser refuses: an unterminated heredoc, a bad or
    repeated parser directive, a JSON array of non-strings, ENV or LABEL
    without a value. With ``validate=False`` only the structure is checked.
    """
    try:
        if len(text) > MAX_LINE_BYTES // 4:  # only then can a line be too long
            _check_line_lengths(text)
        directives = scan_directives(text)
        tree = drive(load(), tokenize(text, directives), _REDUCERS[directives.escape])
        if validate:
            for ins in tree.body:
                if isinstance(ins, Instruction):
                    try:
                        ins.validate()
                    except BuildKitError as e:
                        raise DockerfileSyntaxError(str(e), line=ins.line, column=ins.column) from None
    except DockerfileSyntaxError as e:
        raise e.located(path, text) from None
    except GrammarMismatch as e:  # a lexer bug, not bad input; reported, not crashed on
        raise DockerfileSyntaxError(f"internal error: {e}", line=e.token[2]).located(path, text) from None
    if path is not None:
        object.__setattr__(tree, "path", path)  # metadata, not content
    return tree


MAX_LINE_BYTES = 65535  # bufio.Scanner's limit in BuildKit


def _check_line_lengths(text: str) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_BYTES // 4 and len(line.encode("utf-8")) > MAX_LINE_BYTES:
            raise DockerfileSyntaxError(
                f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}", line=number, column=1
            )


def parse_instruction(text: str, escape: str = "\\") -> Instruction:
    """Parse exactly one instruction, e.g. ``parse_instruction("USER app")``.

    A missing final line ending is added. Use ``Dockerfile.instruction`` to
    get it in a file's own style.
    """
    if not text.endswith("\n"):
        text += "\n"
    prefix = f"# escape={escape}\n" if escape != "\\" else ""
    nodes = parse(prefix + text).body
    if len(nodes) != 1 or not isinstance(nodes[0], Instruction):
        raise DockerfileSyntaxError("expected exactly one instruction", line=1, column=1, source=text)
    made = nodes[0]
    # Made nodes carry no source position (line 0).
    return make_instruction(
        tuple(type(ln)(ln.text, ln.newline, 0) for ln in made.lines),
        tuple(HeredocBody(b.text, 0) for b in made.heredoc_bodies),
        escape,
    )


__all__ = ["parse", "parse_instruction", "grammar_path"]
