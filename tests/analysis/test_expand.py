"""BuildKit's variable expansion: its documented rules, unknown values, and
agreement with a real POSIX shell where the two define the same thing.

The `dockerfile` package (BuildKit's parser) exposes parsing only, not the
expansion, so the oracle for generated words is /bin/sh (dash): in an
assignment (`v=WORD`) it does no word splitting or globbing, which makes its
expansion of `$X`, `${X}`, `${X:-w}`, `${X-w}`, `${X:+w}`, `${X+w}`, quotes
and backslash escapes the same as BuildKit's. Where they differ, the
generator does not go (each is pinned by an example below instead):

* `$$`, `$0`..`$9`, `$@`, `$*`, `$#`, `$?`, `$-`, `$!`: sh's special
  parameters; BuildKit looks them up as variable names (unset: empty).
* backquotes: command substitution in sh, plain text (or the escape) in BuildKit.
* quotes inside `${X:-w}` within double quotes: literal in sh, quotes in BuildKit.
* names with non-ASCII letters: BuildKit reads `$café` as one name.
* `~` (tilde expansion), unquoted spaces and `;&|<>()` (sh syntax).
* `${X:?}`, `${X=w}`: sh exits or assigns; BuildKit fails or refuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refactor.analysis.expand import (
    ExpansionError,
    Scope,
    Var,
    expand,
    expand_exact,
    needs,
    references,
    split_exact,
)

SH = shutil.which("sh")
ENV = {"PWD": "/home", "SHELL": "bash", "EMPTY": "", "KOREAN": "\ud55c\uad6d\uc5b4"}


@pytest.mark.parametrize(
    "word, expected",
    [
        ("$PWD", "/home"),
        ("${PWD}", "/home"),
        ("\\$PWD", "$PWD"),
        ("'$PWD'", "$PWD"),
        ('"$PWD"', "/home"),
        ('"${PWD:-x}"', "/home"),
        ("$PWD/bin", "/home/bin"),
        ("${PWD}bin", "/homebin"),
        ("$PWDbin", ""),  # the name is PWDbin
        ("$NOPE", ""),
        ("${EMPTY:-x}", "x"),
        ("${EMPTY-x}", ""),
        ("${NOPE-x}", "x"),
        ("${NOPE:-x}", "x"),
        ("${PWD:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${NOPE+alt}", ""),
        ("${PWD?msg}", "/home"),
        ("${EMPTY?msg}", ""),
        ("${NOPE:-$PWD/x}", "/home/x"),
        ("${NOPE:-'a}b'}", "a}b"),
        ('${NOPE:-"$PWD x"}', "/home x"),
        ("\"${NOPE:-'q'}\"", "q"),  # sh keeps the quotes here; BuildKit removes them
        ("a$", "a$"),
        ("$/x", "$/x"),
        ('"a$"', "a$"),
        ("$$", ""),  # BuildKit looks up a variable named "$"
        ("$1x", "x"),
        ("he\\llo", "hello"),
        ('"he\\llo"', "he\\llo"),
        ('"a\\"b\\\\c\\$d"', 'a"b\\c$d'),
        ("'a\\b'", "a\\b"),
        ("a\\", "a"),  # a lone escape at the end is dropped
        ("${KOREAN}", "\ud55c\uad6d\uc5b4"),
        ("$KOREAN\ud55c", ""),  # Unicode letters continue a name
        ("a b  c", "a b  c"),  # no word splitting
        ("`echo hi`", "`echo hi`"),  # no command substitution
        ("~", "~"),
    ],
)
def test_buildkit_rules(word, expected):
    assert expand_exact(word, ENV) == expected


@pytest.mark.parametrize(
    "word, message",
    [
        ("${", "missing '}'"),
        ("${}", "bad substitution"),
        ("${:x}", "bad substitution"),
        ("${PWD", "unsupported modifier"),
        ("${NOPE:-x", "missing '}'"),
        ("${NOPE?}", "NOPE: is not allowed to be unset"),
        ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        ("${NOPE:?say $PWD}", "NOPE: say /home"),
        ("${PWD=x}", "unsupported modifier (=)"),
        ("${PWD:=x}", "unsupported modifier (:=)"),
        ("'abc", "matching single-quote"),
        ('"abc', "matching double-quote"),
    ],
)
def test_buildkit_errors(word, message):
    with pytest.raises(ExpansionError, match=message.replace("$", r"\$").replace("(", r"\(").replace(")", r"\)")):
        expand_exact(word, ENV)
    result = expand(word, Scope({k: Var(k, v, "ENV") for k, v in ENV.items()}))
    assert result.text is None and result.error


@pytest.mark.parametrize(
    "word, expected",
    [
        ("`$PWD", "$PWD"),
        ('"a`"b"', 'a"b'),
        ("a\\b", "a\\b"),  # a backslash is plain text with the backtick escape
        ('"a\\"', "a\\"),
        ("c:\\\\dir", "c:\\\\dir"),
    ],
)
def test_backtick_escape(word, expected):
    assert expand_exact(word, ENV, escape="`") == expected


@pytest.mark.parametrize(
    "word, words",
    [
        ("$P 8080", ["80", "443", "8080"]),
        ('"$P" 8080', ["80 443", "8080"]),
        ('"" a', ["a"]),
        ("  ", []),
    ],
)
def test_split_like_expose(word, words):
    assert split_exact(word, {"P": "80 443"}) == words


def test_pattern_modifiers_are_unknown_not_guessed():
    for word in ["${PWD#*/}", "${PWD%%/*}", "${PWD/home/x}", "${PWD//o/0}"]:
        result = expand(word, Scope({"PWD": Var("PWD", "/home", "ENV")}))
        assert result.text is None and not result.error
        assert "pattern matching" in result.reason
    # its end is found, so what follows still counts
    assert expand("${A#x}$B", Scope()).names == ("A", "B")


# -- unknown values -------------------------------------------------------------

NO_DEFAULT = Var("APP", None, "ARG", "ARG APP has no default: only --build-arg APP sets it")


def test_arg_without_default_is_unknown_not_empty():
    scope = Scope({"APP": NO_DEFAULT, "DIR": Var("DIR", "/opt", "ARG", raw="/opt")})
    result = expand("$DIR/bin/$APP", scope)
    assert result.text is None
    assert result.reason == "ARG APP has no default: only --build-arg APP sets it"
    assert result.names == ("DIR", "APP")
    assert expand("$DIR/bin", scope).text == "/opt/bin"
    # BuildKit itself, with nothing passed, gives the empty string
    assert expand_exact("$DIR/bin/$APP", {"DIR": "/opt"}) == "/opt/bin/"


def test_unknown_only_where_needed():
    scope = Scope({"APP": NO_DEFAULT, "SET": Var("SET", "yes", "ENV")})
    assert expand("${SET:-$APP}", scope).text == "yes"
    assert expand("${SET:+fixed}", scope).text == "fixed"
    assert expand("${APP:-x}", scope).text is None
    assert expand("${APP:+x}", scope).text is None
    assert expand("'$APP'", scope).text == "$APP"
    assert expand("\\$APP", scope).text == "$APP"


def test_base_image_env_makes_unlisted_names_unknown():
    scope = Scope({"A": Var("A", "1", "ENV")}, base="python:3.12")
    assert expand("$A", scope).text == "1"
    home = expand("$HOME/x", scope)
    assert home.text is None and home.reason == "$HOME may be set by the ENV of base image python:3.12"
    assert expand("$1$@$$", scope).text == ""  # not variable names an ENV can set
    assert expand("$HOME", Scope()).text == ""  # no base image: surely unset


def test_references_in_order_each_once():
    assert references("$A ${B:-$C} \"$D\" '$E' \\$F $A ${G#x}") == ("A", "B", "C", "D", "G")
    assert references("RUN echo `$X`", escape="`") == ()


def test_needs_copies_stage_args_and_redeclares_global_ones():
    version = Var("VERSION", "1.0", "ARG", raw="1.0")
    url = Var("URL", "https://x/1.0", "ARG", raw="https://x/$VERSION")
    scope = Scope(
        {
            "GO": Var("GO", "1.22", "global ARG", raw="1.22"),
            "APP": NO_DEFAULT,
            "VERSION": version,
            "URL": url,
            "CGO": Var("CGO", "0", "ENV", raw="0"),
            "PATH": Var("PATH", "/bin", "image default"),
        },
        base="golang:1.22",
    )
    got = [(n.name, n.kind, n.text) for n in needs(["URL", "GO", "APP", "CGO", "PATH", "GOPATH", "NOPE_SET"], scope)]
    assert got == [
        ("VERSION", "arg", "ARG VERSION=1.0"),  # what URL's default refers to comes first
        ("URL", "arg", "ARG URL=https://x/$VERSION"),
        ("GO", "arg", "ARG GO"),
        ("APP", "arg", "ARG APP"),
        ("CGO", "env", "ENV CGO=0"),
        ("PATH", "base", None),  # the new stage's base sets PATH
        ("GOPATH", "base", None),
        ("NOPE_SET", "base", None),
    ]
    assert needs(["X"], Scope()) == ()


# -- agreement with /bin/sh -------------------------------------------------------

NAMES = ["V0", "V1", "V2"]
PLAIN = "abz09_/.:,@%+-="  # no quoting, expansion or sh syntax characters
name = st.sampled_from(NAMES)


def var_piece(inner):
    return st.one_of(
        name.map(lambda n: "$" + n),
        name.map(lambda n: "${" + n + "}"),
        st.tuples(name, st.sampled_from([":-", "-", ":+", "+"]), inner).map(lambda t: "${" + "".join(t) + "}"),
    )


brace_word = st.lists(
    st.one_of(
        st.text(alphabet=PLAIN, max_size=3),
        name.map(lambda n: "$" + n),
        st.text(alphabet=PLAIN + ' "$\\{', max_size=3).map(lambda t: "'" + t + "'"),
    ),
    max_size=3,
).map("".join)
# Inside double quotes: no quotes in ${X:-w} (sh and BuildKit differ there).
dq_brace_word = st.lists(
    st.one_of(st.text(alphabet=PLAIN + " ", max_size=3), name.map(lambda n: "$" + n)), max_size=2
).map("".join)
dq_piece = st.one_of(
    st.text(alphabet=PLAIN + " '{}", min_size=1, max_size=4),
    st.sampled_from(['\\"', "\\$", "\\\\", "\\a", "$/", "$ "]),
    var_piece(dq_brace_word),
)
piece = st.one_of(
    st.text(alphabet=PLAIN, min_size=1, max_size=4),
    st.sampled_from(["\\a", "\\$", "\\'", '\\"', "\\\\", "\\ ", "\\{", "\\}", "$/", "$."]),
    st.text(alphabet=PLAIN + ' "$\\{}', max_size=4).map(lambda t: "'" + t + "'"),
    st.lists(dq_piece, max_size=4).map(lambda ps: '"' + "".join(ps) + '"'),
    var_piece(brace_word),
)
word = st.lists(piece, max_size=6).map("".join)
environments = st.fixed_dictionaries({n: st.none() | st.text(alphabet=PLAIN + " '\"{}", max_size=4) for n in NAMES})


def sh_values(words: list[str], env: dict) -> list[str]:
    script = "".join(f"v={w}\nprintf '%s\\0' \"$v\"\n" for w in words)
    variables = {k: v for k, v in env.items() if v is not None}
    out = subprocess.run(
        [SH, "-c", script],
        check=False,
        capture_output=True,
        timeout=30,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **variables},
    )
    assert out.returncode == 0, (script, out.stderr)
    return out.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.skipif(SH is None, reason="no /bin/sh to compare with")
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(word, min_size=1, max_size=8), environments)
def test_agrees_with_sh(words, env):
    variables = {k: v for k, v in env.items() if v is not None}
    assert [expand_exact(w, variables) for w in words] == sh_values(words, env)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(word, environments)
def test_backtick_escape_reads_like_backslash(text, env):
    # The generated words hold no literal backtick: written with the other
    # escape character, they read the same (up to that character).
    variables = {k: v for k, v in env.items() if v is not None}
    swapped = expand_exact(text.replace("\\", "`"), variables, escape="`")
    assert swapped.replace("`", "\\") == expand_exact(text, variables)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(word, environments)
def test_unknown_means_some_value_could_change_it(text, env):
    # Make each unset variable unknown instead: where the result is still
    # known it must be what BuildKit gives whatever those variables hold.
    known = {k: v for k, v in env.items() if v is not None}
    scope = Scope({k: Var(k, v, "ARG") if v is not None else Var(k, None, "ARG", "no default") for k, v in env.items()})
    result = expand(text, scope)
    if result.text is not None:
        for filler in ("", "x y"):
            assert expand_exact(text, {**known, **{k: filler for k in NAMES if k not in known}}) == result.text
    else:
        assert result.reason == "no default"
