"""MSB001 on generated shell-form commands, checked by two outside oracles:
/bin/sh says which words the shell form runs, BuildKit's parser says which
words the rewritten exec form runs. They must be the same."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from refactor.engine import Status, refactor_text
from refactor.passes import select
from tests.conftest import buildkit_commands_of

SH = shutil.which("sh")
pytestmark = pytest.mark.skipif(SH is None, reason="no /bin/sh to compare with")

PLAIN = st.sampled_from(["node", "server.js", "-p", "8080", "--flag=on", "./bin/app", "a,b", "x@y", "é", "%s", "+1"])
SINGLE = st.sampled_from(["'a b'", "'x;y|z'", "'$HOME'", "''", "'*.txt'", "'say \"hi\"'"])
DOUBLE = st.sampled_from(['"a b"', '"c\\"d"', '"back\\\\slash"', '""', '"semi;colon"'])
ESCAPED = st.sampled_from(["a\\ b", "\\*", "\\$x", "C:\\\\dir", "\\'q"])
TOKEN = st.one_of(PLAIN, SINGLE, DOUBLE, ESCAPED)


@st.composite
def commands(draw):
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    keyword = draw(st.sampled_from(["CMD", "cmd", "Cmd", "ENTRYPOINT"]))
    tokens = draw(st.lists(TOKEN, min_size=1, max_size=6))
    # A first word like `--flag=on` is a flag to BuildKit, which refuses it on
    # CMD and ENTRYPOINT: such a file fails before any pass (refactor/syntax/validate.py).
    assume(not tokens[0].startswith("--"))
    if draw(st.booleans()):
        tokens = ["exec"] + tokens
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(tokens) - 1)), max_size=3)))) if len(tokens) > 1 else []
    groups, start = [], 0
    for cut in cuts + [len(tokens)]:
        groups.append(tokens[start:cut])
        start = cut
    lines = [" ".join(g) for g in groups]
    indents = [draw(st.sampled_from(["    ", "\t", "  ", ""])) for _ in lines]
    body = f" \\{nl}".join(
        indent + line if k else line for k, (indent, line) in enumerate(zip(indents, lines, strict=False))
    )
    text = f"FROM alpine:3.19{nl}{keyword} {body}{nl}"
    # Lines the exec form should keep: those with a word once a leading `exec` is dropped.
    kept = sum(1 for k, g in enumerate(groups) if len(g) > (1 if k == 0 and g[0] == "exec" else 0))
    return text, " ".join(tokens), kept


def sh_words(command: str) -> list[str]:
    out = subprocess.run([SH, "-c", f"printf '%s\\0' SENTINEL {command}"], capture_output=True, timeout=10).stdout
    return [w.decode() for w in out.split(b"\0")[:-1]][1:]


@settings(max_examples=150, deadline=None)
@given(commands())
def test_rewrite_runs_the_words_the_shell_ran(case):
    text, logical, kept = case
    r = refactor_text(text, "Dockerfile", select(["MSB001"]), unsafe_fixes=True)
    assert r.status is not Status.FAILED, r.error
    words = sh_words(logical)
    if words and words[0] == "exec":
        words = words[1:]
    if r.status is Status.UNCHANGED:
        assert r.notes, "left alone without saying why"
        return
    command = buildkit_commands_of(r.output)[1]
    assert command["json"] is True
    assert command["value"] == words
    assert ("\r\n" in text) == ("\r\n" in r.output)
    assert r.output.count("\n") == 1 + (kept if kept > 1 else 1)  # one exec-form line per original line
