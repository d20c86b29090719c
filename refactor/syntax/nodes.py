"""Frozen nodes of the lossless Dockerfile tree.

Every character of a file belongs to exactly one node, so ``code`` is
concatenation and an untouched tree prints back byte for byte. Nodes are
immutable: edit by making new ones (``attrs.evolve`` or ``parse_instruction``)
and asking the ``Dockerfile`` for a copy with them in place.

Line nodes (comments, blank lines, an instruction's physical lines) keep
their text without the line ending and the ending itself (``"\\n"``,
``"\\r\\n"``, or ``""`` on a last line without one). ``line`` is where the
node was read from (0 for nodes made by the tool); it is not part of
equality.

Typed access on instructions (keyword, flags, arguments, heredocs, and per
instruction FROM image/tag/alias, COPY sources, ENV pairs ...) is computed
on first use from the lines, following BuildKit's rules
(``refactor.syntax.buildkit``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property

import attrs

from . import buildkit as bk

frozen = attrs.frozen


def _split_ending(raw: str) -> tuple[str, str]:
    text = raw.rstrip("\r\n")
    return text, raw[len(text) :]


@frozen
class LineNode:
    """A physical line: its text, its line ending, where it was read."""

    text: str
    newline: str = "\n"
    line: int = attrs.field(default=0, eq=False, repr=False)

    @property
    def code(self) -> str:
        return self.text + self.newline

    @property
    def column(self) -> int:
        """Column of the first non-blank character (1 on a blank line)."""
        stripped = self.text.lstrip(bk.GO_SPACE)
        return len(self.text) - len(stripped) + 1 if stripped else 1


class Directive(LineNode):
    """A parser directive such as ``# syntax=docker/dockerfile:1``."""

    __slots__ = ()

    @property
    def name(self) -> str:
        from .lexer import RE_DIRECTIVE

        return RE_DIRECTIVE.match(self.text.lstrip(bk.GO_SPACE)).group(1).lower()

    @property
    def value(self) -> str:
        from .lexer import RE_DIRECTIVE

        return RE_DIRECTIVE.match(self.text.lstrip(bk.GO_SPACE)).group(2)


class Comment(LineNode):
    """A comment line between instructions."""

    __slots__ = ()

    @property
    def content(self) -> str:
        """The comment's words, after ``#`` and surrounding space."""
        return self.text.lstrip(bk.GO_SPACE)[1:].strip()


class BlankLine(LineNode):
    """An empty or whitespace-only line between instructions."""

    __slots__ = ()


class SourceLine(LineNode):
    """A line holding instruction text, ending with the escape character
    (and maybe spaces) when the instruction continues on the next line."""

    __slots__ = ()


class ContinuationComment(LineNode):
    """A comment line inside a continued instruction (BuildKit skips it)."""

    __slots__ = ()


class ContinuationBlank(LineNode):
    """An empty line inside a continued instruction (BuildKit skips it)."""

    __slots__ = ()


@frozen
class HeredocBody:
    """The lines of one heredoc, its terminator line included."""

    text: str
    line: int = attrs.field(default=0, eq=False, repr=False)

    @property
    def code(self) -> str:
        return self.text


@frozen
class Heredoc:
    """A heredoc as BuildKit reads it: ``<<[-]NAME`` and its content."""

    name: str
    file_descriptor: int
    chomp: bool
    content: str


@frozen
class Flag:
    """A ``--name[=value]`` flag; ``value`` is None for a bare ``--name``."""

    name: str
    value: str | None


InstructionLine = SourceLine | ContinuationComment | ContinuationBlank


@frozen
class Instruction:
    """One instruction: its physical lines and heredoc bodies.

    ``lines[0]`` is the first line (with any indentation); continuation
    lines follow. ``escape`` is the file's escape character, needed to read
    the text. Subclasses add typed access for each keyword.
    """

    lines: tuple[InstructionLine, ...]
    heredoc_bodies: tuple[HeredocBody, ...] = ()
    escape: str = attrs.field(default="\\", eq=False, repr=False)

    # -- text ---------------------------------------------------------------

    @property
    def code(self) -> str:
        if len(self.lines) == 1 and not self.heredoc_bodies:
            first = self.lines[0]
            return first.text + first.newline
        return "".join(n.code for n in self.lines) + "".join(h.text for h in self.heredoc_bodies)

    @property
    def line(self) -> int:
        return self.lines[0].line

    @property
    def end_line(self) -> int:
        """Last line, heredoc terminators included (0 for made nodes)."""
        if not self.line:
            return 0
        return self.line + self.code.count("\n") - (1 if self.code.endswith("\n") else 0)

    @property
    def indent(self) -> str:
        text = self.lines[0].text
        return text[: len(text) - len(text.lstrip(bk.GO_SPACE))]

    @property
    def column(self) -> int:
        return len(self.indent) + 1

    @property
    def newline(self) -> str:
        return self.lines[-1].newline if not self.heredoc_bodies else _split_ending(self.heredoc_bodies[-1].text)[1]

    @cached_property
    def logical(self) -> str:
        """The instruction's text with continuations joined (BuildKit's line)."""
        return logical_line(self.lines, self.escape)

    @cached_property
    def _split(self) -> tuple[str, list[str], str]:
        return bk.split_command(self.logical)

    @property
    def keyword(self) -> str:
        """The keyword as written (``run``, ``Run`` or ``RUN``)."""
        return self._split[0]

    @property
    def name(self) -> str:
        """The keyword in upper case."""
        return self._split[0].upper()

    @property
    def raw_flags(self) -> tuple[str, ...]:
        """Flags as BuildKit reports them: ``--name=value`` with quotes read."""
        return tuple(self._split[1])

    @cached_property
    def flags(self) -> tuple[Flag, ...]:
        out = []
        for raw in self._split[1]:
            body = raw[2:] if raw.startswith("--") else raw
            name, eq, value = body.partition("=")
            out.append(Flag(name, value if eq else None))
        return tuple(out)

    def flag(self, name: str) -> str | None:
        """The last value given to ``--name`` (None when absent or bare)."""
        values = self.flag_values(name)
        return values[-1] if values else None

    def has_flag(self, name: str) -> bool:
        return any(f.name == name for f in self.flags)

    def flag_values(self, name: str) -> list[str]:
        return [f.value for f in self.flags if f.name == name and f.value is not None]

    @property
    def rest(self) -> str:
        """Everything after the keyword and flags, trimmed."""
        return self._split[2]

    @cached_property
    def _parsed(self) -> tuple[list[str], bool]:
        return bk.parse_arguments(self.keyword.lower(), self.rest, self.escape)

    @property
    def value(self) -> tuple[str, ...]:
        """BuildKit's value list for this instruction."""
        return tuple(self._parsed[0])

    @property
    def is_exec_form(self) -> bool:
        """True when the arguments are a JSON array (exec form)."""
        return self._parsed[1]

    @property
    def arguments(self) -> list[str] | str:
        """Exec form as a list of strings, shell form as text."""
        if self.is_exec_form:
            return list(self._parsed[0])
        return self.rest

    @cached_property
    def heredocs(self) -> tuple[Heredoc, ...]:
        if not self.heredoc_bodies:
            return ()
        from .lexer import heredoc_specs

        out = []
        for (name, fd, chomp), body in zip(heredoc_specs(self.logical), self.heredoc_bodies, strict=False):
            lines = body.text.splitlines(keepends=True)
            out.append(Heredoc(name, fd, chomp, "".join(lines[:-1])))
        return tuple(out)

    @property
    def original(self) -> str:
        """BuildKit's ``Original``: the logical line, plus heredoc contents."""
        if not self.heredocs or self.keyword.lower() == "onbuild":
            return self.logical
        return self.logical + "\n" + "".join(h.content + h.name + "\n" for h in self.heredocs)

    def validate(self) -> None:
        """Raise BuildKitError for what BuildKit refuses in this instruction.

        Only arguments that can fail are read: ENV and LABEL pairs, and JSON
        arrays (which must hold strings only).
        """
        if type(self) in _VALIDATED or any("[" in ln.text for ln in self.lines):
            self._parsed  # noqa: B018 - reading raises


def logical_line(lines: Sequence[InstructionLine], escape: str) -> str:
    first = _trim_cont(lines[0].text.lstrip(bk.GO_SPACE), escape)
    if len(lines) == 1:
        return first  # a continuation at the end of the file is still removed
    parts = [first]
    for node in lines[1:]:
        if type(node) is SourceLine:
            parts.append(_trim_cont(node.text, escape))
    return "".join(parts)


def _trim_cont(text: str, escape: str) -> str:
    if text.endswith(escape) or text.endswith((" ", "\t")):
        return bk.trim_continuation(text, escape)[0]
    return text


# -- typed instructions -------------------------------------------------------
# Plain subclasses: they add properties, not fields, so they need no attrs
# decorator of their own (each costs about half a millisecond at import);
# they inherit the frozen, slotted behaviour of Instruction.

_RE_DIGEST = re.compile(r"@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Za-z=_-]+)$")


class From(Instruction):
    """``FROM [--platform=P] IMAGE[:TAG][@DIGEST] [AS NAME]``."""

    __slots__ = ()

    @property
    def image(self) -> str:
        """The whole image reference as written (``python:3.11-slim``)."""
        return self.value[0] if self.value else ""

    @property
    def _ref(self) -> tuple[str, str | None, str | None]:
        ref = self.image
        digest = None
        m = _RE_DIGEST.search(ref)
        if m:
            digest, ref = m.group(1), ref[: m.start()]
        tag = None
        slash = ref.rfind("/")
        colon = ref.rfind(":")
        if colon > slash:
            ref, tag = ref[:colon], ref[colon + 1 :]
        return ref, tag, digest

    @property
    def image_name(self) -> str:
        """The repository without tag or digest (``python``)."""
        return self._ref[0]

    @property
    def tag(self) -> str | None:
        return self._ref[1]

    @property
    def digest(self) -> str | None:
        return self._ref[2]

    @property
    def platform(self) -> str | None:
        return self.flag("platform")

    @property
    def alias(self) -> str | None:
        """The stage name given with ``AS``."""
        v = self.value
        if len(v) >= 3 and v[1].lower() == "as":
            return v[2]
        return None


class Run(Instruction):
    """``RUN`` in shell form, exec form, or with heredocs."""

    __slots__ = ()

    @property
    def mounts(self) -> list[dict[str, str]]:
        """Each ``--mount`` as its CSV options (``type=cache,target=/x``)."""
        return [_csv_options(v) for v in self.flag_values("mount")]

    @property
    def network(self) -> str | None:
        return self.flag("network")

    @property
    def security(self) -> str | None:
        return self.flag("security")


def _csv_options(value: str) -> dict[str, str]:
    import csv  # rarely needed: kept off the start-up path

    fields = next(csv.reader([value]), [])
    out: dict[str, str] = {}
    for field in fields:
        key, eq, val = field.partition("=")
        out[key.strip().lower()] = val if eq else ""
    return out


class CopyLike(Instruction):
    """What ``COPY`` and ``ADD`` share: sources and a destination."""

    __slots__ = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return self.value[:-1]

    @property
    def destination(self) -> str | None:
        return self.value[-1] if self.value else None

    @property
    def from_stage(self) -> str | None:
        """``--from`` (a stage name, index or image)."""
        return self.flag("from")

    @property
    def chown(self) -> str | None:
        return self.flag("chown")

    @property
    def chmod(self) -> str | None:
        return self.flag("chmod")

    @property
    def link(self) -> bool:
        return self.has_flag("link")


class Copy(CopyLike):
    """``COPY [--from=..] [--chown=..] [--chmod=..] [--link] SRC... DEST``."""

    __slots__ = ()


class Add(CopyLike):
    """``ADD``: like COPY, and sources may be URLs or git repositories."""

    __slots__ = ()

    @property
    def remote_sources(self) -> tuple[str, ...]:
        return tuple(s for s in self.sources if re.match(r"^(https?://|git@|git://)", s))


class KeyValue(Instruction):
    """``ENV`` and ``LABEL``: ``key=value`` pairs (or legacy ``key value``)."""

    __slots__ = ()

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(key, value) with values as written (quotes kept)."""
        v = self.value
        return tuple((v[i], v[i + 1]) for i in range(0, len(v) - 1, 2))

    @property
    def values(self) -> dict[str, str]:
        """key -> value with quotes and escapes removed (no expansion)."""
        return {k: unquote(v, self.escape) for k, v in self.pairs}


class Env(KeyValue):
    __slots__ = ()
    pass


class Label(KeyValue):
    __slots__ = ()
    pass


class Arg(Instruction):
    """``ARG NAME[=default]`` (one or more)."""

    __slots__ = ()

    @property
    def pairs(self) -> tuple[tuple[str, str | None], ...]:
        out = []
        for word in self.value:
            name, eq, default = word.partition("=")
            out.append((name, unquote(default, self.escape) if eq else None))
        return tuple(out)


class ExecOrShell(Instruction):
    """``CMD``, ``ENTRYPOINT`` and ``SHELL``."""

    __slots__ = ()


class Cmd(ExecOrShell):
    __slots__ = ()
    pass


class Entrypoint(ExecOrShell):
    __slots__ = ()
    pass


class Shell(ExecOrShell):
    __slots__ = ()
    pass


class Expose(Instruction):
    __slots__ = ()

    @property
    def ports(self) -> tuple[str, ...]:
        return self.value


class Volume(Instruction):
    __slots__ = ()

    @property
    def paths(self) -> tuple[str, ...]:
        return self.value


class User(Instruction):
    __slots__ = ()

    @property
    def user(self) -> str:
        return self.rest.partition(":")[0]

    @property
    def group(self) -> str | None:
        user, colon, group = self.rest.partition(":")
        return group if colon else None


class Workdir(Instruction):
    __slots__ = ()

    @property
    def path(self) -> str:
        return self.rest


class Stopsignal(Instruction):
    __slots__ = ()

    @property
    def signal(self) -> str:
        return self.rest


class Maintainer(Instruction):
    __slots__ = ()
    pass


class Healthcheck(Instruction):
    """``HEALTHCHECK [flags] CMD ...`` or ``HEALTHCHECK NONE``."""

    __slots__ = ()

    @property
    def is_none(self) -> bool:
        return bool(self.value) and self.value[0].upper() == "NONE"

    @property
    def command(self) -> list[str] | str | None:
        if not self.value or self.is_none:
            return None
        if self.is_exec_form:
            return list(self.value[1:])
        return self.value[1] if len(self.value) > 1 else ""


class Onbuild(Instruction):
    """``ONBUILD INSTRUCTION``: the wrapped instruction is ``trigger``."""

    # No __slots__: the cached properties below live in the instance dict.

    @cached_property
    def trigger(self) -> Instruction | None:
        if not self.rest:
            return None
        return make_instruction((SourceLine(self.rest, "", self.line),), (), self.escape)

    @cached_property
    def _parsed(self) -> tuple[list[str], bool]:
        """The trigger's value and form, as BuildKit reports an ONBUILD."""
        t = self.trigger
        if t is None:
            return [], False
        if isinstance(t, Onbuild):
            # ONBUILD ONBUILD ...: BuildKit reports the inner ONBUILD's node,
            # an empty value wrapping the rest (Docker refuses it at build),
            # after parsing the inner levels, which may raise.
            t._parsed  # noqa: B018
            return ([""] if t.rest else []), False
        return list(t.value), t.is_exec_form


class UnknownInstruction(Instruction):
    """An instruction BuildKit does not know; kept as written and reported."""

    __slots__ = ()


INSTRUCTION_CLASSES: dict[str, type[Instruction]] = {
    "from": From,
    "run": Run,
    "copy": Copy,
    "add": Add,
    "env": Env,
    "label": Label,
    "arg": Arg,
    "cmd": Cmd,
    "entrypoint": Entrypoint,
    "shell": Shell,
    "expose": Expose,
    "volume": Volume,
    "user": User,
    "workdir": Workdir,
    "stopsignal": Stopsignal,
    "maintainer": Maintainer,
    "healthcheck": Healthcheck,
    "onbuild": Onbuild,
}

_RE_FIRST_WORD = re.compile(r"[^\t\v\f\r ]*")
_VALIDATED = (Env, Label, Onbuild)  # an ONBUILD's trigger is validated too


_RE_KEYWORD_THEN_SPACE = re.compile(r"([^\t\v\f\r ]+)[\t\v\f\r ]")


def make_instruction(lines: tuple, bodies: tuple, escape: str) -> Instruction:
    """Build the typed instruction node for these lines."""
    # Fast path: the keyword is followed by a space on the first line.
    m = _RE_KEYWORD_THEN_SPACE.match(lines[0].text.lstrip(bk.GO_SPACE))
    if m is not None:
        keyword = m.group(1).lower()
    else:
        text = logical_line(lines, escape).strip(bk.GO_SPACE)
        keyword = _RE_FIRST_WORD.match(text).group(0).lower()
    cls = INSTRUCTION_CLASSES.get(keyword, UnknownInstruction)
    return cls(lines, bodies, escape)


def unquote(value: str, escape: str = "\\") -> str:
    """Remove shell quotes and escapes from a word (variables not expanded)."""
    out = []
    i = 0
    n = len(value)
    quote = ""
    while i < n:
        ch = value[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                out.append(ch)
        elif ch == escape and i + 1 < n and (quote != '"' or value[i + 1] in '"$' + escape):
            i += 1
            out.append(value[i])
        elif ch == escape and quote == '"':
            out.append(ch)
        elif ch in "'\"" and (not quote or quote == ch):
            quote = "" if quote else ch
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# -- the file -------------------------------------------------------------------

BodyNode = Comment | BlankLine | Instruction


@frozen
class Stage:
    """A build stage: its heading lines, its FROM, and the body nodes up to
    the next stage's heading (or the last instruction).

    ``leading`` are the comments and blank lines the FROM owns (see
    ``Dockerfile.leading``); they sit before ``start``. ``nodes`` is
    ``body[start:end]``: the FROM, the stage's instructions and their
    leading lines. The next stage's heading and the file's trailing lines are
    not part of it.
    """

    index: int
    start: int  # index in Dockerfile.body of the FROM
    end: int  # index after the stage's last node
    from_: From
    nodes: tuple[BodyNode, ...]
    leading: tuple[BodyNode, ...] = ()

    @property
    def name(self) -> str | None:
        return self.from_.alias

    @cached_property
    def instructions(self) -> tuple[Instruction, ...]:
        return tuple(n for n in self.nodes if isinstance(n, Instruction))


@frozen
class Style:
    """How a file writes things, so new text looks like it belongs."""

    newline: str = "\n"
    upper_keywords: bool = True
    continuation_indent: str = "    "
    escape: str = "\\"


@frozen
class Dockerfile:
    """A whole Dockerfile. ``code`` gives back the text it was parsed from."""

    body: tuple[BodyNode, ...]
    directives: tuple[Directive, ...] = ()
    bom: str = ""
    escape: str = "\\"
    path: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def code(self) -> str:
        return self.bom + "".join([d.text + d.newline for d in self.directives] + [n.code for n in self.body])

    @cached_property
    def instructions(self) -> tuple[Instruction, ...]:
        return tuple(n for n in self.body if isinstance(n, Instruction))

    @property
    def has_final_newline(self) -> bool:
        last = self.body[-1] if self.body else (self.directives[-1] if self.directives else None)
        return last is None or last.code.endswith("\n")

    def directive(self, name: str) -> str | None:
        for d in self.directives:
            if d.name == name:
                return d.value
        return None

    @cached_property
    def stages(self) -> tuple[Stage, ...]:
        body = self.body
        starts = [i for i, n in enumerate(body) if isinstance(n, From)]
        if not starts:
            return ()
        last = max(i for i, n in enumerate(body) if isinstance(n, Instruction))
        heads = [self._leading_start(i) for i in starts]
        out = []
        for k, start in enumerate(starts):
            end = heads[k + 1] if k + 1 < len(starts) else last + 1
            out.append(Stage(k, start, end, body[start], body[start:end], body[heads[k] : start]))
        return tuple(out)

    # -- ownership: the comments and blank lines that go with an instruction --

    def _leading_start(self, i: int) -> int:
        """Where the lines owned by the instruction at ``body[i]`` begin."""
        body = self.body
        j = i
        while j > 0 and not isinstance(body[j - 1], Instruction):
            j -= 1
        if j == 0:
            # Before the file's first instruction, lines up to the last blank
            # line are the file's header (license text, tool settings).
            for k in range(i - 1, -1, -1):
                if type(body[k]) is BlankLine:
                    return k + 1
        return j

    def leading(self, node: BodyNode) -> tuple[BodyNode, ...]:
        """The comments and blank lines ``node`` owns: the run of them right
        before it, back to the previous instruction (before the first
        instruction: back to the file's header). Empty for a comment or a
        blank line, which own nothing."""
        i = self.index(node)
        if not isinstance(node, Instruction):
            return ()
        return self.body[self._leading_start(i) : i]

    def owned(self, node: BodyNode) -> tuple[BodyNode, ...]:
        """``node`` with its leading lines: what moves or goes with it."""
        return self.leading(node) + (node,)

    def header(self) -> tuple[BodyNode, ...]:
        """The comments and blank lines before the first instruction, up to
        and including the last blank line among them: the file's own."""
        for i, n in enumerate(self.body):
            if isinstance(n, Instruction):
                return self.body[: self._leading_start(i)]
        return ()

    def trailing(self) -> tuple[BodyNode, ...]:
        """The comments and blank lines after the last instruction (the
        file's own; all of the body when it has no instruction)."""
        for i in range(len(self.body) - 1, -1, -1):
            if isinstance(self.body[i], Instruction):
                return self.body[i + 1 :]
        return self.body

    @cached_property
    def style(self) -> Style:
        newline = "\n"
        for node in self._line_nodes():
            if node.newline:
                newline = node.newline
                break
        upper = lower = 0
        indents: dict[str, int] = {}
        for ins in self.instructions:
            kw = ins.keyword
            if kw.isupper():
                upper += 1
            elif kw.islower():
                lower += 1
            for ln in ins.lines[1:]:
                if type(ln) is SourceLine:
                    ind = ln.text[: len(ln.text) - len(ln.text.lstrip(" \t"))]
                    if ind:
                        indents[ind] = indents.get(ind, 0) + 1
        indent = max(indents, key=indents.__getitem__) if indents else "    "
        return Style(newline, upper >= lower, indent, self.escape)

    def _line_nodes(self) -> Iterable[LineNode]:
        yield from self.directives
        for n in self.body:
            if isinstance(n, Instruction):
                yield from n.lines
            else:
                yield n

    # -- editing: every method returns a new Dockerfile ----------------------

    def instruction(self, text: str) -> Instruction:
        """Parse ``text`` as one instruction and write it in this file's style.

        ``text`` continues lines with a backslash whatever the file uses; the
        result has the file's escape character, line ending, keyword case and
        continuation indentation.
        """
        from .parser import parse_instruction

        return restyle(parse_instruction(text), self.style)

    def with_body(self, body: Sequence[BodyNode]) -> Dockerfile:
        """A copy with this body. A node object may appear once: a second
        place for the same node is refused (ValueError), so a move that
        forgets to remove the node from its old place fails loudly."""
        body = tuple(body)
        if len({id(n) for n in body}) != len(body):
            _refuse_repeats(body)
        return attrs.evolve(self, body=_fix_seams(body, self))

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {id(n): i for i, n in enumerate(self.body)}

    def index(self, node: BodyNode) -> int:
        i = self._positions.get(id(node))
        if i is None:
            raise ValueError(f"{_describe(node)} is not in this Dockerfile's body")
        return i

    def replace(self, old: BodyNode, *new: BodyNode) -> Dockerfile:
        """Put ``new`` in place of ``old``; ``old``'s leading lines stay, now
        leading the first of ``new``."""
        i = self.index(old)
        return self.with_body(self.body[:i] + new + self.body[i + 1 :])

    def insert_before(self, anchor: BodyNode, *new: BodyNode) -> Dockerfile:
        """Insert above ``anchor`` and the lines it owns, which stay its own."""
        i = self.index(anchor) - len(self.leading(anchor))
        return self.with_body(self.body[:i] + new + self.body[i:])

    def insert_after(self, anchor: BodyNode, *new: BodyNode) -> Dockerfile:
        i = self.index(anchor) + 1
        return self.with_body(self.body[:i] + new + self.body[i:])

    def remove(self, *nodes: BodyNode, with_leading: bool = True) -> Dockerfile:
        """Remove ``nodes``, each instruction with its leading lines unless
        ``with_leading=False``. Every node must be in the body."""
        drop = set()
        for node in nodes:
            drop.update(map(id, self.owned(node) if with_leading else (self.body[self.index(node)],)))
        return self.with_body(tuple(n for n in self.body if id(n) not in drop))

    def append(self, *new: BodyNode) -> Dockerfile:
        return self.with_body(self.body + new)

    def move(self, *nodes: BodyNode, before: BodyNode | None = None, after: BodyNode | None = None) -> Dockerfile:
        """Move ``nodes``, each with its leading lines, in the order given, to
        just before ``before``'s leading lines or just after ``after``."""
        if (before is None) == (after is None):
            raise TypeError("move() needs exactly one of before= or after=")
        moving = tuple(m for node in nodes for m in self.owned(node))
        going = {id(m) for m in moving}
        anchor = before if before is not None else after
        if id(anchor) in going:
            raise ValueError(f"cannot move {_describe(anchor)} next to itself or its own leading lines")
        if before is not None:
            target = next(n for n in self.owned(before) if id(n) not in going)
        else:
            target = self.body[self.index(after)]
        rest = tuple(n for n in self.body if id(n) not in going)
        i = next(k for k, n in enumerate(rest) if n is target) + (after is not None)
        return self.with_body(rest[:i] + moving + rest[i:])

    def _current(self, stage: Stage) -> Stage:
        """``stage`` as it is in this tree (found by its FROM node)."""
        for s in self.stages:
            if s.from_ is stage.from_:
                return s
        raise ValueError(f"{_describe(stage.from_)} does not start a stage of this Dockerfile")

    def remove_stage(self, stage: Stage) -> Dockerfile:
        """Remove a stage with its heading; the next stage keeps its own."""
        current = self._current(stage)
        return self.remove(*current.leading, *current.nodes, with_leading=False)

    def insert_stage(self, *nodes: BodyNode, before: Stage | None = None) -> Dockerfile:
        """Insert a new stage (optional heading lines, a FROM, the rest) ahead
        of the heading of ``before``, or else after the last instruction,
        ahead of the file's trailing lines."""
        first = next((n for n in nodes if isinstance(n, Instruction)), None)
        if not isinstance(first, From):
            raise ValueError("a stage's first instruction is a FROM")
        if before is not None:
            current = self._current(before)
            i = current.start - len(current.leading)
        else:
            i = len(self.body) - len(self.trailing())
        return self.with_body(self.body[:i] + nodes + self.body[i:])

    # -- builders: new nodes in this file's style (refactor.syntax.build) -----

    def instructions_from(self, text: str) -> tuple[BodyNode, ...]:
        from . import build

        return build.instructions_from(text, self.style)

    def blank_line(self) -> BlankLine:
        from . import build

        return build.blank_line(self.style)

    def comment(self, text: str) -> Comment:
        from . import build

        return build.comment(text, self.style)

    def make_from(self, image: str, alias: str | None = None, platform: str | None = None) -> From:
        from . import build

        return build.make_from(image, alias, platform, self.style)

    def exec_form(self, keyword: str, words: Sequence[str]) -> Instruction:
        from . import build

        return build.exec_form(keyword, words, self.style)

    def make_copy(
        self,
        sources: Sequence[str],
        dest: str,
        from_: str | None = None,
        chown: str | None = None,
        chmod: str | None = None,
        link: bool = False,
    ) -> Copy:
        from . import build

        return build.make_copy(sources, dest, from_, chown, chmod, link, self.style)


def _describe(node: object) -> str:
    """How an error message names a node: ``RUN at line 4``, or a made one."""
    if isinstance(node, Instruction):
        return f"{node.name} at line {node.line}" if node.line else f"new {node.name} ({node.lines[0].text!r})"
    if isinstance(node, LineNode):
        kind = "comment" if isinstance(node, Comment) else "blank line" if isinstance(node, BlankLine) else "line"
        return f"{kind} at line {node.line}" if node.line else f"new {kind} {node.text!r}"
    return type(node).__name__


def _refuse_repeats(body: tuple) -> None:
    seen = set()
    for n in body:
        if id(n) in seen:
            raise ValueError(f"{_describe(n)} would appear twice in the body (moved without being removed?)")
        seen.add(id(n))


def _with_newline(node, newline: str):
    if isinstance(node, Instruction):
        if node.heredoc_bodies:
            last = node.heredoc_bodies[-1]
            text, _ = _split_ending(last.text)
            bodies = node.heredoc_bodies[:-1] + (attrs.evolve(last, text=text + newline),)
            return attrs.evolve(node, heredoc_bodies=bodies)
        return attrs.evolve(node, lines=node.lines[:-1] + (attrs.evolve(node.lines[-1], newline=newline),))
    return attrs.evolve(node, newline=newline)


def _fix_seams(body: tuple, original: Dockerfile) -> tuple:
    """Keep lines apart and the file's final-newline choice after an edit.

    A node that ends without a line ending (it was last) gets the file's
    ending when something now follows it; if the file had no final newline,
    the new last node loses its own, so the edit does not add one (a blank
    line left last is dropped: without its ending it would print nothing).
    A comment that comes first and reads as a parser directive gets a blank
    line above it, so it stays a comment.
    """
    if not body:
        return body
    nl = original.style.newline
    out = list(body)
    if type(out[0]) is Comment and _reads_as_directive(out[0]):
        out.insert(0, BlankLine("", nl))
    for i in range(len(out) - 1):
        if out[i].newline == "":
            out[i] = _with_newline(out[i], nl)
    had_final = original.has_final_newline
    last_nl = out[-1].newline
    if not had_final and last_nl:
        out[-1] = _with_newline(out[-1], "")
        if out[-1].code == "":
            out.pop()  # an empty last line without an ending is no line at all
    elif had_final and not last_nl:
        out[-1] = _with_newline(out[-1], nl)
    return tuple(out)


def _reads_as_directive(comment: Comment) -> bool:
    from .lexer import RE_DIRECTIVE, VALID_DIRECTIVES

    m = RE_DIRECTIVE.match(comment.text.lstrip(bk.GO_SPACE))
    return m is not None and m.group(1).lower() in VALID_DIRECTIVES


_RE_AS = re.compile(r"([\t ])[Aa][Ss]([\t ]+[^\t ]+[\t ]*)$")


def restyle(ins: Instruction, style: Style) -> Instruction:
    """Write a made instruction in a file's style: line ending, keyword case,
    continuation indentation, escape character."""
    lines = []
    for k, ln in enumerate(ins.lines):
        text = ln.text
        if k == 0:
            kw = ins.keyword
            stripped = text.lstrip(bk.GO_SPACE)
            if stripped.startswith(kw):
                new_kw = kw.upper() if style.upper_keywords else kw.lower()
                text = text[: len(text) - len(stripped)] + new_kw + stripped[len(kw) :]
            if isinstance(ins, From) and ins.alias is not None:
                # `AS` is a keyword too: FROM x AS y / from x as y
                as_word = "AS" if style.upper_keywords else "as"
                text = _RE_AS.sub(lambda m, w=as_word: m.group(1) + w + m.group(2), text, count=1)
        elif type(ln) is SourceLine:
            text = style.continuation_indent + text.lstrip(" \t")
        if ins.escape != style.escape and type(ln) is SourceLine:
            trimmed = text.rstrip(" \t")
            if trimmed.endswith(ins.escape) and k < len(ins.lines) - 1:
                text = trimmed[:-1] + style.escape + text[len(trimmed) :]
        newline = style.newline if ln.newline else ""
        lines.append(attrs.evolve(ln, text=text, newline=newline))
    bodies = tuple(
        attrs.evolve(b, text=b.text.replace("\r\n", "\n").replace("\n", style.newline)) for b in ins.heredoc_bodies
    )
    return make_instruction(tuple(lines), bodies, style.escape)


__all__ = [
    "LineNode",
    "Directive",
    "Comment",
    "BlankLine",
    "SourceLine",
    "ContinuationComment",
    "ContinuationBlank",
    "HeredocBody",
    "Heredoc",
    "Flag",
    "InstructionLine",
    "Instruction",
    "From",
    "Run",
    "CopyLike",
    "Copy",
    "Add",
    "KeyValue",
    "Env",
    "Label",
    "Arg",
    "ExecOrShell",
    "Cmd",
    "Entrypoint",
    "Shell",
    "Expose",
    "Volume",
    "User",
    "Workdir",
    "Stopsignal",
    "Maintainer",
    "Healthcheck",
    "Onbuild",
    "UnknownInstruction",
    "INSTRUCTION_CLASSES",
    "make_instruction",
    "unquote",
    "logical_line",
    "BodyNode",
    "Stage",
    "Style",
    "Dockerfile",
    "restyle",
]
