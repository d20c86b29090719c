"""What BuildKit refuses after parsing: its instruction rules.

BuildKit reads a Dockerfile in two steps. Its parser (which ``parse``
mirrors, and which the ``dockerfile`` package exposes as a test oracle)
splits lines into instructions, flags and arguments; then
``instructions.Parse`` (frontend/dockerfile/instructions/parse.go and
bflag.go) turns each into a typed command and refuses, for the whole file,
before anything is built:

* an unknown instruction;
* a flag the instruction does not take (``WORKDIR --x /a``), a flag that
  takes a value given without one (``COPY --from /a /b``, ``RUN --mount
  echo``, ``FROM --platform alpine``: the parser takes ``--platform`` as a
  flag of its own and ``alpine`` as the image), a flag given twice (but
  ``RUN --mount`` and the other repeatable ones), a boolean flag with a
  value other than true or false;
* too few or too many arguments: ``FROM`` with no image, ``FROM a AS``
  (one or three arguments), an empty ``ENV``, ``LABEL``, ``ARG``,
  ``EXPOSE``, ``VOLUME``, ``ONBUILD`` or ``HEALTHCHECK``, a ``COPY`` or
  ``ADD`` without a destination, a ``USER``, ``WORKDIR``, ``STOPSIGNAL``
  or ``MAINTAINER`` without its one argument;
* a build stage name that is not ``[a-z][a-z0-9-_.]*``, a blank ENV,
  LABEL or ARG name, an empty VOLUME, a SHELL not in JSON form;
* ``HEALTHCHECK``: a type other than CMD or NONE, NONE with arguments, CMD
  without a command, a duration Go cannot read or under 1ms
  (``--interval=bad``), a negative or unreadable ``--retries``;
* ``ONBUILD ONBUILD``, ``ONBUILD FROM``, ``ONBUILD MAINTAINER``;
* an instruction other than ARG before the first FROM.

The checks are those of BuildKit v0.12.5 (the oracle's version) that no
later frontend relaxed: a flag is unknown only when no BuildKit release
knows it for that instruction (``COPY --parents`` and ``RUN --device`` are
taken, as a newer frontend takes them), and where a flag's type changed
between releases (``RUN --security``) it may be repeated. Flag values
that only a RUN hook reads (``--mount`` specs, ``--network`` modes) are
not checked: a refusal there would need BuildKit's exact rules, and
letting an odd file through is the safe side. A file refused here can
never build, so no rewrite of it can be proved to build either.
"""

from __future__ import annotations

import re

from .errors import DockerfileSyntaxError, shorten
from .nodes import Dockerfile, Instruction, UnknownInstruction

# flag name -> "string", "strings" (repeatable) or "bool", for every flag any
# BuildKit frontend release takes on the instruction. Instructions not listed
# take no flag at all.
FLAGS: dict[str, dict[str, str]] = {
    "FROM": {"platform": "string"},
    "RUN": {"mount": "strings", "network": "string", "security": "strings", "device": "strings"},
    "COPY": {
        "from": "string",
        "chown": "string",
        "chmod": "string",
        "link": "bool",
        "parents": "bool",
        "exclude": "strings",
    },
    "ADD": {
        "chown": "string",
        "chmod": "string",
        "checksum": "string",
        "link": "bool",
        "keep-git-dir": "bool",
        "parents": "bool",
        "exclude": "strings",
        "unpack": "bool",
    },
    "HEALTHCHECK": {
        "interval": "string",
        "timeout": "string",
        "start-period": "string",
        "start-interval": "string",
        "retries": "string",
    },
}
#: instructions whose flags BuildKit never reads (so never refuses)
FLAGS_NOT_READ = ("ARG", "STOPSIGNAL")
EXACTLY_ONE = ("MAINTAINER", "USER", "WORKDIR", "STOPSIGNAL")
AT_LEAST_ONE = ("ENV", "LABEL", "ARG", "EXPOSE", "VOLUME", "ONBUILD", "HEALTHCHECK")
STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*\Z")
# Go's strings.TrimSpace (unicode.IsSpace); Python's str.strip also trims \x1c-\x1f.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


class Refused(Exception):
    """One instruction BuildKit refuses; ``needle`` is the text to point at."""

    def __init__(self, message: str, needle: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.needle = needle


def check(tree: Dockerfile, path: str | None = None) -> DockerfileSyntaxError | None:
    """The first instruction BuildKit's instruction parsing refuses, as an
    error located at it (``path:line:col``, the line and a caret), or None."""
    stage_seen = False
    for ins in tree.instructions:
        try:
            check_instruction(ins)
            if not stage_seen and ins.name not in ("FROM", "ARG"):
                raise Refused(f"{ins.name} before the first FROM (only ARG may come before it)")
        except Refused as e:
            return _located(ins, e, tree, path)
        stage_seen = stage_seen or ins.name == "FROM"
    return None


def _located(ins: Instruction, e: Refused, tree: Dockerfile, path: str | None) -> DockerfileSyntaxError:
    column = ins.column
    if e.needle:  # point at the word itself, when it is on the first line
        m = re.compile(r"(?<!\S)" + re.escape(e.needle) + r"(?!\S)").search(ins.lines[0].text, column - 1)
        if m:
            column = m.start() + 1
    text = f"{e.message}: BuildKit cannot build this file; left untouched"
    return DockerfileSyntaxError(text, line=ins.line, column=column, path=path, source=tree.code)


def check_instruction(ins: Instruction) -> None:
    """Raise Refused for what BuildKit's instruction parsing refuses in
    ``ins`` (its ONBUILD trigger is checked only when it is used as a base)."""
    name = ins.name
    if isinstance(ins, UnknownInstruction):
        raise Refused(f"unknown instruction {shorten(ins.keyword, 40)!r}", ins.keyword)
    args = ins.value
    if name in EXACTLY_ONE and len(args) != 1:
        raise Refused(f"{name} requires exactly one argument")
    if name in AT_LEAST_ONE and not args:
        raise Refused(f"{name} requires at least one argument")
    if name in ("COPY", "ADD") and len(args) < 2:
        raise Refused(f"{name} requires at least two arguments (sources and a destination)")
    if name == "FROM":
        _check_from(args)
    if name == "HEALTHCHECK":
        _check_healthcheck(ins, args)
        return  # its flags are read (or not) by type
    if name not in FLAGS_NOT_READ:
        _check_flags(ins)
    if name in ("ENV", "LABEL") and any(not key for key in args[::2]):
        raise Refused(f"{name} names can not be blank")
    if name == "ARG" and any(a.partition("=")[0] == "" and "=" in a for a in args):
        raise Refused("ARG names can not be blank")
    if name == "VOLUME" and any(not v.strip(GO_SPACE) for v in args):
        raise Refused("VOLUME specified can not be an empty string")
    if name == "SHELL":
        if not args:
            raise Refused("SHELL requires at least one argument")
        if not ins.is_exec_form:
            raise Refused("SHELL requires the arguments to be in JSON form")
    if name == "ONBUILD":
        trigger = ins.rest.split(None, 1)[0].upper() if ins.rest.split() else ""
        if trigger == "ONBUILD":
            raise Refused("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        if trigger in ("FROM", "MAINTAINER"):
            raise Refused(f"{trigger} isn't allowed as an ONBUILD trigger", trigger)


def _check_from(args: tuple[str, ...]) -> None:
    if len(args) == 3 and args[1].lower() == "as":
        if not STAGE_NAME.match(args[2].lower()):
            raise Refused(
                f"invalid name for build stage: {shorten(args[2], 60)!r}, name can't start with a number"
                " or contain symbols",
                args[2],
            )
    elif len(args) != 1:
        raise Refused("FROM requires either one or three arguments (an image, then `AS name`)")


def _check_flags(ins: Instruction) -> None:
    """BuildKit's BFlags.Parse over the instruction's flags."""
    known = FLAGS.get(ins.name, {})
    seen: set[str] = set()
    for flag in ins.flags:
        raw = f"--{flag.name}" + ("" if flag.value is None else f"={flag.value}")
        if raw == "--":  # BFlags stops reading at `--`
            return
        kind = known.get(flag.name)
        if kind is None:
            raise Refused(f"{ins.name} has no flag --{shorten(flag.name, 40)}", raw)
        if flag.name in seen and kind != "strings":
            raise Refused(f"{ins.name} --{flag.name} is given twice", raw)
        seen.add(flag.name)
        if kind == "bool":
            if flag.value is not None and flag.value.lower() not in ("true", "false"):
                raise Refused(f"{ins.name} --{flag.name} takes true or false, not {shorten(flag.value, 40)!r}", raw)
        elif flag.value is None:
            raise Refused(f"{ins.name} --{flag.name} needs a value (--{flag.name}=VALUE)", raw)


def _check_healthcheck(ins: Instruction, args: tuple[str, ...]) -> None:
    kind = args[0].upper()
    if kind == "NONE":  # BuildKit reads no flag of HEALTHCHECK NONE
        if len(args) > 1:
            raise Refused("HEALTHCHECK NONE takes no arguments")
        return
    _check_flags(ins)
    if kind != "CMD":
        raise Refused(f"unknown type {shorten(args[0], 40)!r} in HEALTHCHECK (try CMD)", args[0])
    if len(args) < 2:
        raise Refused("missing command after HEALTHCHECK CMD")
    for name in ("interval", "timeout", "start-period", "start-interval"):
        value = ins.flag(name)
        if not value:
            continue  # absent or empty: the default
        raw = f"--{name}={value}"
        try:
            nanoseconds = go_duration(value)
        except ValueError:
            raise Refused(f"HEALTHCHECK --{name}: invalid duration {shorten(value, 40)!r}", raw) from None
        if nanoseconds != 0 and nanoseconds < 1_000_000:
            raise Refused(f"HEALTHCHECK --{name} cannot be less than 1ms", raw)
    retries = ins.flag("retries")
    if retries:
        if not re.fullmatch(r"[+-]?[0-9]+", retries) or not -(2**31) <= int(retries) < 2**31:
            raise Refused(
                f"HEALTHCHECK --retries: not a 32-bit integer: {shorten(retries, 40)!r}", f"--retries={retries}"
            )
        if int(retries) < 0:
            raise Refused(f"HEALTHCHECK --retries cannot be negative ({int(retries)})", f"--retries={retries}")


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_MAX = 1 << 63


def go_duration(text: str) -> int:
    """Nanoseconds, as Go's time.ParseDuration reads ``text``
    (``[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+``, or ``0``); ValueError otherwise."""
    s = text
    negative = False
    if s[:1] in ("-", "+"):
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(text)
    total = 0
    while s:
        if not (s[0] == "." or s[0].isascii() and s[0].isdigit()):
            raise ValueError(text)
        m = re.match(r"([0-9]*)(?:\.([0-9]*))?", s)
        whole, fraction = m.group(1), m.group(2)
        if not whole and not fraction:
            raise ValueError(text)  # "." alone
        s = s[m.end() :]
        unit_end = 0
        while unit_end < len(s) and not (s[unit_end] == "." or s[unit_end].isascii() and s[unit_end].isdigit()):
            unit_end += 1
        unit = _UNITS.get(s[:unit_end])
        if unit is None:
            raise ValueError(text)  # missing or unknown unit
        s = s[unit_end:]
        value = int(whole or "0")
        if value > _MAX // unit:
            raise ValueError(text)  # overflow
        value *= unit
        if fraction:
            value += _fraction(fraction, unit)
        total += value
        if total > _MAX:
            raise ValueError(text)
    if total > _MAX - 1 and not negative:
        raise ValueError(text)
    return -total if negative else total


def _fraction(digits: str, unit: int) -> int:
    """Go's leadingFraction and its use: the digits as an integer (those
    that would overflow are dropped), scaled as a float, truncated."""
    f, scale = 0, 1.0
    for d in digits:
        if f > _MAX // 10:
            continue
        y = f * 10 + int(d)
        if y > _MAX:
            continue
        f, scale = y, scale * 10
    return int(float(f) * (float(unit) / scale))
