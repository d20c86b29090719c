"""Text to tree: the Lark parser over the grammar, and the node builder."""

from __future__ import annotations

from pathlib import Path

from lark import Lark, Transformer
from lark.exceptions import UnexpectedInput

from .buildkit import BuildKitError
from .errors import DockerfileSyntaxError
from .lexer import DockerfileLexer, scan_directives
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

_HERE = Path(__file__).resolve().parent


def grammar_path() -> Path:
    """The grammar file: inside the package when installed, else the repo's."""
    for candidate in (_HERE.parent / "grammar" / "dockerfile.lark", _HERE.parent.parent / "grammar" / "dockerfile.lark"):
        if candidate.is_file():
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


class _Builder(Transformer):
    """Turns the parse into nodes as Lark reduces (no intermediate tree)."""

    def __init__(self, escape: str) -> None:
        super().__init__()
        self.escape = escape

    def instruction(self, tokens):
        lines = []
        bodies = []
        for tok in tokens:
            if tok.type == "HEREDOC":
                bodies.append(HeredocBody(str(tok), tok.line))
            else:
                raw = str(tok)
                text = raw.rstrip("\r\n")
                lines.append(_LINE_CLASSES[tok.type](text, raw[len(text) :], tok.line))
        return make_instruction(tuple(lines), tuple(bodies), self.escape)

    def start(self, children):
        bom = ""
        directives = []
        body = []
        for child in children:
            if isinstance(child, Instruction):
                body.append(child)
                continue
            kind = child.type
            raw = str(child)
            text = raw.rstrip("\r\n")
            if kind == "COMMENT":
                body.append(Comment(text, raw[len(text) :], child.line))
            elif kind == "BLANK":
                body.append(BlankLine(text, raw[len(text) :], child.line))
            elif kind == "DIRECTIVE":
                directives.append(Directive(text, raw[len(text) :], child.line))
            elif kind == "BOM":
                bom = raw
        return Dockerfile(tuple(body), tuple(directives), bom, self.escape)

    def directive(self, children):
        return children[0]


_PARSERS: dict[str, Lark] = {}


def _parser(escape: str) -> Lark:
    parser = _PARSERS.get(escape)
    if parser is None:
        parser = Lark(
            grammar_path().read_text(encoding="utf-8"),
            parser="lalr",
            lexer=DockerfileLexer,
            transformer=_Builder(escape),
            maybe_placeholders=False,
        )
        _PARSERS[escape] = parser
    return parser


def parse(text: str, path: str | None = None, *, validate: bool = True) -> Dockerfile:
    """Parse a Dockerfile into its lossless tree.

    ``parse(text).code == text`` for any text parse accepts. Raises
    DockerfileSyntaxError (with path, line, column and the offending line)
    for what BuildKit's parser refuses: an unterminated heredoc, a bad or
    repeated parser directive, a JSON array of non-strings, ENV or LABEL
    without a value. With ``validate=False`` only the structure is checked.
    """
    try:
        escape = scan_directives(text).escape
        tree = _parser(escape).parse(text)
        if validate:
            for ins in tree.body:
                if isinstance(ins, Instruction):
                    try:
                        ins.validate()
                    except BuildKitError as e:
                        raise DockerfileSyntaxError(str(e), line=ins.line, column=ins.column) from None
    except DockerfileSyntaxError as e:
        raise e.located(path, text) from None
    except UnexpectedInput as e:  # the lexer's tokens always fit; kept as a guard
        raise DockerfileSyntaxError(f"unexpected input: {e}", line=getattr(e, "line", 1) or 1).located(
            path, text
        ) from None
    if path is not None:
        tree = _with_path(tree, path)
    return tree


def _with_path(tree: Dockerfile, path: str) -> Dockerfile:
    object.__setattr__(tree, "path", path)  # path is metadata, not content
    return tree


def parse_instruction(text: str, escape: str = "\\") -> Instruction:
    """Parse exactly one instruction, e.g. ``parse_instruction("USER app")``.

    A missing final line ending is added. Use ``Dockerfile.instruction`` to
    get it in a file's own style.
    """
    if not text.endswith("\n"):
        text += "\n"
    prefix = f"# escape={escape}\n" if escape != "\\" else ""
    tree = parse(prefix + text)
    nodes = tree.body
    if len(nodes) != 1 or not isinstance(nodes[0], Instruction):
        raise DockerfileSyntaxError("expected exactly one instruction", line=1, column=1, source=text)
    made = nodes[0]
    # Made nodes carry no source position (line 0).
    ins = make_instruction(
        tuple(type(ln)(ln.text, ln.newline, 0) for ln in made.lines),
        tuple(HeredocBody(b.text, 0) for b in made.heredoc_bodies),
        escape,
    )
    return ins


__all__ = ["parse", "parse_instruction", "grammar_path"]
