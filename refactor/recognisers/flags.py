"""Reading a command's options from a table of the options it takes.

Two conventions cover the tools here:

* Go's ``flag`` package (``go``): ``-name`` or ``--name``, a value as
  ``-name=v`` or ``-name v``; the first argument that is not an option
  ends the options.
* GNU/clap (``cargo``, ``apt-get``, ``apk``, ``make``, ``cmake`` ...):
  ``--name=v`` or ``--name v``, short ``-x v`` or ``-xv``, bundled short
  switches (``-yq``), options anywhere among the operands; ``--`` ends
  them.

An option missing from the table is reported, never skipped: whether it
takes a value decides what the next word is.
"""

from __future__ import annotations

import attrs

from .site import Arg


@attrs.frozen
class Options:
    """The options of one tool: spelling -> canonical name, split by
    whether they take a value."""

    valued: dict[str, str]
    switches: dict[str, str]
    go_style: bool = False

    @classmethod
    def of(cls, valued: str, switches: str, go_style: bool = False) -> Options:
        """From space-separated spellings, ``a|b`` for aliases (the first is canonical)."""
        return cls(_table(valued), _table(switches), go_style)


@attrs.frozen
class Parsed:
    """``values``: canonical name -> the values given, in order (an Arg
    per use; a switch gets an Arg whose value is its own spelling)."""

    values: dict[str, list[Arg]]  # switches: "true"/"false" (go) or the spelling used
    operands: list[Arg]
    problem: str | None = None  # the first thing that could not be read
    unreadable: Arg | None = None  # the word whose value is not known, when that is the problem

    def has(self, name: str) -> bool:
        return name in self.values

    def last(self, name: str) -> Arg | None:
        found = self.values.get(name)
        return found[-1] if found else None

    def all(self, name: str) -> list[Arg]:
        return self.values.get(name, [])


def parse(args: list[Arg], options: Options) -> Parsed:
    values: dict[str, list[Arg]] = {}
    operands: list[Arg] = []
    k = 0

    def put(name: str, arg: Arg) -> None:
        values.setdefault(name, []).append(arg)

    while k < len(args):
        arg = args[k]
        text = arg.value
        if text is None:
            # `-ldflags="-X main.v=$V"`: a known option whose value is not known.
            name = arg.raw.split("=", 1)[0]
            key = name.lstrip("-") if options.go_style else name
            if "=" in arg.raw and name.startswith("-") and key in options.valued:
                put(options.valued[key], arg)
            elif (operands and options.go_style) or not (options.go_style or arg.raw.startswith("-")):
                operands.append(arg)  # an operand whose value is not known: the tool's reader decides
            else:
                return Parsed(values, operands + args[k:], f"`{arg.raw}` cannot be read", arg)
            k += 1
            continue
        if text == "--":
            operands.extend(args[k + 1 :])
            break
        if not text.startswith("-") or text == "-" or (options.go_style and operands):
            operands.append(arg)
            k += 1
            continue
        name, eq, inline = text.partition("=")
        key = name.lstrip("-") if options.go_style else name
        if key in options.valued:
            if eq:
                put(options.valued[key], Arg(inline, arg.raw, arg.variables))
            elif k + 1 < len(args):
                k += 1
                put(options.valued[key], args[k])
            else:
                return Parsed(values, operands, f"`{name}` needs a value")
        elif key in options.switches:
            # Go's booleans take `-flag=false`; the value is "true" without one.
            value = (inline if eq else "true") if options.go_style else text
            put(options.switches[key], Arg(value, arg.raw, arg.variables))
        elif not options.go_style and not text.startswith("--") and len(text) > 2:
            # -xVALUE or bundled switches -yq
            if text[:2] in options.valued:
                put(options.valued[text[:2]], Arg(text[2:], arg.raw, arg.variables))
            elif all("-" + c in options.switches for c in text[1:]):
                for c in text[1:]:
                    put(options.switches["-" + c], Arg("-" + c, arg.raw, arg.variables))
            else:
                return Parsed(values, operands, f"unknown option `{name}`")
        else:
            return Parsed(values, operands, f"unknown option `{name}`")
        k += 1
    return Parsed(values, operands)


def _table(spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in spec.split():
        names = group.split("|")
        for n in names:
            out[n] = names[0]
    return out
