"""RUN commands read as shell syntax, with tree-sitter's bash grammar.

Passes ask what a RUN does (``go build -o /out/app ./cmd/server`` after
``cd /src``, ``apt-get install`` inside an ``if`` ...)::

    shell = facts(tree).state_before(run).shell  # the SHELL in effect, or Unknown
    script = run_script(run, shell if isinstance(shell, tuple) else None)
    for cmd in script.commands:
        if cmd.name == "go" and cmd.words()[:2] == ["go", "build"] and not cmd.conditional:
            ...
    if not script.understood:
        ...  # script.unknown says what was not read, and why

A ``Script`` holds every simple command in source order, the nested ones
too (in ``$(...)``, subshells, ``if`` branches, loop bodies), each with its
words, prefix assignments, redirects, the directory it runs in after
earlier ``cd``, the operator joining it to the previous command, and the
constructs around it. Whatever cannot be read exactly is listed in
``Script.unknown`` and the script is then not ``understood``: syntax
tree-sitter cannot parse, here-strings, process substitution, ``eval``,
``source``, aliases, calls of functions the script defines, a non-POSIX
``SHELL``. Commands around an unreadable part are still reported.

``cwd`` and ``conditional`` assume every command succeeds, except tests
(``[``, ``test``, ``[[``), negations and compound commands, whose outcome
is left open; ``CDPATH`` is assumed unset.

Importing this module does not import tree-sitter: the first read does
(the grammar loads once per process).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

if TYPE_CHECKING:
    from ..syntax.nodes import Run

frozen = attrs.frozen

POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash"})
# Commands whose exit status is a real condition, not a step expected to pass.
_TESTS = frozenset({"[", "[[", "test"})
_DECLARATIONS = frozenset({"export", "local", "declare", "typeset", "readonly"})


# -- the result ----------------------------------------------------------------


@frozen
class NotUnderstood:
    """A part of a script that is not read, with why (one line)."""

    reason: str
    text: str


@frozen
class Word:
    """One shell word as written, and what it is when that is known.

    ``literal`` is the word after quote removal when nothing in it expands
    (no parameter, command or arithmetic substitution, glob, brace, tilde or
    ``$'...'``, whose meaning differs between shells); else None.
    ``variables`` are the parameter names it reads, in order.
    """

    raw: str
    literal: str | None
    variables: tuple[str, ...] = ()
    # Pieces the value is made of: ("text", str, quoted), ("var", name,
    # quoted, operator, default pieces) or ("opaque", why).
    parts: tuple[tuple, ...] = attrs.field(default=(), repr=False)

    def expand(self, lookup: Callable[[str], str | None]) -> str | None:
        """The word's value with ``$X``, ``${X}``, ``${X:-d}``, ``${X-d}``
        resolved through ``lookup`` (None for unset), or None when that is
        not certain: an unknown variable, any other expansion, or an
        unquoted value that word splitting or globbing would change."""
        fields = _fields(self.parts, lookup)
        return fields[0] if fields else None


@frozen
class Assignment:
    """``NAME=value`` before a command or alone."""

    name: str
    value: Word


@frozen
class Redirect:
    """``[fd]op target``: ``>``, ``>>``, ``<``, ``>&``, ``&>``, ``<<`` ...

    For a here-document (``<<``, ``<<-``) the target is the delimiter word.
    """

    op: str
    fd: int | None
    target: Word


@frozen
class SimpleCommand:
    """One simple command: words, prefix assignments, redirects, and where
    it stands in the script.

    * ``argv``: command name first; empty for a bare ``NAME=value`` or ``> f``.
    * ``cwd``: the directory it runs in relative to the script's start, after
      earlier ``cd`` (``"."`` when none; None when unknown).
    * ``operator``: ``&&``, ``||``, ``;`` (newline too), ``|``, ``|&`` or ``&``
      joining it to the previous command; None for the first of a body.
    * ``context``: enclosing constructs, outermost first (``subshell``,
      ``group``, ``if``, ``for``, ``while``, ``case``, ``function``,
      ``pipeline``, ``negated``, ``background``, ``command_substitution``).
    * ``conditional``: it may not run even when every command before it
      succeeds (an ``if`` branch, a loop body, after ``||``, after a test
      with ``&&``, a function body).
    * ``script_variables``: names the script may have set or unset before
      it; their value is not the environment's.
    * ``span``: (start, end) of its text in ``Script.text``.
    """

    argv: tuple[Word, ...]
    assignments: tuple[Assignment, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    cwd: str | None = "."
    operator: str | None = None
    context: tuple[str, ...] = ()
    conditional: bool = False
    script_variables: frozenset[str] = frozenset()
    span: tuple[int, int] = (0, 0)

    @property
    def name(self) -> str | None:
        """The command name when it is literal."""
        return self.argv[0].literal if self.argv else None

    def words(self) -> list[str] | None:
        """Every word literally, or None if any word is not literal."""
        out = [w.literal for w in self.argv]
        return None if None in out else out  # type: ignore[return-value]

    def expanded(self, lookup: Callable[[str], str | None]) -> list[str] | None:
        """The argv with variables resolved through ``lookup`` (words that an
        empty unquoted expansion removes are dropped), or None when a word
        cannot be resolved or reads a variable the script itself sets."""
        out: list[str] = []
        for word in self.argv:
            if self.script_variables.intersection(word.variables):
                return None
            fields = _fields(word.parts, lookup)
            if fields is None:
                return None
            out.extend(fields)
        return out


@frozen
class Script:
    """What a RUN command does, as far as it can be read exactly."""

    text: str
    commands: tuple[SimpleCommand, ...] = ()
    unknown: tuple[NotUnderstood, ...] = ()

    @property
    def understood(self) -> bool:
        """True when every part was read (``unknown`` is empty)."""
        return not self.unknown


# -- entry points ----------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def read_shell(text: str) -> Script:
    """Read shell-form command text (``Run.rest``) as ``sh -c`` would."""
    return _Reader(text).read()


def run_script(ins: Run, shell: Sequence[str] | None = None) -> Script:
    """What ``ins`` runs: shell form, exec form or heredoc.

    ``shell`` is the ``SHELL`` in effect (``facts(tree).state_before(ins).shell``
    when it is known); None means the default ``/bin/sh -c``. A shell that is
    not a POSIX shell run with ``-c`` leaves the whole script not understood.
    """
    if ins.is_exec_form:
        import json  # rarely needed: kept off the start-up path

        argv = tuple(Word(json.dumps(v), v, (), (("text", v, True),)) for v in ins.value)
        return Script(ins.rest, (SimpleCommand(argv, span=(0, len(ins.rest))),))
    if shell is not None and not is_posix_shell(shell):
        return _refused(ins.rest, f"the SHELL {list(shell)} is not a POSIX shell with -c")
    if not ins.heredocs:
        return read_shell(ins.rest)
    return _heredoc_script(ins)


def is_posix_shell(shell: Sequence[str]) -> bool:
    """True for ``sh``/``bash``/``dash``/``ash`` given options ending in
    ``-c`` (``["/bin/bash", "-eux", "-o", "pipefail", "-c"]``)."""
    if len(shell) < 2 or posixpath.basename(shell[0]) not in POSIX_SHELLS:
        return False
    return bool(re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", shell[-1])) and _options(shell[1:-1])


def _options(args: Sequence[str]) -> bool:
    """Shell options only: ``-eux``, ``+x``, ``-o pipefail`` (no ``-c``)."""
    k = 0
    while k < len(args):
        if re.fullmatch(r"[-+][a-zA-Z]*o", args[k]) and k + 1 < len(args) and "c" not in args[k]:
            k += 2  # `-eo pipefail`
        elif re.fullmatch(r"[-+][a-zA-Z]+", args[k]) and "c" not in args[k] and "o" not in args[k]:
            k += 1
        else:
            return False
    return True


def _refused(text: str, reason: str) -> Script:
    return Script(text, (), (NotUnderstood(reason, text),))


def _chomped(doc: Any) -> str:
    return re.sub(r"(?m)^\t+", "", doc.content) if doc.chomp else doc.content


def _heredoc_script(ins: Run) -> Script:
    """A RUN with heredocs, read as BuildKit runs it (dispatchRun)."""
    from ..syntax import buildkit as bk

    rest = ins.rest
    words = bk.parse_words(rest, "\\")  # BuildKit's words of the line, quotes kept
    if len(words) == 1 and bk.RE_HEREDOC.match(rest):
        # `RUN <<EOF`: the content is the script, run by its #! line if any.
        data = _chomped(ins.heredocs[0])
        if data.startswith("#!"):
            interpreter = data[2:].split("\n", 1)[0].split()
            if interpreter[:1] == ["/usr/bin/env"]:
                interpreter = interpreter[1:]
            if not interpreter or posixpath.basename(interpreter[0]) not in POSIX_SHELLS:
                return _refused(data, f"the heredoc runs with its #! interpreter {' '.join(interpreter)!r}")
        return read_shell(data)
    docs = [m for m in map(bk.RE_HEREDOC.match, words) if m]
    others = [w for w in words if not bk.RE_HEREDOC.match(w)]
    if (
        len(ins.heredocs) == 1
        and len(docs) == 1
        and docs[0].group(1) in ("", "0")
        and others
        and posixpath.basename(others[0]) in POSIX_SHELLS
        and _options(others[1:])
    ):
        # `bash <<EOF`, `<<'EOF' sh -e`: a shell reads the heredoc as its script,
        # after the outer shell expanded it unless the delimiter is quoted.
        content = _chomped(ins.heredocs[0])
        if not re.search(r"[\\'\"]", docs[0].group(3)):
            expanded = _unquoted_heredoc(content)
            if expanded is None:
                return _refused(content, "the outer shell expands the unquoted heredoc before the inner shell reads it")
            content = expanded
        return read_shell(content)
    # Otherwise the shell gets the line with every heredoc appended.
    return read_shell(rest + "".join("\n" + d.content + d.name for d in ins.heredocs))


def _unquoted_heredoc(content: str) -> str | None:
    """An unquoted heredoc's text after the shell's expansion when it has
    only backslashes to process (``\\`` before ``$ ` \\`` or a newline);
    None when a ``$`` or backquote would expand."""
    out = []
    i, n = 0, len(content)
    while i < n:
        ch = content[i]
        if ch == "\\" and i + 1 < n and content[i + 1] in "$`\\\n":
            if content[i + 1] != "\n":
                out.append(content[i + 1])
            i += 2
            continue
        if ch in "$`":
            return None
        out.append(ch)
        i += 1
    return "".join(out)


# -- expansion -------------------------------------------------------------------

_IFS_OR_GLOB = re.compile(r"[ \t\n*?\[]")


def word_fields(
    word: Word, lookup: Callable[[str], str | None], script_variables: frozenset[str] = frozenset()
) -> list[str] | None:
    """``SimpleCommand((word,), script_variables=...).expanded(lookup)``
    without making the command: the fields of one word, or None."""
    if script_variables.intersection(word.variables):
        return None
    return _fields(word.parts, lookup)


def _fields(parts: tuple[tuple, ...], lookup: Callable[[str], str | None]) -> list[str] | None:
    """[value], [] when an empty unquoted expansion removes the word, or None."""
    out = []
    quoted = False
    for part in parts:
        kind = part[0]
        if kind == "text":
            out.append(part[1])
            quoted = True  # a literal piece keeps the word, even an empty ""
        elif kind == "var":
            value = _resolve(part, lookup)
            if value is None:
                return None
            out.append(value)
            quoted = quoted or part[2]
        else:
            return None
    value = "".join(out)
    return [value] if value or quoted else []


def _resolve(part: tuple, lookup: Callable[[str], str | None]) -> str | None:
    _, name, quoted, op, default = part
    value = lookup(name)
    if (op == ":-" and not value) or (op == "-" and value is None):
        fields = _fields(default, lookup)
        value = fields[0] if fields else ("" if fields == [] else None)
    if value is None or (not quoted and _IFS_OR_GLOB.search(value)):
        return None
    return value


# -- reading ---------------------------------------------------------------------

_PARSER: Any = None


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_bash

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


class _Span(NamedTuple):
    """Text read by hand, where the grammar gives no node."""

    start_byte: int
    end_byte: int


class _State(NamedTuple):
    """What a statement inherits from where it stands."""

    cwd: str | None
    context: tuple[str, ...] = ()
    conditional: bool = False
    operator: str | None = None
    redirects: tuple[Redirect, ...] = ()


class _Outcome(NamedTuple):
    cwd: str | None
    succeeds: bool | None = True  # under "every command succeeds"; None: open
    exits: bool = False  # never falls through (exit, return)


# What tree-sitter may leave between two children: blanks, newlines and
# line continuations (inside heredoc scripts).
_BLANK_GAP = re.compile(rb"(?:[ \t\r\n]|\\\r?\n)*")
# Between the words of a command, the grammar also drops `\ ` and `\<tab>`
# (escaped blanks that belong to a word): re-read such gaps by hand.
_BLANKS = re.compile(rb"[ \t]*")
_GAP_TOKEN = re.compile(
    rb"(?P<blank>[ \t]+)|(?P<cont>\\\r?\n)|(?P<esc>\\[^\r\n])|(?P<newline>\r?\n)|(?P<junk>.)", re.DOTALL
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPED_BLANKS = re.compile(rb"[ \t]*(?:\\[ \t][ \t]*)+")
_HEREDOC_PARTS = frozenset(
    {"heredoc_start", "heredoc_body", "heredoc_end", "file_redirect", "herestring_redirect", "file_descriptor"}
)
# A word with none of the characters that quote, expand or glob.
_PLAIN_KINDS = frozenset({"word", "number", "command_name"})
_PLAIN_WORD = re.compile(rb"[^\\'\"$`*?\[\]{}~\s]+")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.src = text.encode("utf-8")
        self.ascii = len(self.src) == len(text)
        self.commands: list[SimpleCommand] = []
        self.unknown: list[NotUnderstood] = []
        self.functions: set[str] = set()
        self.assigned: set[str] = set()
        self._trailing: dict[int, int] = {}  # command start -> end of escaped blanks after it

    def read(self) -> Script:
        tree = _parser().parse(self.src)
        root = tree.root_node
        if root.has_error:
            self._errors(root)
        self._body(root.children, _State("."))
        # Source order, whatever the walk met first (a heredoc's $(...) is
        # read with its command, before the `| sh` that follows the `<<EOF`).
        self.commands.sort(key=lambda c: c.span[0])
        return Script(self.text, tuple(self.commands), tuple(self.unknown))

    # -- helpers ---------------------------------------------------------------

    def _dry(self) -> _Reader:
        """A reader of the same tree whose findings are thrown away."""
        dry = _Reader.__new__(_Reader)
        dry.__dict__.update(self.__dict__)
        dry.commands, dry.unknown = [], []
        dry.functions, dry.assigned = set(self.functions), set(self.assigned)
        return dry

    def _text(self, node: Any) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _char(self, offset: int) -> int:
        return offset if self.ascii else len(self.src[:offset].decode("utf-8", "replace"))

    def _not_read(self, reason: str, node: Any) -> None:
        self.unknown.append(NotUnderstood(reason, self._text(node)))

    def _errors(self, node: Any) -> None:
        """Every ERROR and MISSING node, once (the walk skips them)."""
        prev = None
        for child in node.children:
            if child.is_missing:
                self.unknown.append(NotUnderstood(f"missing `{child.type}`", self._text(node)))
            elif child.type == "ERROR":
                if not self._escaped_blanks(prev, child):
                    self._not_read("shell syntax the parser cannot read", child)
            elif child.has_error:
                self._errors(child)
            prev = child

    def _escaped_blanks(self, prev: Any, node: Any) -> bool:
        """`printf \\ `: the grammar fails on escaped blanks ending a
        command; they are words of that command (see _body)."""
        return (
            prev is not None
            and prev.type == "command"
            and node.type == "ERROR"
            and _ESCAPED_BLANKS.fullmatch(self.src, prev.end_byte, node.end_byte) is not None
        )

    def _check_gaps(self, children: Sequence[Any]) -> None:
        """Text between children the grammar skipped is not read: report it."""
        if not children:
            return
        pos = children[0].start_byte
        for child in children:
            if not _BLANK_GAP.fullmatch(self.src, pos, child.start_byte):
                gap = self.src[pos : child.start_byte].decode("utf-8", "replace")
                self.unknown.append(NotUnderstood("text the parser skipped", gap.strip()))
            pos = max(pos, child.end_byte)

    # -- statements --------------------------------------------------------------

    def _body(self, children: Sequence[Any], st: _State) -> _Outcome:
        """A sequence of statements joined by `;`, `&` or newlines."""
        statements: list[list] = []  # [node, terminator]
        kept = []
        for child in children:
            if child.type in (";", "&", ";;", "\n") and statements:
                statements[-1][1] = child.type
                kept.append(child)
            elif child.is_named and child.type not in ("comment", "heredoc_body"):
                if statements and statements[-1][1] is None and self._escaped_blanks(statements[-1][0], child):
                    self._trailing[statements[-1][0].start_byte] = child.end_byte
                    kept.append(_Span(statements[-1][0].end_byte, child.end_byte))
                else:
                    statements.append([child, None])
                    kept.append(child)
            elif child.type == "comment":
                kept.append(child)
        self._check_gaps(kept)
        out = _Outcome(st.cwd)
        op = st.operator
        for node, terminator in statements:
            inner = st._replace(cwd=out.cwd, operator=op)
            if terminator == "&":
                # An asynchronous list runs in a subshell; it always "succeeds".
                self._statement(node, inner._replace(context=st.context + ("background",)))
                out = _Outcome(out.cwd)
                op = "&"
            else:
                result = self._statement(node, inner)
                out = _Outcome(result.cwd, result.succeeds, out.exits or result.exits)
                op = ";"
        return out

    def _statement(self, node: Any, st: _State) -> _Outcome:
        kind = node.type
        if kind in ("list", "pipeline", "redirected_statement", "negated_command"):
            return self._list(node, st)
        if kind == "command":
            return self._command(node, st)
        if kind == "subshell":
            inner = self._body(node.children[1:-1], st._replace(context=st.context + ("subshell",)))
            return _Outcome(st.cwd, inner.succeeds)
        if kind == "compound_statement":
            if node.children and node.children[0].type == "((":
                self._not_read("bash arithmetic `(( ))`", node)
                return _Outcome(st.cwd, None)
            return self._body(node.children[1:-1], st._replace(context=st.context + ("group",)))
        if kind == "if_statement":
            return self._if(node, st)
        if kind in ("for_statement", "c_style_for_statement", "while_statement"):
            return self._loop(node, st)
        if kind == "case_statement":
            return self._case(node, st)
        if kind == "function_definition":
            return self._function(node, st)
        if kind in ("variable_assignment", "variable_assignments"):
            return self._assignments(node, st)
        if kind in ("declaration_command", "unset_command", "test_command"):
            return self._builtin(node, st)
        if kind == "ERROR":
            return _Outcome(None, None)  # reported by _errors
        self._not_read(f"`{kind}` is not read", node)
        return _Outcome(None, None)

    def _list(self, node: Any, st: _State) -> _Outcome:
        """An and-or list of pipelines, regrouped as the shell reads it.

        tree-sitter-bash nests lists, pipelines and redirects unreliably:
        ``a | b | c && d`` comes out as ``a | (b | c && d)``, ``a && b > f``
        as ``(a && b) > f``. The region is read back as tokens in source
        order (elements with the redirects that follow them, ``!``, and
        operators), then grouped: pipes bind tighter than ``&&``/``||``,
        which are equal and left-associative.
        """
        tokens: list[list] = []
        self._tokens(node, tokens)
        pipelines = self._group(tokens)
        if pipelines is None:
            self._not_read("a list the parser nests in a way the shell cannot", node)
            return _Outcome(None, None)
        out: _Outcome | None = None
        for op, negated, elements in pipelines:
            if out is None:
                out = self._pipeline(negated, elements, st)
                continue
            if op == "&&":
                runs = out.succeeds
            elif op == "||":
                runs = None if out.succeeds is None else not out.succeeds
            else:
                runs, op = None, None
            # After `||` the left side failed: a cd in it may not have happened.
            cwd = out.cwd if op == "&&" or out.cwd == st.cwd else None
            right = self._pipeline(
                negated, elements, st._replace(cwd=cwd, operator=op, conditional=st.conditional or runs is not True)
            )
            if runs is True:
                out = right
            elif runs is None:
                merged = out.cwd if right.exits else _merge(out.cwd, right.cwd)
                out = _Outcome(merged, None)
        assert out is not None
        return out

    def _tokens(self, node: Any, out: list[list]) -> None:
        """["op", "&&"], ["not"], ["elem", node or None, [redirect nodes]]."""
        kind = node.type
        if kind in ("list", "pipeline"):
            for child in node.children:
                if child.is_named:
                    self._tokens(child, out)
                elif child.type in ("&&", "||", "|", "|&"):
                    out.append(["op", child.type])
        elif kind == "redirected_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                self._tokens(body, out)
            for child in node.children:
                if child is body or not child.type.endswith("redirect"):
                    continue
                if not out or out[-1][0] != "elem":
                    out.append(["elem", None, []])  # `> file` alone
                out[-1][2].append(child)
                if child.type == "heredoc_redirect":
                    # `cat <<EOF | sh`, `<<EOF > f && x`: the grammar puts what
                    # follows the delimiter on the line inside the redirect.
                    for sub in child.children:
                        if sub.type in ("&&", "||", "|", "|&"):
                            out.append(["op", sub.type])
                        elif sub.is_named and sub.type not in _HEREDOC_PARTS:
                            self._tokens(sub, out)
        elif kind == "negated_command":
            out.append(["not"])
            self._tokens(node.children[-1], out)
        else:
            out.append(["elem", node, []])

    @staticmethod
    def _group(tokens: list[list]) -> list[tuple[str | None, bool, list[tuple[str | None, Any, list]]]] | None:
        """[(and-or operator, negated, [(pipe operator, node, redirects)])]."""
        pipelines: list = []
        op: str | None = None
        pipe: str | None = None
        negated = False
        expect_element = True
        for token in tokens:
            if token[0] == "not":
                if not expect_element or pipe is not None:
                    return None  # `!` starts a pipeline
                negated = not negated
            elif token[0] == "op":
                if expect_element:
                    return None
                if token[1] in ("&&", "||"):
                    op = token[1]
                else:
                    pipe = token[1]
                expect_element = True
            else:
                if not expect_element:
                    if token[1] is None or (token[1].type != "ERROR" and pipelines[-1][2][-1][1].type != "ERROR"):
                        return None
                    op = "?"  # after unreadable text: how it joins is unknown
                if pipe is None:
                    pipelines.append((op if pipelines else None, negated, []))
                    negated = False
                elif negated:
                    return None  # `a | ! b` is not POSIX
                pipelines[-1][2].append((pipe, token[1], token[2]))
                op = pipe = None
                expect_element = False
        return pipelines if pipelines and not expect_element else None

    def _pipeline(self, negated: bool, elements: list[tuple[str | None, Any, list]], st: _State) -> _Outcome:
        context = st.context + (("negated",) if negated else ()) + (("pipeline",) if len(elements) > 1 else ())
        last: _Outcome = _Outcome(st.cwd)
        for k, (op, element, redirects) in enumerate(elements):
            last = self._element(element, redirects, st._replace(context=context, operator=op if k else st.operator))
        succeeds = last.succeeds
        if negated and succeeds is not None:
            succeeds = not succeeds
        if len(elements) > 1:
            # Each element runs in a subshell: its cd does not outlive it.
            return _Outcome(st.cwd, succeeds)
        return _Outcome(last.cwd, succeeds, last.exits)

    def _element(self, node: Any, redirects: Sequence[Any], st: _State) -> _Outcome:
        """A simple or compound command and the redirects that follow it."""
        if node is None or node.type == "command":
            return self._command(node, st, redirects)
        own: list[Redirect] = []
        extra_args: list[Any] = []
        for child in redirects:
            self._redirect(child, own, extra_args, st)
        if extra_args:
            self._not_read("words after a redirect of a compound command", extra_args[0])
        return self._statement(node, st._replace(redirects=st.redirects + tuple(own)))

    def _redirect(self, node: Any, out: list[Redirect], extra_args: list[Any], st: _State) -> None:
        """A redirect node: its Redirect into ``out``; words the grammar
        wrongly gave it (``cat < f arg``) into ``extra_args``."""
        kind = node.type
        if kind == "herestring_redirect":
            self._not_read("a here-string (`<<<`, bash only)", node)
            return
        at = len(out)
        fd = None
        op = None
        target = None
        for child in node.children:
            ctype = child.type
            if ctype == "file_descriptor":
                fd = int(self._text(child))
            elif not child.is_named:
                if op is None:
                    op = ctype
            elif ctype == "heredoc_start":
                target = self._word([child], st)
            elif ctype in ("file_redirect", "herestring_redirect"):
                self._redirect(child, out, extra_args, st)  # `<<EOF > file`
            elif ctype == "heredoc_body":
                self._heredoc_body(child, st)
            elif kind == "heredoc_redirect" or ctype == "ERROR":
                pass  # `&& next` after `<<EOF`: read by _tokens; ERROR: by _errors
            elif target is None:
                target = self._word([child], st)
            else:
                extra_args.append(child)
        if op is None or target is None:
            self._not_read("a redirect that is not read", node)
            return
        out.insert(at, Redirect(op, fd, target))

    def _heredoc_body(self, node: Any, st: _State) -> None:
        """An unquoted here-document runs the substitutions in it."""
        for child in node.children:
            if child.type in ("command_substitution", "process_substitution"):
                self._word([child], st)

    # -- simple commands ----------------------------------------------------------

    def _command(self, node: Any, st: _State, tail: Sequence[Any] = ()) -> _Outcome:
        """A simple command; ``tail``: redirect nodes that follow it."""
        # Nested commands ($(...)) are emitted while the words are read; the
        # command itself goes before them, in source order.
        mark = len(self.commands)
        assignments: list[Assignment] = []
        own: list[Redirect] = []
        pieces: list[tuple[int, int, Any, str]] = []  # argv pieces: (start, end, node, kind)
        children = node.children if node is not None else ()
        pos = children[0].start_byte if children else 0
        for child in children:
            kind = child.type
            start = child.start_byte
            if start > pos:
                self._gap(pos, start, pieces)
            pos = child.end_byte
            if kind == "variable_assignment":
                assignments.append(self._assignment(child, st))
            elif kind.endswith("redirect"):
                self._redirect(child, own, extra_args := [], st)
                for extra in extra_args:
                    pieces.append((extra.start_byte, extra.end_byte, extra, extra.type))
            elif kind not in ("comment", "ERROR") and pos > start:  # ERROR, MISSING: see _errors
                pieces.append((start, pos, child, kind))  # the name, then arguments
        if node is not None and node.start_byte in self._trailing:
            self._gap(pos, self._trailing[node.start_byte], pieces)
        for child in tail:
            # `cat < f arg`: the grammar gives `arg` to the redirect.
            self._redirect(child, own, extra_args := [], st)
            for extra in extra_args:
                pieces.append((extra.start_byte, extra.end_byte, extra, extra.type))
        argv = self._argv(pieces, st)
        start = (node or tail[0]).start_byte
        end = max(n.end_byte for n in [*children, *tail])
        cmd = SimpleCommand(
            argv,
            tuple(assignments),
            st.redirects + tuple(own),
            st.cwd,
            st.operator,
            st.context,
            st.conditional,
            frozenset(self.assigned),
            (self._char(start), self._char(end)),
        )
        self.commands.insert(mark, cmd)
        return self._effect(cmd, node or tail[0])

    def _gap(self, start: int, end: int, pieces: list) -> None:
        """Re-read text the grammar skipped between two words."""
        if start >= end or _BLANKS.fullmatch(self.src, start, end):
            return
        for m in _GAP_TOKEN.finditer(self.src, start, end):
            kind = m.lastgroup
            if kind in ("esc", "cont"):  # a continuation joins what touches it
                pieces.append((m.start(), m.end(), None, kind))
            elif kind != "blank":
                text = self.src[start:end].decode("utf-8", "replace")
                if kind == "newline":
                    # `a | b | c\nd > f`: the grammar makes `c\nd` one command.
                    self.unknown.append(NotUnderstood("the parser joined two lines into one command", text))
                else:
                    self.unknown.append(NotUnderstood("text the parser skipped", text))
                return

    def _argv(self, pieces: list[tuple[int, int, Any, str]], st: _State) -> tuple[Word, ...]:
        """Words from (start, end, node, kind) pieces; pieces that touch form
        one word (kind "esc": an escaped blank, "cont": a line continuation)."""
        if any(pieces[k][0] > pieces[k + 1][0] for k in range(len(pieces) - 1)):
            pieces.sort(key=lambda p: p[0])
        src = self.src
        words = []
        k, n = 0, len(pieces)
        while k < n:
            j = k + 1
            while j < n and pieces[j][0] == pieces[j - 1][1]:
                j += 1
            start, end, _, kind = pieces[k]
            if j == k + 1 and kind in _PLAIN_KINDS and _PLAIN_WORD.fullmatch(src, start, end):
                raw = src[start:end].decode("utf-8", "replace")  # the common case
                words.append(Word(raw, raw, (), (("text", raw, False),)))
            elif any(p[3] != "cont" for p in pieces[k:j]):  # a lone continuation is no word
                words.append(self._word([(p[0], p[1]) if p[3] in ("esc", "cont") else p[2] for p in pieces[k:j]], st))
            k = j
        return tuple(words)

    def _effect(self, cmd: SimpleCommand, node: Any) -> _Outcome:
        """What running ``cmd`` does to the state that follows."""
        name = cmd.name
        words = cmd.words()
        if name is None:
            if cmd.argv:
                return _Outcome(None, None)  # a name that expands may be `cd`
            for a in cmd.assignments:
                self.assigned.add(a.name)
            return _Outcome(cmd.cwd)
        if name in self.functions:
            self._not_read(f"calls the shell function {name}", node)
            return _Outcome(None, None)
        if name in ("eval", "source", "."):
            self._not_read(f"`{name}` runs commands the script does not show", node)
            return _Outcome(None, None)
        if name in ("alias", "unalias"):
            self._not_read("aliases change how later commands read", node)
            return _Outcome(cmd.cwd)
        if name == "cd":
            return _Outcome(_cd(cmd.cwd, words), True)
        if name in ("pushd", "popd"):
            return _Outcome(None)
        if name in ("exit", "return"):
            return _Outcome(cmd.cwd, False, True)
        if name == "exec" and len(cmd.argv) > 1:
            return _Outcome(cmd.cwd, True, True)
        if name in ("read", "getopts", "mapfile", "readarray"):
            self.assigned.update(w.literal for w in cmd.argv[1:] if w.literal and _NAME.fullmatch(w.literal))
        if name in _DECLARATIONS or name == "unset":
            for w in cmd.argv[1:]:
                target = (w.literal or w.raw).partition("=")[0]
                if _NAME.fullmatch(target):
                    self.assigned.add(target)
        if name in _TESTS:
            return _Outcome(cmd.cwd, None)
        if name == "false":
            return _Outcome(cmd.cwd, False)
        return _Outcome(cmd.cwd)

    def _assignment(self, node: Any, st: _State) -> Assignment:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        op = next((c.type for c in node.children if not c.is_named), "=")
        if op != "=":
            self._not_read(f"`{op}` assignment (bash only)", node)
        if value_node is not None and value_node.type == "array":
            self._not_read("an array assignment (bash only)", node)
        name = self._text(name_node) if name_node is not None else ""
        if value_node is None:
            value = Word("", "", (), (("text", "", True),))
        else:
            value = self._word([value_node], st)
        return Assignment(name, value)

    def _assignments(self, node: Any, st: _State) -> _Outcome:
        nodes = [node] if node.type == "variable_assignment" else [c for c in node.children if c.is_named]
        mark = len(self.commands)
        assignments = tuple(self._assignment(n, st) for n in nodes)
        cmd = SimpleCommand(
            (),
            assignments,
            st.redirects,
            st.cwd,
            st.operator,
            st.context,
            st.conditional,
            frozenset(self.assigned),
            (self._char(node.start_byte), self._char(node.end_byte)),
        )
        self.commands.insert(mark, cmd)
        self.assigned.update(a.name for a in assignments)
        return _Outcome(st.cwd)

    def _builtin(self, node: Any, st: _State) -> _Outcome:
        """``export``/``local``/``unset``/``[ ]``/``[[ ]]``: the grammar gives
        them their own nodes; as commands they are their words in order."""
        leaves: list[Any] = []
        self._leaves(node, leaves)
        self._check_gaps(leaves)
        mark = len(self.commands)
        argv = tuple(self._word([leaf], st) for leaf in leaves)
        cmd = SimpleCommand(
            argv,
            (),
            st.redirects,
            st.cwd,
            st.operator,
            st.context,
            st.conditional,
            frozenset(self.assigned),
            (self._char(node.start_byte), self._char(node.end_byte)),
        )
        self.commands.insert(mark, cmd)
        return self._effect(cmd, node)

    def _leaves(self, node: Any, out: list[Any]) -> None:
        """The words of a test or declaration: operands and operators."""
        for child in node.children:
            if child.type in ("unary_expression", "binary_expression", "parenthesized_expression"):
                self._leaves(child, out)
            else:
                out.append(child)

    # -- compound commands --------------------------------------------------------

    def _if(self, node: Any, st: _State) -> _Outcome:
        context = st.context + ("if",)
        ends: list[str | None] = []
        has_else = False
        cond_st = st._replace(context=context)
        cwd = st.cwd
        for clause in [node] + [c for c in node.children if c.type in ("elif_clause", "else_clause")]:
            condition: list[Any] = []
            body: list[Any] = []
            target = body if clause.type == "else_clause" else condition
            for child in clause.children:
                if child.type in ("elif_clause", "else_clause", "fi", "if", "elif", "else"):
                    continue
                if child.type == "then":
                    target = body
                    continue
                target.append(child)
            if clause.type == "else_clause":
                has_else = True
            else:
                out = self._body(condition, cond_st._replace(cwd=cwd))
                cwd = out.cwd
                cond_st = st._replace(context=context, conditional=True, operator=None)
            result = self._body(body, st._replace(cwd=cwd, context=context, conditional=True, operator=None))
            if not result.exits:
                ends.append(result.cwd)
        if not has_else:
            ends.append(cwd)
        return _Outcome(_merge(*ends) if ends else st.cwd, None)

    def _loop(self, node: Any, st: _State) -> _Outcome:
        kind = {"while_statement": "while"}.get(node.type, "for")
        context = st.context + (kind,)
        header: list[Any] = []
        body = node.child_by_field_name("body")
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if field == "variable":
                self.assigned.add(self._text(child))
            elif field == "value" or field == "condition" and child.is_named:
                header.append(child)
        statements = list(body.children[1:-1]) if body is not None else []
        if kind == "for":
            for value in header:
                self._word([value], st._replace(context=context))
            if node.type == "c_style_for_statement":
                for i, child in enumerate(node.children):
                    if (
                        node.field_name_for_child(i) in ("initializer", "update")
                        and child.type == "variable_assignment"
                    ):
                        self.assigned.add(self._text(child.child_by_field_name("name")))
            cond_nodes: list[Any] = []
        else:
            cond_nodes = header
        # A dry pass: if one turn changes the directory, the next turns run elsewhere.
        once = self._dry()._body(cond_nodes + statements, st._replace(context=context))
        cwd = st.cwd if once.cwd == st.cwd else None
        cond = self._body(cond_nodes, st._replace(cwd=cwd, context=context)) if cond_nodes else _Outcome(cwd)
        self._body(statements, st._replace(cwd=cond.cwd, context=context, conditional=True, operator=None))
        return _Outcome(cwd, None)

    def _case(self, node: Any, st: _State) -> _Outcome:
        context = st.context + ("case",)
        value = node.child_by_field_name("value")
        if value is not None:
            self._word([value], st._replace(context=context))
        ends: list[str | None] = [st.cwd]
        for item in node.children:
            if item.type != "case_item":
                continue
            statements = []
            after_paren = False
            for i, child in enumerate(item.children):
                if child.type == ")" and not after_paren:
                    after_paren = True
                elif (
                    after_paren
                    and item.field_name_for_child(i) != "termination"
                    and child.type not in (";;", ";&", ";;&")
                ):
                    statements.append(child)
            result = self._body(statements, st._replace(context=context, conditional=True, operator=None))
            if not result.exits:
                ends.append(result.cwd)
        return _Outcome(_merge(*ends), None)

    def _function(self, node: Any, st: _State) -> _Outcome:
        name = node.child_by_field_name("name")
        if name is not None:
            self.functions.add(self._text(name))
        body = node.child_by_field_name("body")
        if body is not None:
            # The body runs when called, from wherever that is.
            inner = _State(None, st.context + ("function",), True, None, ())
            if body.type == "compound_statement":
                self._body(body.children[1:-1], inner)
            else:
                self._statement(body, inner)
        return _Outcome(st.cwd)

    # -- words ------------------------------------------------------------------

    def _word(self, nodes: Sequence[Any], st: _State) -> Word:
        """One word from touching nodes (or (start, end) escaped-blank spans)."""
        if len(nodes) == 1 and not isinstance(nodes[0], tuple):
            node = nodes[0]
            if node.type in ("word", "number") and _PLAIN_WORD.fullmatch(self.src, node.start_byte, node.end_byte):
                raw = self._text(node)  # the common case: nothing to unquote or expand
                return Word(raw, raw, (), (("text", raw, False),))
        parts: list[tuple] = []
        names: list[str] = []
        for node in nodes:
            if isinstance(node, tuple):
                self._unquoted(self.src[node[0] : node[1]], parts)
            else:
                self._parts(node, parts, names, st, False)
        start = nodes[0][0] if isinstance(nodes[0], tuple) else nodes[0].start_byte
        end = nodes[-1][1] if isinstance(nodes[-1], tuple) else nodes[-1].end_byte
        raw = self.src[start:end].decode("utf-8", "replace")
        for k, part in enumerate(parts):
            if part[0] == "dollar":
                # Literal at the end of a word; `$"..."` differs between shells.
                parts[k] = ("text", "$", True) if k == len(parts) - 1 else ("opaque", "a $ before a quote")
        why = _expands(parts)
        if why:
            parts.append(("opaque", why))
        merged = _merge_text(parts)
        literal = None
        if all(p[0] == "text" for p in merged):
            literal = "".join(p[1] for p in merged)
        return Word(raw, literal, tuple(dict.fromkeys(names)), tuple(merged))

    def _parts(self, node: Any, parts: list[tuple], names: list[str], st: _State, quoted: bool) -> None:
        kind = node.type
        # `extglob_pattern`: the grammar's name for an operand of `==` in a test.
        if kind in ("word", "number", "heredoc_start", "test_operator", "file_descriptor", "extglob_pattern"):
            if kind == "heredoc_start":
                self._heredoc_delimiter(self.src[node.start_byte : node.end_byte], parts)
            elif quoted:
                # A default inside double quotes: backslashes follow other rules there.
                text = self._text(node)
                parts.append(("opaque", "a backslash in a quoted default") if "\\" in text else ("text", text, True))
            else:
                self._unquoted(self.src[node.start_byte : node.end_byte], parts)
        elif kind == "$":
            parts.append(("dollar",))  # a `$` the grammar reads as no expansion
        elif not node.is_named:
            # A keyword or operator word of a test or declaration: `[`, `=`, `export`.
            parts.append(("text", self._text(node), True))
        elif kind == "raw_string":
            parts.append(("text", self._text(node)[1:-1], True))
        elif kind == "string":
            self._double_quoted(node, parts, names, st)
        elif kind in ("concatenation", "command_name"):
            pos = node.start_byte
            for child in node.children:
                if child.start_byte > pos:
                    self._unquoted(self.src[pos : child.start_byte], parts)
                self._parts(child, parts, names, st, quoted)
                pos = child.end_byte
        elif kind == "simple_expansion":
            name = self._text(node)[1:]
            if _NAME.fullmatch(name):
                names.append(name)
                parts.append(("var", name, quoted, None, ()))
            else:
                parts.append(("opaque", f"${name}"))
        elif kind == "expansion":
            self._expansion(node, parts, names, st, quoted)
        elif kind in ("command_substitution", "process_substitution"):
            label = "command_substitution" if kind == "command_substitution" else "process_substitution"
            if kind == "process_substitution":
                self._not_read("process substitution (bash only)", node)
            inner = node.children[1:-1]
            self._body(inner, _State(st.cwd, st.context + (label,), st.conditional, None, ()))
            parts.append(("opaque", "command substitution"))
        elif kind == "variable_assignment":
            # `export NAME=value` as a word.
            for child in node.children:
                if child.type == "variable_name":
                    parts.append(("text", self._text(child), False))
                elif not child.is_named:
                    parts.append(("text", child.type, False))
                else:
                    self._parts(child, parts, names, st, quoted)
        elif kind == "variable_name":
            parts.append(("text", self._text(node), False))
        elif kind == "ansi_c_string":
            parts.append(("opaque", "$'...' quoting (not in every sh)"))
        elif kind == "ERROR":
            parts.append(("opaque", "unreadable"))
        else:
            # arithmetic, brace expressions, patterns, regexes, translated strings ...
            for sub in _descendants(node, "command_substitution"):
                self._parts(sub, [], names, st, quoted)
            parts.append(("opaque", kind))

    def _double_quoted(self, node: Any, parts: list[tuple], names: list[str], st: _State) -> None:
        """``"..."``: text between the expansions, with ``\\`` read as in
        double quotes."""
        pos = node.start_byte + 1
        end = node.end_byte - 1
        for child in node.children:
            if child.type in ("simple_expansion", "expansion", "command_substitution", "arithmetic_expansion"):
                self._dq_text(self.src[pos : child.start_byte], parts)
                self._parts(child, parts, names, st, True)
                pos = child.end_byte
        self._dq_text(self.src[pos:end], parts)

    @staticmethod
    def _dq_text(raw: bytes, parts: list[tuple]) -> None:
        """Text in double quotes between expansions: ``\\`` quotes only
        ``$ ` " \\`` and newline; a ``$`` the grammar left as text is
        literal only at the very end (``"a$"``)."""
        text = raw.decode("utf-8", "replace")
        if "\\" not in text and "$" not in text and "`" not in text:
            parts.append(("text", text, True))
            return
        out = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
                if text[i + 1] != "\n":
                    out.append(text[i + 1])
                i += 2
                continue
            if ch == "`" or (ch == "$" and i + 1 < n):
                parts.append(("opaque", "an expansion in double quotes"))
                return
            out.append(ch)
            i += 1
        parts.append(("text", "".join(out), True))

    def _expansion(self, node: Any, parts: list[tuple], names: list[str], st: _State, quoted: bool) -> None:
        children = node.children
        inner = children[1:-1]
        name = next((c for c in inner if c.type in ("variable_name", "special_variable_name")), None)
        if name is not None and name.type == "variable_name" and _NAME.fullmatch(self._text(name)):
            names.append(self._text(name))
        ops = [c.type for c in inner if not c.is_named]
        if (
            name is None
            or name.type != "variable_name"
            or not _NAME.fullmatch(self._text(name))
            or inner[0] is not name
        ):
            parts.append(("opaque", "a parameter expansion"))
        elif len(inner) == 1:
            parts.append(("var", self._text(name), quoted, None, ()))
        elif ops and ops[0] in (":-", "-") and len(ops) == 1 and inner[1].type == ops[0]:
            default_nodes = inner[2:]
            default: list[tuple] = []
            if len(default_nodes) > 1:
                default.append(("opaque", "a compound default"))
            for d in default_nodes:
                self._parts(d, default, names, st, quoted)
            parts.append(("var", self._text(name), quoted, ops[0], tuple(_merge_text(default))))
        else:
            if ops and ops[0] in ("=", ":="):
                self.assigned.add(self._text(name))
            for sub in _descendants(node, "command_substitution"):
                self._parts(sub, [], names, st, quoted)
            parts.append(("opaque", "a parameter expansion"))

    @staticmethod
    def _unquoted(raw: bytes, parts: list[tuple]) -> None:
        """Unquoted word text: a backslash quotes the next character."""
        text = raw.decode("utf-8", "replace")
        if "\\" not in text and not any(c in text for c in "'\"$`"):
            parts.append(("text", text, False))
            return
        i, n = 0, len(text)
        plain: list[str] = []
        while i < n:
            ch = text[i]
            if ch == "\\":
                if i + 1 >= n:
                    parts.append(("opaque", "a trailing backslash"))
                    return
                if plain:
                    parts.append(("text", "".join(plain), False))
                    plain = []
                if text[i + 1] != "\n":
                    parts.append(("text", text[i + 1], True))
                i += 2
                continue
            if ch in "'\"$`":
                parts.append(("opaque", f"a {ch} the grammar left in a word"))
                return
            plain.append(ch)
            i += 1
        if plain:
            parts.append(("text", "".join(plain), False))

    @staticmethod
    def _heredoc_delimiter(raw: bytes, parts: list[tuple]) -> None:
        text = raw.decode("utf-8", "replace")
        parts.append(("text", text.replace("'", "").replace('"', "").replace("\\", ""), True))


def _descendants(node: Any, kind: str) -> list[Any]:
    out = []
    for child in node.children:
        if child.type == kind:
            out.append(child)
        else:
            out.extend(_descendants(child, kind))
    return out


def _merge_text(parts: list[tuple]) -> list[tuple]:
    """Adjacent text pieces with the same quoting as one."""
    out: list[tuple] = []
    for part in parts:
        if part[0] == "text" and out and out[-1][0] == "text" and out[-1][2] == part[2]:
            out[-1] = ("text", out[-1][1] + part[1], part[2])
        else:
            out.append(part)
    return out


_BRACE = re.compile(r"\{[^{}]*(,|\.\.)[^{}]*\}")
_TILDE = re.compile(r"(^|[=:])~")


def _expands(parts: list[tuple]) -> str | None:
    """Why the unquoted text of a word expands (glob, brace, tilde), if it does."""
    # Quoted text and expansions count as one opaque character (\0).
    flat = "".join(p[1] if p[0] == "text" and not p[2] else "\0" for p in parts)
    if "*" in flat or "?" in flat:
        return "a glob"
    bracket = flat.find("[")
    if bracket >= 0 and "]" in flat[bracket + 1 :]:
        return "a glob"
    if "{" in flat and _BRACE.search(flat):
        return "a brace expansion (bash)"
    # Tilde at the start, or after = or : (bash expands `x=~/y` anywhere).
    if "~" in flat and _TILDE.search(flat):
        return "a tilde"
    return None


def _merge(*cwds: str | None) -> str | None:
    """One directory if every path agrees, else unknown."""
    first = cwds[0]
    return first if all(c == first for c in cwds) else None


def _cd(cwd: str | None, words: list[str] | None) -> str | None:
    """The directory after ``cd`` (``-L`` and ``--`` allowed)."""
    if words is None:
        return None
    args = words[1:]
    while args and args[0] in ("-L", "--"):
        dash = args.pop(0) == "--"
        if dash:
            break
    if len(args) != 1 or not args[0] or args[0].startswith("-"):
        return None
    if args[0].startswith("/"):
        return posixpath.normpath(args[0])
    return None if cwd is None else posixpath.normpath(posixpath.join(cwd, args[0]))


__all__ = [
    "Assignment",
    "NotUnderstood",
    "Redirect",
    "Script",
    "SimpleCommand",
    "Word",
    "is_posix_shell",
    "read_shell",
    "run_script",
]
