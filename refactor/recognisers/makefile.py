"""A reader for hand-written Makefiles: variables, rules, the default goal.

Enough of GNU make to say what ``make`` and ``make install`` produce:
``=``, ``:=``, ``::=``, ``?=`` and ``+=`` assignments, command-line and
environment values with make's precedence (command line, then the
Makefile unless ``?=``, then the environment), ``$(VAR)``/``${VAR}``,
``$(VAR:.c=.o)``, the automatic ``$@ $< $^``, rules with recipes, and
``.DEFAULT_GOAL``. A function call (``$(shell ...)``, ``$(wildcard ...)``),
an ``include`` or a value set under a conditional makes what depends on it
unknown (None), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

# make's built-in values of the variables recipes use most.
BUILTINS = {"CC": "cc", "CXX": "g++", "CPP": "$(CC) -E", "RM": "rm -f", "MAKE": "make", "AR": "ar", "LD": "ld"}
_ASSIGN = re.compile(r"^(?:(?:override|export)\s+)*([^\s:#=?+!$()]+|\$\([^)]*\))\s*(\?=|::=|:=|\+=|!=|=)\s*(.*)$")
_RULE = re.compile(r"^([^:=#\t][^:=#]*?)\s*(::?)(?!=)\s*(.*)$")
_CONDITIONAL = re.compile(r"^(ifeq|ifneq|ifdef|ifndef)\b")


@attrs.define
class Rule:
    targets: list[str]
    deps: list[str]
    recipe: list[str] = attrs.Factory(list)
    conditional: bool = False


@attrs.define
class Makefile:
    assignments: dict[str, list[tuple[str, str, bool]]]  # name -> (op, text, under a conditional)
    rules: dict[str, Rule]
    goal: str | None  # the default goal
    includes: list[str]

    @classmethod
    def parse(cls, text: str) -> Makefile:
        assignments: dict[str, list[tuple[str, str, bool]]] = {}
        rules: dict[str, Rule] = {}
        includes: list[str] = []
        goal = None
        depth = 0
        current: list[Rule] = []
        lines = re.sub(r"\\\r?\n[ \t]*", " ", text).splitlines()
        in_define = False
        for line in lines:
            if in_define:
                in_define = not line.strip().startswith("endef")
                continue
            if line.startswith("\t"):
                for rule in current:
                    rule.recipe.append(line[1:])
                continue
            stripped = line.split("#", 1)[0].strip()
            if not stripped:
                continue
            word = stripped.split()[0]
            if _CONDITIONAL.match(stripped):
                depth += 1
                continue
            if word == "endif":
                depth = max(0, depth - 1)
                continue
            if word in ("else", "vpath", "unexport") or stripped == "export":
                continue
            if word == "define":
                in_define = True
                continue
            if word in ("include", "-include", "sinclude"):
                includes.extend(stripped.split()[1:])
                continue
            m = _ASSIGN.match(stripped)
            if m:
                assignments.setdefault(m.group(1), []).append((m.group(2), m.group(3).strip(), depth > 0))
                current = []
                continue
            m = _RULE.match(stripped)
            if m:
                deps_text, _, inline = m.group(3).partition(";")
                targets = m.group(1).split()
                deps = [d for d in deps_text.replace("|", " ").split()]
                rule = Rule(targets, deps, [inline.strip()] if inline.strip() else [], depth > 0)
                current = [rule]
                for target in targets:
                    if target in rules and not rules[target].recipe:
                        rule.deps = rules[target].deps + rule.deps
                    rules[target] = rule
                    if goal is None and "%" not in target and (not target.startswith(".") or "/" in target):
                        goal = target
                continue
            current = []
        return cls(assignments, rules, goal, includes)

    def variables(
        self, cmdline: dict[str, str | None], env: Callable[[str], str | None]
    ) -> Callable[[str], str | None]:
        """``name -> value`` (unexpanded text) as make resolves it; None when not known."""

        def value(name: str) -> str | None:
            if name in cmdline:
                return cmdline[name]
            found = self.assignments.get(name, [])
            if any(cond for _, _, cond in found):
                return None
            out: str | None = None
            for op, text, _ in found:
                if op == "?=":
                    if out is None:
                        from_env = env(name)
                        if from_env is None:
                            return None
                        out = from_env if from_env else text
                elif op == "+=":
                    out = (out + " " if out else "") + text
                elif op == "!=":
                    return None
                else:
                    out = text
            if out is not None:
                return out
            from_env = env(name)
            if from_env:
                return from_env
            if from_env is None and name not in BUILTINS:
                return None
            return BUILTINS.get(name, "")

        return value

    @property
    def goal_name(self) -> str | None:
        explicit = self.assignments.get(".DEFAULT_GOAL")
        return explicit[-1][1] if explicit else self.goal


def expand(
    text: str, value: Callable[[str], str | None], auto: dict[str, str] | None = None, depth: int = 0
) -> str | None:
    """``text`` with make's variable references resolved; None if any is not known."""
    if depth > 20:
        return None
    auto = auto or {}
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            return None
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt in "({":
            close = ")" if nxt == "(" else "}"
            end = _matching(text, i + 1, nxt, close)
            if end < 0:
                return None
            ref = text[i + 2 : end]
            i = end + 1
        else:
            ref = nxt
            i += 2
        if ref in auto:
            out.append(auto[ref])
            continue
        resolved = _reference(ref, value, auto, depth)
        if resolved is None:
            return None
        out.append(resolved)
    return "".join(out)


def _reference(ref: str, value: Callable[[str], str | None], auto: dict[str, str], depth: int) -> str | None:
    if " " in ref or "\t" in ref:
        return None  # a function call: $(shell ...), $(wildcard ...), $(patsubst ...)
    name, colon, subst = ref.partition(":")
    name = expand(name, value, auto, depth + 1) or ""
    if name in auto:
        raw: str | None = auto[name]
    else:
        raw = value(name)
    if raw is None:
        return None
    resolved = expand(raw, value, auto, depth + 1)
    if resolved is None or not colon:
        return resolved
    old, eq, new = subst.partition("=")
    if not eq or "%" in old:
        return None
    return " ".join(w[: -len(old)] + new if old and w.endswith(old) else w for w in resolved.split())


def _matching(text: str, start: int, open_: str, close: str) -> int:
    depth = 0
    for k in range(start, len(text)):
        if text[k] == open_:
            depth += 1
        elif text[k] == close:
            depth -= 1
            if depth == 0:
                return k
    return -1
