"""How BuildKit's parser reads an instruction's logical line.

These functions reproduce, rule for rule, what moby/buildkit's
``frontend/dockerfile/parser`` does with the text of one instruction once its
physical lines have been joined: splitting off the keyword and ``--flags``,
reading JSON (exec) form, splitting words for ENV/LABEL/ARG, detecting
heredocs. Typed nodes and ``msb-refactor parse --json`` are built on them, so
the tool reads every Dockerfile exactly as BuildKit does. Deviations, if any,
are listed in ``docs/buildkit-agreement.md``.

Two quirks are kept on purpose because BuildKit has them: flag extraction and
the HEALTHCHECK split walk the UTF-8 *bytes* of the line (so a non-ASCII byte
can be taken for a space), and a JSON array followed by trailing text is
still JSON.
"""

from __future__ import annotations

import math
import re

# Go's unicode.IsSpace, which differs from str.isspace (\x1c-\x1f).
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_GO_SPACE_SET = frozenset(GO_SPACE)
_LATIN1_SPACE = frozenset("\t\n\v\f\r \x85\xa0")
RE_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
_RE_GO_SPACES = re.compile("[" + GO_SPACE + "]+")
RE_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")

# Keywords whose arguments BuildKit reads, and how (parser.go's dispatch table).
JSON_OR_SHELL = frozenset({"cmd", "entrypoint", "run", "shell"})
JSON_OR_LIST = frozenset({"add", "copy", "volume"})
WHITESPACE_LIST = frozenset({"expose", "from"})
SINGLE_STRING = frozenset({"maintainer", "stopsignal", "user", "workdir"})
KNOWN_KEYWORDS = (
    JSON_OR_SHELL | JSON_OR_LIST | WHITESPACE_LIST | SINGLE_STRING | {"arg", "env", "label", "healthcheck", "onbuild"}
)
HEREDOC_KEYWORDS = frozenset({"add", "copy", "run"})


def trim_continuation(content: str, escape: str) -> tuple[str, bool]:
    """Remove a line-continuation escape (and the spaces after it).

    BuildKit's rule: the line ends with exactly one escape character, then
    optional spaces or tabs; two escape characters are an escaped escape.
    """
    trimmed = content.rstrip(" \t")
    if trimmed.endswith(escape) and not trimmed.endswith(escape + escape):
        return trimmed[:-1], True
    return content, False


class BuildKitError(ValueError):
    """An error BuildKit's parser raises for this text."""


def go_trim_space(s: str) -> str:
    return s.strip(GO_SPACE)


def split_command(line: str) -> tuple[str, list[str], str]:
    """parser.splitCommand: keyword (as written), flags, remaining args."""
    parts = RE_WHITESPACE.split(go_trim_space(line), maxsplit=1)
    flags: list[str] = []
    args = ""
    if len(parts) == 2:
        args, flags = extract_builder_flags(parts[1])
    return parts[0], flags, go_trim_space(args)


def extract_builder_flags(line: str) -> tuple[str, list[str]]:
    """parser.extractBuilderFlags, which walks bytes, not characters."""
    if line.isascii():  # bytes are characters; most lines have no flag to read
        rest = line.lstrip("\t\n\v\f\r ")
        if not rest.startswith("--"):
            return rest, []
    raw = line.encode("utf-8")
    s = raw.decode("latin-1")
    words: list[str] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    word = ""
    quote = ""
    blank_ok = False
    n = len(s)
    pos = 0
    ch = ""
    while pos <= n:
        if pos != n:
            ch = s[pos]
        if phase == in_spaces:
            if pos == n:
                break
            if ch in _LATIN1_SPACE:
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or s[pos + 1] != "-":
                return _bytes_tail(raw, pos), words
            phase = in_word
        if phase in (in_word, in_quote) and pos == n:
            if word != "--" and (blank_ok or word):
                words.append(word)
            break
        if phase == in_word:
            if ch in _LATIN1_SPACE:
                phase = in_spaces
                if word == "--":
                    return _bytes_tail(raw, pos), words
                if blank_ok or word:
                    words.append(word)
                word = ""
                blank_ok = False
                pos += 1
                continue
            if ch in "'\"":
                quote = ch
                blank_ok = True
                phase = in_quote
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = s[pos]
            word += ch
            pos += 1
            continue
        if phase == in_quote:
            if ch == quote:
                phase = in_word
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    phase = in_word
                    pos += 1
                    continue
                pos += 1
                ch = s[pos]
            word += ch
        pos += 1
    return "", words


def _bytes_tail(raw: bytes, pos: int) -> str:
    return raw[pos:].decode("utf-8", errors="replace")


def parse_words(rest: str, escape: str) -> list[str]:
    """parser.parseWords: split ENV/LABEL/ARG text into words, quotes kept."""
    if escape not in rest and "'" not in rest and '"' not in rest:
        return [w for w in _RE_GO_SPACES.split(rest) if w]  # no quoting: a plain split
    words: list[str] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    word = ""
    quote = ""
    blank_ok = False
    n = len(rest)
    pos = 0
    ch = ""
    while pos <= n:
        if pos != n:
            ch = rest[pos]
        if phase == in_spaces:
            if pos == n:
                break
            if ch in _GO_SPACE_SET:
                pos += 1
                continue
            phase = in_word
        if phase in (in_word, in_quote) and pos == n:
            if blank_ok or word:
                words.append(word)
            break
        if phase == in_word:
            if ch in _GO_SPACE_SET:
                phase = in_spaces
                if blank_ok or word:
                    words.append(word)
                word = ""
                blank_ok = False
                pos += 1
                continue
            if ch in "'\"":
                quote = ch
                blank_ok = True
                phase = in_quote
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                word += ch
                pos += 1
                ch = rest[pos]
            word += ch
            pos += 1
            continue
        if phase == in_quote:
            if ch == quote:
                phase = in_word
            if ch == escape and quote != "'":
                if pos + 1 == n:
                    phase = in_word
                    pos += 1
                    continue
                pos += 1
                word += ch
                ch = rest[pos]
            word += ch
        pos += 1
    return words


class _NotJSON(Exception):
    pass


def _reject_constant(_name: str) -> None:
    raise _NotJSON  # Go's decoder knows no NaN/Infinity


def _go_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotJSON  # Go: cannot unmarshal number into float64
    return value


_JSON: list = []  # the decoder, made on first use (json is kept off the start-up path)


def _json_decoder():
    if not _JSON:
        import json

        _JSON.append(json.JSONDecoder(parse_constant=_reject_constant, parse_float=_go_number, parse_int=_go_number))
    return _JSON[0]


_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json_array(rest: str) -> list[str] | None:
    """parser.parseJSON: the exec-form list, or None when it is not JSON.

    Raises BuildKitError for a JSON array holding something else than
    strings, which BuildKit rejects outright instead of falling back.
    """
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    try:
        value, _end = _json_decoder().raw_decode(rest)  # trailing text is ignored, as Go's Decoder does
    except (ValueError, _NotJSON):
        return None
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if not isinstance(item, str):
            raise BuildKitError("when using JSON array syntax, arrays must be comprised of strings only")
        out.append(_SURROGATE.sub("\ufffd", item))
    return out


def _whitespace_list(rest: str) -> list[str]:
    return [] if rest == "" else RE_WHITESPACE.split(rest)


def _name_val(rest: str, key: str, escape: str) -> list[str]:
    words = parse_words(rest, escape)
    if not words:
        return []
    if "=" not in words[0]:
        parts = RE_WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise BuildKitError(f"{key} must have two arguments")
        return [parts[0], parts[1]]
    out = []
    for w in words:
        if "=" not in w:
            quoted = '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'  # Go's %q, for plain text
            raise BuildKitError(f"Syntax error - can't find = in {quoted}. Must be of the form: name=value")
        k, v = w.split("=", 1)
        out += [k, v]
    return out


def _health(rest: str) -> tuple[list[str], bool]:
    raw = rest.encode("utf-8").decode("latin-1")
    sep = 0
    while sep < len(raw) and raw[sep] not in _LATIN1_SPACE:
        sep += 1
    nxt = sep
    while nxt < len(raw) and raw[nxt] in _LATIN1_SPACE:
        nxt += 1
    if sep == 0:
        return [], False
    typ = raw[:sep].encode("latin-1").decode("utf-8", errors="replace")
    cmd, is_json = _maybe_json(raw[nxt:].encode("latin-1").decode("utf-8", errors="replace"))
    return [typ, *cmd], is_json


def _maybe_json(rest: str) -> tuple[list[str], bool]:
    if rest == "":
        return [], False
    value = parse_json_array(rest)
    if value is not None:
        return value, True
    return [rest], False


def _maybe_json_list(rest: str) -> tuple[list[str], bool]:
    value = parse_json_array(rest)
    if value is not None:
        return value, True
    return _whitespace_list(rest), False


def parse_arguments(keyword: str, rest: str, escape: str) -> tuple[list[str], bool]:
    """The value list and JSON attribute BuildKit gives an instruction.

    ``keyword`` is lower case; ``rest`` is what follows the flags. ONBUILD is
    handled by the caller, which parses the wrapped instruction.
    """
    if keyword in JSON_OR_SHELL:
        return _maybe_json(rest)
    if keyword in JSON_OR_LIST:
        return _maybe_json_list(rest)
    if keyword in WHITESPACE_LIST:
        return _whitespace_list(rest), False
    if keyword in SINGLE_STRING:
        return ([rest] if rest else []), False
    if keyword == "env":
        return _name_val(rest, "ENV", escape), False
    if keyword == "label":
        return _name_val(rest, "LABEL", escape), False
    if keyword == "arg":
        return parse_words(rest, escape), False
    if keyword == "healthcheck":
        return _health(rest)
    return [""], False  # unknown instruction: BuildKit keeps an empty node


# --- heredoc detection: BuildKit's shell lexer, as far as heredocs need it ---


class _ShellError(Exception):
    pass


class Words:
    """lex.go wordsStruct: how BuildKit splits a processed word into words
    (for EXPOSE and the like); refactor.analysis.expand uses it too."""

    __slots__ = ("word", "words", "in_word")

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch in _GO_SPACE_SET:
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word = ""
                self.in_word = False
        else:
            self.add_raw(ch)

    def add_raw(self, s: str) -> None:
        """Text taken as is (quoted or escaped): part of the word."""
        self.word += s
        self.in_word = True

    def add_string(self, s: str) -> None:
        for ch in s:
            self.add_char(ch)

    def get(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word = ""
            self.in_word = False
        return self.words


class _ShellWords:
    """shell.Lex.ProcessWords with an empty environment and SkipUnsetEnv,
    as BuildKit runs it to find heredocs: every variable is unset, so every
    substitution stays as written."""

    def __init__(self, text: str, raw_quotes: bool, raw_escapes: bool) -> None:
        self.s = text
        self.i = 1 if text.startswith("\ufeff") else 0  # Go's text/scanner skips a leading BOM
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def next(self) -> str:
        if self.i < len(self.s):
            ch = self.s[self.i]
            self.i += 1
            return ch
        return ""

    def words(self) -> list[str]:
        return self.stop_on("")[1]

    def stop_on(self, stop: str) -> tuple[str, list[str]]:
        result = []
        words = Words()
        while self.peek() != "":
            ch = self.peek()
            if stop and ch == stop:
                self.next()
                return "".join(result), words.get()
            if ch == "'":
                tmp = self.single_quote()
                result.append(tmp)
                words.add_raw(tmp)
            elif ch == '"':
                tmp = self.double_quote()
                result.append(tmp)
                words.add_raw(tmp)
            elif ch == "$":
                tmp = self.dollar()
                result.append(tmp)
                words.add_string(tmp)
            else:
                ch = self.next()
                if ch == "\\":
                    if self.raw_escapes:
                        words.add_raw(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == "":
                        break
                    words.add_raw(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
        if stop:
            raise _ShellError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get()

    def single_quote(self) -> str:
        out = []
        ch = self.next()
        if self.raw_quotes:
            out.append(ch)
        while True:
            ch = self.next()
            if ch == "":
                raise _ShellError("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def double_quote(self) -> str:
        out = []
        ch = self.next()
        if self.raw_quotes:
            out.append(ch)
        while True:
            p = self.peek()
            if p == "":
                raise _ShellError("unexpected end of statement while looking for matching double-quote")
            if p == '"':
                ch = self.next()
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if p == "$":
                out.append(self.dollar())
                continue
            ch = self.next()
            if ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                p = self.peek()
                if p == "":
                    continue
                if p in '"$\\':
                    ch = self.next()
            out.append(ch)

    def name(self) -> str:
        out = []
        while self.peek() != "":
            ch = self.peek()
            if not out and ch.isdigit():
                while self.peek() != "" and self.peek().isdigit():
                    out.append(self.next())
                return "".join(out)
            if not out and ch in "$*#@?!-":
                return self.next()
            if not (ch.isalnum() or ch == "_"):
                break
            out.append(self.next())
        return "".join(out)

    def dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.name()
            if name == "":
                return "$"
            return "$" + name
        self.next()
        p = self.peek()
        if p == "":
            raise _ShellError("syntax error: missing '}'")
        if p in "{}:":
            raise _ShellError("syntax error: bad substitution")
        name = self.name()
        ch = self.next()
        if ch == "}":
            return f"${{{name}}}"
        if ch == ":":
            modifier = self.next()
            word, _ = self.stop_on("}")
            return f"${{{name}:{modifier}{word}}}"
        if ch in "?":
            word, _ = self.stop_on("}")
            return f"${{{name}?{word}}}"
        if ch == "":
            raise _ShellError("syntax error: missing '}'")
        # BuildKit v0.12 knows no ${var#pattern}, ${var%pattern}, ${var/a/b}.
        raise _ShellError(f"unsupported modifier ({ch}) in substitution")


def _shell_words(text: str, raw_quotes: bool, raw_escapes: bool) -> list[str]:
    return _ShellWords(text, raw_quotes, raw_escapes).words()


def heredocs_in(line: str) -> list[tuple[str, int, bool]]:
    """parser.heredocsFromLine: (name, file descriptor, chomp) per heredoc."""
    try:
        words = _shell_words(line, raw_quotes=True, raw_escapes=True)
    except _ShellError:
        return []  # BuildKit ignores the lexer's error here and finds no heredoc
    docs = []
    for word in words:
        m = RE_HEREDOC.match(word)
        if m is None or m.group(3) == "":
            continue
        fd_text, dash, rest = m.groups()
        try:
            names = _shell_words(rest, raw_quotes=False, raw_escapes=False)
            raw = _shell_words(rest, raw_quotes=True, raw_escapes=False)
        except _ShellError as e:
            raise BuildKitError(str(e)) from None
        if len(names) != 1:
            continue
        if len(raw) != len(names):
            raise BuildKitError(f"internal lexing of heredoc produced inconsistent results: {rest}")
        docs.append((names[0], int(fd_text) if fd_text else 0, dash == "-"))
    return docs
