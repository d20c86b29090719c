"""BuildKit's variable expansion, able to say "unknown".

``expand(word, scope)`` reads a word as BuildKit's shell lexer does
(``shell.Lex.ProcessWord`` in moby/buildkit ``frontend/dockerfile/shell/lex.go``):
``$X``, ``${X}``, ``${X:-w}``, ``${X-w}``, ``${X:+w}``, ``${X+w}``,
``${X:?w}``, ``${X?w}``; single quotes protect, double quotes allow
expansion; the file's escape character (backslash or backtick) escapes the
next character, and inside double quotes only ``"``, ``$`` and itself.
There is no word splitting, globbing, command substitution or tilde.

BuildKit expands an unset variable to the empty string. Here a variable can
also be *unknown*: a build ARG without default (``--build-arg`` sets it), a
predefined platform ARG, or something the external base image's ENV may
set. A word that needs an unknown value gives ``Expansion.text = None`` and
the reason, rather than a guess. ``expand_exact(word, env)`` is BuildKit's
own behaviour (unset is empty) for a plain mapping.

``${X#p}``, ``${X%p}``, ``${X/p/r}`` (newer BuildKit; v0.12 rejects them)
are read to their end but not evaluated: unknown, with the reason.

Which instructions BuildKit expands, with the ARG and ENV in scope:
ADD, COPY (sources, destination, ``--chown``, ``--chmod``), ENV (keys and
values), EXPOSE (then split into words), FROM (image and ``--platform``,
with the global ARGs only), LABEL (keys and values), STOPSIGNAL, USER,
VOLUME, WORKDIR, ARG (the default value, not the name), and ``RUN
--mount`` options. Not expanded: RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK
(the shell sees the variables when the command runs), ONBUILD (expanded
when the trigger runs in a child build), ``COPY --from`` (BuildKit refuses
a variable there).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import attrs

from ..syntax.buildkit import GO_SPACE, Words
from ..syntax.nodes import Instruction

_SPACE = frozenset(GO_SPACE)
_RE_SPACES = re.compile("[" + re.escape(GO_SPACE) + "]+")
_SPECIAL = frozenset("@*#?-$!0")  # lex.go isSpecialParam


class ExpansionError(ValueError):
    """BuildKit refuses the word: the build fails with this message."""


@attrs.frozen
class Var:
    """A variable in scope: its value, or None when it cannot be known here.

    ``source`` says where it comes from: ``"ENV"``, ``"ARG"`` (declared in
    the stage or a parent stage), ``"global ARG"`` (declared before the
    first FROM, or re-declared in the stage by ``ARG NAME``), ``"platform
    ARG"`` (BUILDPLATFORM, TARGETARCH ...), ``"image default"`` (PATH of
    ``scratch``), ``"base image"``. An ARG value is the one a build without
    ``--build-arg`` gets; any ARG can be overridden by ``--build-arg``.
    """

    name: str
    value: str | None
    source: str
    reason: str | None = None  # why value is None
    raw: str | None = attrs.field(default=None, eq=False)  # the value as written, before expansion
    node: Instruction | None = attrs.field(default=None, eq=False, repr=False)  # the declaring instruction

    @property
    def is_arg(self) -> bool:
        return self.source in ("ARG", "global ARG", "platform ARG")


class Scope:
    """The variables a word is expanded with, at one point of the file.

    ``base`` is the external image whose ENV is unknown (None when every
    variable is listed here: a chain rooted in ``scratch``, or the global
    scope of FROM lines); a name not listed is then unknown instead of unset.
    """

    __slots__ = ("_vars", "base")

    def __init__(self, variables: Mapping[str, Var] | None = None, base: str | None = None) -> None:
        self._vars: dict[str, Var] = dict(variables or {})
        self.base = base

    def get(self, name: str) -> Var | None:
        """The variable set by this file (or scratch) under ``name``, else None."""
        return self._vars.get(name)

    def lookup(self, name: str) -> Var | None:
        """What BuildKit finds for ``name``: a Var, or None when surely unset."""
        var = self._vars.get(name)
        if var is None and self.base is not None and _is_env_name(name):
            var = Var(name, None, "base image", f"${name} may be set by the ENV of base image {self.base}")
        return var

    def set(self, var: Var) -> Scope:
        new = Scope(self._vars, self.base)
        new._vars[var.name] = var
        return new

    @property
    def vars(self) -> tuple[Var, ...]:
        return tuple(self._vars.values())

    def __contains__(self, name: str) -> bool:
        return name in self._vars

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scope) and self._vars == other._vars and self.base == other.base

    def __hash__(self) -> int:
        return hash((tuple(self._vars.values()), self.base))

    def __repr__(self) -> str:
        inner = ", ".join(f"{v.name}={v.value!r}" for v in self._vars.values())
        return f"Scope({inner}{', base=' + repr(self.base) if self.base else ''})"


def _is_env_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name)


@attrs.frozen
class Expansion:
    """The result of expanding one word.

    ``text`` is the word as BuildKit makes it (``words``: as split into
    words, for EXPOSE), or None when it depends on an unknown value or
    BuildKit refuses it; ``reason`` says which. ``names``: every variable
    the word refers to, in order of appearance.
    """

    text: str | None
    words: tuple[str, ...] | None
    names: tuple[str, ...]
    reason: str | None = None
    error: bool = False  # BuildKit refuses the word: the build fails

    @property
    def known(self) -> bool:
        return self.text is not None


class _Unknown:
    """A lookup result: the variable exists but its value is not known."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


Lookup = Callable[[str], str | None | _Unknown]  # a value, None when unset, or _Unknown


class _Lexer:
    """lex.go shellWord, rule for rule; a value may be unknown (None)."""

    def __init__(self, word: str, escape: str, lookup: Lookup) -> None:
        self.s = word
        self.n = len(word)
        self.i = 1 if word.startswith("\ufeff") else 0  # Go's text/scanner skips a leading BOM
        self.esc = escape
        self.lookup = lookup
        self.names: list[str] = []
        self.reason: str | None = None  # the first unknown value met

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def next(self) -> str:
        if self.i < self.n:
            self.i += 1
            return self.s[self.i - 1]
        return ""

    def unknown(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def stop_on(self, stop: str, words: Words | None = None) -> str | None:
        out: list[str] = []
        known = True
        while self.i < self.n:
            ch = self.s[self.i]
            if stop and ch == stop:
                self.i += 1
                return "".join(out) if known else None
            if ch == "$":
                tmp = self.dollar()
                if tmp is None:
                    known = False
                else:
                    out.append(tmp)
                    if words is not None:
                        words.add_string(tmp)
            elif ch == "'" or ch == '"':
                tmp = self.single_quote() if ch == "'" else self.double_quote()
                if tmp is None:
                    known = False
                else:
                    out.append(tmp)
                    if words is not None:
                        words.add_raw(tmp)
            else:
                self.i += 1
                if ch == self.esc:
                    if self.i >= self.n:
                        break  # a lone escape at the end is dropped
                    ch = self.s[self.i]
                    self.i += 1
                    if words is not None:
                        words.add_raw(ch)
                elif words is not None:
                    words.add_char(ch)
                out.append(ch)
        if stop:
            raise ExpansionError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out) if known else None

    def single_quote(self) -> str:
        self.i += 1
        end = self.s.find("'", self.i)
        if end < 0:
            raise ExpansionError("unexpected end of statement while looking for matching single-quote")
        text = self.s[self.i : end]
        self.i = end + 1
        return text

    def double_quote(self) -> str | None:
        self.i += 1
        out: list[str] = []
        known = True
        while True:
            if self.i >= self.n:
                raise ExpansionError("unexpected end of statement while looking for matching double-quote")
            ch = self.s[self.i]
            if ch == '"':
                self.i += 1
                return "".join(out) if known else None
            if ch == "$":
                tmp = self.dollar()
                if tmp is None:
                    known = False
                else:
                    out.append(tmp)
                continue
            self.i += 1
            if ch == self.esc:
                if self.i >= self.n:
                    continue  # the escape is ignored; the missing quote is the error
                if self.s[self.i] in ('"', "$", self.esc):
                    ch = self.s[self.i]
                    self.i += 1
            out.append(ch)

    def name(self) -> str:
        start = self.i
        s = self.s
        if self.i < self.n:
            ch = s[self.i]
            if _is_go_digit(ch):
                while self.i < self.n and _is_go_digit(s[self.i]):
                    self.i += 1
                return s[start : self.i]
            if ch in _SPECIAL:
                self.i += 1
                return ch
        while self.i < self.n and (s[self.i] == "_" or s[self.i].isalpha() or _is_go_digit(s[self.i])):
            self.i += 1
        return s[start : self.i]

    def get(self, name: str) -> str | None | _Unknown:
        return self.lookup(name)

    def value(self, name: str) -> str | None:
        v = self.get(name)
        if isinstance(v, _Unknown):
            self.unknown(v.reason)
            return None
        return "" if v is None else v

    def brace_word(self) -> str | None:
        try:
            return self.stop_on("}")
        except ExpansionError:
            if self.i >= self.n:
                raise ExpansionError("syntax error: missing '}'") from None
            raise

    def dollar(self) -> str | None:
        self.i += 1
        if self.peek() != "{":
            name = self.name()
            if not name:
                return "$"
            self.names.append(name)
            return self.value(name)
        self.i += 1
        p = self.peek()
        if p == "":
            raise ExpansionError("syntax error: missing '}'")
        if p in "{}:":
            raise ExpansionError("syntax error: bad substitution")
        name = self.name()
        if name:
            self.names.append(name)
        ch = self.next()
        if ch == "}":
            return self.value(name)
        modifier = ch
        null_is_unset = ch == ":"
        if null_is_unset:
            ch = self.next()
            modifier += ch
        elif ch == "/":
            if self.peek() == "/":
                self.i += 1
            try:
                self.stop_on("/")
            except ExpansionError:
                if self.i >= self.n:
                    raise ExpansionError("syntax error: missing '/' in ${}") from None
                raise
            self.brace_word()
            return self.pattern(name, "/")
        elif ch not in ("+", "-", "?", "#", "%"):
            raise ExpansionError(f"unsupported modifier ({ch or chr(0xFFFD)}) in substitution")
        word = self.brace_word()
        v = self.get(name)
        if ch in ("#", "%"):
            return self.pattern(name, modifier)
        if ch not in ("-", "+", "?"):
            raise ExpansionError(f"unsupported modifier ({modifier}) in substitution")
        if isinstance(v, _Unknown):
            self.unknown(v.reason)
            return None
        empty = v is None or (null_is_unset and v == "")
        if ch == "-":
            return word if empty else v
        if ch == "+":
            return "" if empty else word
        if empty:
            default = "is not allowed to be unset" if v is None else "is not allowed to be empty"
            raise ExpansionError(f"{name}: {word or default}")  # an unknown message still fails
        return v

    def pattern(self, name: str, modifier: str) -> None:
        self.unknown(
            f"${{{name}{modifier}...}} (pattern matching) is not analysed:"
            " BuildKit v0.12 refuses it, later versions evaluate it"
        )


def _is_go_digit(ch: str) -> bool:
    # Go's unicode.IsDigit is category Nd; str.isdigit also takes superscripts.
    return ch.isdecimal()


def _run(word: str, escape: str, lookup: Lookup, split: bool) -> Expansion:
    if "$" not in word and "'" not in word and '"' not in word and escape not in word and "\ufeff" not in word:
        # Nothing to expand, unquote or unescape (most words): the lexer would
        # copy every character and split the words at Go's spaces.
        if not split:
            return Expansion(word, None, ())
        return Expansion(word, tuple(w for w in _RE_SPACES.split(word) if w), ())
    lexer = _Lexer(word, escape, lookup)
    words = Words() if split else None
    try:
        text = lexer.stop_on("", words)
    except ExpansionError as e:
        return Expansion(None, None, tuple(lexer.names), str(e), error=True)
    if text is None:
        return Expansion(None, None, tuple(lexer.names), lexer.reason)
    return Expansion(text, tuple(words.get()) if words is not None else None, tuple(lexer.names))


def _scope_lookup(scope: Scope) -> Lookup:
    def lookup(name: str):
        var = scope.lookup(name)
        if var is None:
            return None
        if var.value is None:
            return _Unknown(var.reason or f"${name} is not known here")
        return var.value

    return lookup


def expand(word: str, scope: Scope, escape: str = "\\") -> Expansion:
    """Expand ``word`` with the variables of ``scope``, as BuildKit would.

    ``Expansion.words`` is filled too (the result split into words as
    BuildKit splits EXPOSE arguments).
    """
    return _run(word, escape, _scope_lookup(scope), split=True)


def expand_exact(word: str, env: Mapping[str, str], escape: str = "\\") -> str:
    """BuildKit's ProcessWord with ``env``: unset variables expand to "".

    Raises ExpansionError where BuildKit fails the build, and for the
    pattern modifiers this module does not evaluate.
    """
    result = _run(word, escape, env.get, split=False)
    if result.text is None:
        raise ExpansionError(result.reason or "unknown")
    return result.text


def split_exact(word: str, env: Mapping[str, str], escape: str = "\\") -> list[str]:
    """BuildKit's ProcessWords with ``env``: the expanded word split into words."""
    result = _run(word, escape, env.get, split=True)
    if result.words is None:
        raise ExpansionError(result.reason or "unknown")
    return list(result.words)


def references(word: str, escape: str = "\\") -> tuple[str, ...]:
    """The variables ``word`` refers to, in order, each once (as BuildKit reads it)."""
    names = _run(word, escape, lambda name: None, split=False).names
    return tuple(dict.fromkeys(names))


@attrs.frozen
class Need:
    """What a new stage must declare so that a variable keeps its value.

    ``kind``: ``"arg"`` (``text`` is the ARG line to add), ``"env"`` (the
    value comes from an ENV; ``text`` is an ENV line that sets it),
    ``"base"`` (only the same base image gives it, or ``scratch`` for PATH; ``text`` is None), or
    ``"conflict"`` (two declarations need the name with different values).
    """

    name: str
    kind: str
    text: str | None
    var: Var


def needs(
    names: Iterable[str],
    scope: Scope,
    declared_in: Callable[[Var], Scope] | None = None,
    escape: str = "\\",
) -> tuple[Need, ...]:
    """For each name, what a new stage must declare to see the value it has
    in ``scope``; what those declarations refer to comes first.

    An ARG declared before the first FROM is re-declared by name (``ARG
    NAME``) and gets the global value; a stage's own ARG is copied as
    written (its default, and ``--build-arg`` still overrides it), and the
    variables its default refers to are looked up where it was declared
    (``declared_in(var)``: the scope its value was expanded with). A name unset
    in ``scope`` needs nothing.
    """
    out: list[Need] = []
    chosen: dict[str, Var] = {}

    def visit(name: str, where: Scope, path: frozenset[str]) -> None:
        var = where.lookup(name)
        if var is None or name in path:
            return  # unset, or a cycle
        if name in chosen:
            if chosen[name] != var:
                out.append(Need(name, "conflict", None, var))
            return
        chosen[name] = var
        if var.source in ("base image", "image default"):  # scratch's PATH: a base that sets it
            out.append(Need(name, "base", None, var))
            return
        if var.raw is not None and var.source in ("ARG", "ENV"):
            inner = declared_in(var) if declared_in is not None and var.node is not None else where
            for ref in references(var.raw, escape):
                visit(ref, inner, path | {name})
        if var.source == "ENV":
            out.append(Need(name, "env", f"ENV {name}={var.raw if var.raw is not None else ''}", var))
        elif var.source == "ARG" and var.raw is not None:
            out.append(Need(name, "arg", f"ARG {name}={var.raw}", var))
        else:
            out.append(Need(name, "arg", f"ARG {name}", var))

    for n in names:
        visit(n, scope, frozenset())
    return tuple(out)
