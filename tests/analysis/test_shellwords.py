"""The word reader against a real POSIX shell: whatever it accepts, /bin/sh
splits into exactly the same words."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refactor.analysis.shellwords import NotSimple, simple_words

SH = shutil.which("sh")
pytestmark = pytest.mark.skipif(SH is None, reason="no /bin/sh to compare with")

# Plain characters, every quoting character, and the shell's special ones.
ALPHABET = "ab0-_./:=,@%+ \t'\"\\$`;&|<>()*?[]{}~#!^é"
# Mostly the characters the reader accepts (so many commands get compared), some of all.
texts = st.one_of(
    st.text(alphabet=ALPHABET, min_size=1, max_size=24),
    st.text(alphabet="ab0-_./:=,@%+ \t'\"\\é", min_size=1, max_size=24),
)


def shell_words(commands: list[str]) -> list[list[str] | None]:
    """Run every command as `printf '%s\\0' <command>` in one sh; None where sh failed."""
    # A leading sentinel word, because printf with no argument still prints the format once.
    script = "".join(f"printf '%s\\0' SENTINEL {c} && printf '\\1\\n' || printf '\\2\\n'\n" for c in commands)
    out = subprocess.run([SH, "-c", script], capture_output=True, timeout=30).stdout
    results = []
    for chunk in out.split(b"\n")[: len(commands)]:
        if chunk.endswith(b"\1"):
            words = chunk[:-1].split(b"\0")[:-1]
            assert words[0] == b"SENTINEL"
            results.append([w.decode("utf-8") for w in words[1:]])
        else:
            results.append(None)
    return results


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=40, max_size=40))
def test_accepted_commands_split_like_sh(batch):
    accepted = []
    for text in batch:
        try:
            accepted.append((text, simple_words(text)))
        except NotSimple:
            pass
    # Words containing a newline would break the line-based protocol; the alphabet has none.
    got = shell_words([t for t, _ in accepted])
    assert len(got) == len(accepted)
    for (text, words), sh in zip(accepted, got, strict=False):
        assert sh == words, (text, words, sh)


@pytest.mark.parametrize(
    "text, words",
    [
        ("node server.js", ["node", "server.js"]),
        ("a 'b c' \"d e\" f\\ g", ["a", "b c", "d e", "f g"]),
        ("a '' \"\"", ["a", "", ""]),
        ('say "a \\" b \\\\ c"', ["say", 'a " b \\ c']),
        ("run --opt=1", ["run", "--opt=1"]),
        ("  ", []),
    ],
)
def test_examples(text, words):
    assert simple_words(text) == words
    assert shell_words([text]) == [words]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("a && b", "`&&`"),
        ("a || b", "`||`"),
        ("a | b", "`|`"),
        ("a; b", "`;`"),
        ("a &", "`&`"),
        ("echo $HOME", "`$`"),
        ('echo "$HOME"', "inside double quotes"),
        ("echo `id`", "backquote"),
        ("ls *.txt", "glob"),
        ("a > f", "redirects"),
        ("a # c", "comment"),
        ("A=1 b", "assignment"),
        ("cd ~", "home"),
        ("'open", "unterminated single"),
        ('"open', "unterminated double"),
        ("a {b,c}", "brace"),
    ],
)
def test_refusals_give_the_reason(text, reason):
    with pytest.raises(NotSimple, match=reason.replace("|", r"\|").replace("$", r"\$").replace("*", r"\*")):
        simple_words(text)
