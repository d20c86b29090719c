"""Per-stage state and the final image config, as BuildKit builds them; and
the per-tree cache of facts."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

import refactor
from refactor.analysis import facts
from refactor.analysis.image import (
    DEFAULT_PATH,
    Health,
    Unknown,
    final_config,
    go_duration,
    port_specs,
)

PATH = ("PATH", DEFAULT_PATH)


def config(text: str):
    return final_config(refactor.parse(text))


def states(text: str, stage: int = -1):
    """(instruction text, state after it) for every instruction of a stage."""
    tree = refactor.parse(text)
    f = facts(tree)
    return [(ins.rest, f.state_after(ins)) for ins in tree.stages[stage].instructions]


# -- WORKDIR ----------------------------------------------------------------------


def test_relative_workdirs_chain_and_are_cleaned():
    got = [
        s.workdir
        for _, s in states("FROM scratch\nWORKDIR app\nWORKDIR ../lib/./x\nWORKDIR /abs//y/\nWORKDIR z/\nWORKDIR ..\n")
    ]
    assert got == ["/", "/app", "/lib/x", "/abs//y/", "/abs/y/z", "/abs/y"]  # an absolute one is kept as written


def test_workdir_expands_variables():
    got = states(
        "FROM scratch\nENV BASE=/opt\nARG SUB=app\nWORKDIR $BASE/${SUB}\nWORKDIR \"$BASE/my dir\"\nWORKDIR '$BASE'\n"
    )
    assert [s.workdir for _, s in got][3:] == ["/opt/app", "/opt/my dir", "/opt/my dir/$BASE"]


def test_workdir_on_an_external_base_is_unknown_until_absolute():
    got = [s.workdir for _, s in states("FROM python:3.12\nWORKDIR src\nWORKDIR /app\nWORKDIR lib\n")]
    assert got == [
        Unknown("WORKDIR of base image python:3.12"),
        Unknown("src relative to the WORKDIR of base image python:3.12"),
        "/app",
        "/app/lib",
    ]


def test_workdir_with_an_unknown_arg():
    ((_, s),) = states("FROM scratch\nARG DIR\nWORKDIR /srv/$DIR\n")[2:]
    assert s.workdir == Unknown("ARG DIR has no default: only --build-arg DIR sets it")


# -- variables ----------------------------------------------------------------------


def test_env_and_arg_the_later_wins():
    # ENV after ARG overrides it (the documented rule); in BuildKit an ARG
    # with a value after an ENV sets the same variable again.
    got = states("FROM scratch\nARG V=1\nENV V=2\nUSER u$V\nARG V=3\nUSER u$V\nARG V\nUSER u$V\n")
    assert [s.user for _, s in got][3::2] == ["u2", "u3", Unknown("ARG V has no default: only --build-arg V sets it")]
    assert dict(got[-1][1].env)["V"] == "2"  # the image keeps the ENV value


def test_global_arg_is_visible_in_a_stage_only_when_declared_again():
    text = "ARG GO=1.22\nFROM scratch\nUSER a$GO\nARG GO\nUSER b$GO\n"
    got = states(text)
    assert [s.user for _, s in got][1::2] == ["a", "b1.22"]
    var = got[-1][1].scope.get("GO")
    assert (var.value, var.source) == ("1.22", "global ARG")


def test_unknown_build_arg_is_reported_as_unknown():
    cfg = config("ARG APP\nFROM scratch\nARG APP\nLABEL app=$APP\nUSER $APP\n")
    assert cfg.user == Unknown("ARG APP has no default: only --build-arg APP sets it")
    assert cfg.labels == (("app", Unknown("ARG APP has no default: only --build-arg APP sets it")),)


def test_all_pairs_of_one_env_see_the_values_from_before_it():
    cfg = config("FROM scratch\nENV A=old\nENV A=new B=$A\nENV C=$A\n")
    assert cfg.env == (("A", "new"), ("B", "old"), ("C", "new"), PATH)


def test_arg_names_are_read_one_after_the_other():
    ((_, s),) = states("FROM scratch\nARG A=1 B=${A}2\n")[1:]
    assert (s.scope.get("A").value, s.scope.get("B").value) == ("1", "12")


def test_legacy_env_form_and_quotes():
    cfg = config('FROM scratch\nENV GREETING hello "big" world\nENV Q="a b" R=\'$Q\'\n')
    assert dict(cfg.env) == {"PATH": DEFAULT_PATH, "GREETING": "hello big world", "Q": "a b", "R": "$Q"}


def test_base_image_env_is_unknown_not_empty():
    cfg = config("FROM python:3.12\nENV P=$PATH:/app X=$NOT_IN_FILE\n")
    assert cfg.env == (
        ("P", Unknown("$PATH may be set by the ENV of base image python:3.12")),
        ("X", Unknown("$NOT_IN_FILE may be set by the ENV of base image python:3.12")),
    )
    assert cfg.base == "python:3.12"


def test_scratch_has_path_and_nothing_else():
    cfg = config("FROM scratch\nENV P=$PATH:/app X=$NOT_SET\n")
    assert cfg.env == (("P", DEFAULT_PATH + ":/app"), PATH, ("X", ""))
    assert cfg.base is None


# -- inheritance ------------------------------------------------------------------------


def test_env_workdir_user_inherited_through_from_a_stage():
    text = 'FROM scratch AS base\nENV A=1\nWORKDIR /srv\nUSER app\nARG V=7\nCMD ["x"]\nFROM base\nENV B=$A$V\n'
    tree = refactor.parse(text)
    child = facts(tree).stage_state(1)
    assert dict(child.env) == {"PATH": DEFAULT_PATH, "A": "1", "B": "17"}  # BuildKit passes ARG values on too
    assert (child.workdir, child.user, child.cmd) == ("/srv", "app", ("x",))
    assert not child.cmd_set


def test_final_config_comes_only_from_the_final_chain():
    cfg = config(
        "FROM alpine AS build\nENV BUILD=1\nEXPOSE 9000\nUSER builder\n"
        'FROM scratch\nCOPY --from=build /app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n'
    )
    assert cfg.env == (PATH,)
    assert cfg.expose == frozenset({"8080/tcp"})
    assert (cfg.user, cfg.workdir, cfg.entrypoint, cfg.cmd) == ("", "/", ("/app",), None)


# -- CMD, ENTRYPOINT, SHELL --------------------------------------------------------------


def test_entrypoint_clears_a_cmd_not_set_in_the_same_stage():
    # dispatchEntrypoint: `if !d.cmd.IsSet { d.image.Config.Cmd = nil }`
    parent = 'FROM scratch AS base\nCMD ["serve"]\n'
    assert config(parent + 'FROM base\nENTRYPOINT ["/app"]\n').cmd is None
    assert config(parent + 'FROM base\nCMD ["run"]\nENTRYPOINT ["/app"]\n').cmd == ("run",)
    assert config(parent + 'FROM base\nENTRYPOINT ["/app"]\nCMD ["run"]\n').cmd == ("run",)
    assert config(parent + "FROM base\nUSER x\n").cmd == ("serve",)
    assert config('FROM scratch\nCMD ["a"]\nENTRYPOINT ["/e"]\nENTRYPOINT ["/f"]\n').cmd == ("a",)
    # the base image's CMD too
    ext = config('FROM python:3.12\nENTRYPOINT ["python"]\n')
    assert (ext.entrypoint, ext.cmd) == (("python",), None)
    assert config("FROM python:3.12\nUSER x\n").cmd == Unknown("CMD of base image python:3.12")


def test_shell_form_uses_the_shell_in_effect():
    cfg = config('FROM scratch\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nCMD echo "$HOME" && run\n')
    assert cfg.cmd == ("/bin/bash", "-eo", "pipefail", "-c", 'echo "$HOME" && run')  # not expanded
    assert cfg.shell == ("/bin/bash", "-eo", "pipefail", "-c")
    assert config("FROM scratch\nENTRYPOINT exec app\n").entrypoint == ("/bin/sh", "-c", "exec app")


def test_shell_form_on_an_external_base_runs_dockers_default_shell():
    """A Linux base keeps Docker's default SHELL, so the same shell-form CMD
    reads the same on two bases (what a split relies on)."""
    cfg = config("FROM python:3.12\nCMD python app.py\n")
    assert cfg.cmd == ("/bin/sh", "-c", "python app.py")
    assert config("FROM debian:trixie-slim\nCMD python app.py\n").cmd == cfg.cmd
    cfg = config('FROM python:3.12\nSHELL ["/bin/bash", "-c"]\nCMD python app.py\n')
    assert cfg.cmd == ("/bin/bash", "-c", "python app.py")


def test_shell_needs_json():
    assert config("FROM scratch\nSHELL /bin/bash -c\n").shell == Unknown(
        "SHELL needs a non-empty JSON array (BuildKit fails the build)"
    )


# -- EXPOSE, VOLUME, LABEL, STOPSIGNAL, HEALTHCHECK ------------------------------------------


def test_expose_ports_as_the_image_has_them():
    cfg = config(
        'FROM scratch\nENV PORTS="80 443/udp"\nEXPOSE $PORTS 8000-8002/TCP 127.0.0.1:9000:9001 080\nEXPOSE 80/tcp\n'
    )
    assert cfg.expose == frozenset({"80/tcp", "443/udp", "8000/tcp", "8001/tcp", "8002/tcp", "9001/tcp"})


@pytest.mark.parametrize(
    "spec, ports",
    [
        ("80", ["80/tcp"]),
        ("80/UDP", ["80/udp"]),
        ("53/sctp", ["53/sctp"]),
        ("80/", ["80/tcp"]),
        ("8080:80", ["80/tcp"]),
        ("[::1]:8080:80", ["80/tcp"]),
        ("1-2", ["1/tcp", "2/tcp"]),
    ],
)
def test_port_specs(spec, ports):
    assert port_specs(spec) == ports


@pytest.mark.parametrize("spec", ["", "/tcp", "80/http", "x", "70000", "2-1", "1-2-3", "+80", "bad:ip:80:80", "1:2-3"])
def test_port_specs_buildkit_refuses(spec):
    with pytest.raises(ValueError):
        port_specs(spec)


def test_refused_expose_is_unknown():
    cfg = config("FROM scratch\nEXPOSE 80/http\n")
    assert cfg.expose == frozenset({Unknown("EXPOSE 80/http: invalid proto: http (BuildKit fails the build)")})


def test_volume_label_stopsignal_user():
    cfg = config(
        'FROM scratch\nARG D=/data\nVOLUME $D ["/x"]\nVOLUME ["/json", "$D/2"]\n'
        'LABEL a=1 "b c"="$D"\nLABEL a=2\nSTOPSIGNAL SIG$TERM\nENV TERM=TERM\nSTOPSIGNAL SIG$TERM\n'
        "USER ${D#/}\n"
    )
    assert cfg.volume == frozenset({"/data", "[/x]", "/json", "/data/2"})  # not JSON: words, quotes read
    assert cfg.labels == (("a", "2"), ("b c", "/data"))
    assert cfg.stopsignal == "SIGTERM"
    assert isinstance(cfg.user, Unknown) and "pattern matching" in cfg.user.reason


def test_healthcheck_with_its_flags():
    cfg = config(
        "FROM scratch\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5s --retries=3 "
        "CMD curl -f http://localhost/ || exit 1\n"
    )
    assert cfg.healthcheck == Health(
        ("CMD-SHELL", "curl -f http://localhost/ || exit 1"), 30 * 10**9, 90 * 10**9, 1_500_000_000, 0, 3
    )
    assert config('FROM scratch\nHEALTHCHECK CMD ["/bin/check", "-q"]\n').healthcheck == Health(
        ("CMD", "/bin/check", "-q")
    )
    assert config("FROM scratch\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n").healthcheck == Health(("NONE",))
    assert config("FROM python:3.12\nUSER x\n").healthcheck == Unknown("HEALTHCHECK of base image python:3.12")
    assert config("FROM scratch\n").healthcheck is None
    bad = config("FROM scratch\nHEALTHCHECK --interval=10 --retries=-1 CMD true\n").healthcheck
    assert (bad.interval, bad.retries) == ("10", "-1")  # kept as written: BuildKit refuses them


@pytest.mark.parametrize(
    "text, ns",
    [
        ("0", 0),
        ("30s", 30 * 10**9),
        ("1m30s", 90 * 10**9),
        ("1.5h", 5400 * 10**9),
        ("500ms", 5 * 10**8),
        ("2us", 2000),
        ("2\u00b5s", 2000),
        ("1.s", 10**9),
        (".5s", 5 * 10**8),
        ("-1s", -(10**9)),
        ("3ns", 3),
    ],
)
def test_go_durations(text, ns):
    assert go_duration(text) == ns


@pytest.mark.parametrize("text", ["", "10", "s", ".s", "1x", "1.2.3s", "+", "1s2"])
def test_go_duration_refusals(text):
    assert go_duration(text) is None


# -- semantic equality ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ('CMD ["a", "b"]', 'CMD [ "a","b" ]'),
        ("ENV A=1 B=2", "ENV A=1\nENV B=2"),
        ("ENV B=2\nENV A=1", "ENV A=1 B=2"),
        ("EXPOSE 80", "EXPOSE 80/tcp"),
        ("EXPOSE 80 443", "EXPOSE 443\nEXPOSE 80"),
        ("CMD echo hi", 'CMD ["/bin/sh", "-c", "echo hi"]'),
        ("ARG P=80\nEXPOSE $P", "EXPOSE 80"),
        ("WORKDIR /a\nWORKDIR b", "WORKDIR /a/b"),
        ("LABEL a=1 b=2", "LABEL b=2\nLABEL a=1"),
        ("USER app\nRUN true", "RUN true\nUSER app"),
    ],
)
def test_equal_configs(a, b):
    assert config(f"FROM scratch\n{a}\n") == config(f"FROM scratch\n{b}\n")


@pytest.mark.parametrize(
    "a, b",
    [
        ("CMD echo hi", 'CMD ["echo", "hi"]'),
        ("WORKDIR /a/", "WORKDIR /a"),
        ("ENV A=1", "ENV A=2"),
        ("USER app", "USER app:app"),
    ],
)
def test_different_configs(a, b):
    assert config(f"FROM scratch\n{a}\n") != config(f"FROM scratch\n{b}\n")


def test_a_different_base_image_is_a_different_config():
    assert config("FROM python:3.12\n") != config("FROM python:3.13\n")
    assert config("FROM python:3.12\n") == config("FROM python:3.12\n\n# same\n")
    assert hash(config("FROM python:3.12\nEXPOSE 80\n")) == hash(config("FROM python:3.12\nEXPOSE 80/tcp\n"))


def test_no_from_no_config():
    assert config("ARG A=1\n") is None


# -- state at each instruction ---------------------------------------------------------------


def test_state_before_and_after_each_instruction():
    tree = refactor.parse("FROM scratch\nENV A=1\nWORKDIR /w\nUSER u\n")
    f = facts(tree)
    frm, env, workdir, user = tree.instructions
    assert f.state_before(frm) == f.state_after(frm) == f.state_before(env)
    assert (f.state_before(workdir).workdir, f.state_after(workdir).workdir) == ("/", "/w")
    assert f.state_after(user) == f.stage_state(0) == f.stage_state(tree.stages[0])
    assert f.scope_before(workdir).get("A").value == "1"
    assert f.expander(user)("$A-x").text == "1-x"
    assert f.expander()("$A").text == ""  # FROM lines see only global ARGs


def test_args_needed_by_a_word_moved_to_a_new_stage():
    tree = refactor.parse(
        "ARG GO=1.22\nARG APP\nFROM golang:$GO AS build\nARG GO\nARG APP\n"
        "ARG OUT=/usr/local/bin\nENV CGO_ENABLED=0\nRUN go build -o $OUT/$APP $GOFLAGS\n"
    )
    run = tree.instructions[-1]
    needs = facts(tree).args_needed(run.rest, run)
    assert [(n.name, n.kind, n.text) for n in needs] == [
        ("OUT", "arg", "ARG OUT=/usr/local/bin"),
        ("APP", "arg", "ARG APP"),
        ("GOFLAGS", "base", None),  # only golang's ENV could give it
    ]
    assert [n.text for n in facts(tree).args_needed(["CGO_ENABLED", "GO"], run)] == ["ENV CGO_ENABLED=0", "ARG GO"]


# -- the cache ----------------------------------------------------------------------------------


def test_one_facts_object_per_tree_and_each_fact_computed_once():
    tree = refactor.parse("FROM scratch\nUSER a\n")
    f = facts(tree)
    assert facts(tree) is f
    assert f.stages is f.stages and f.final_config is f.final_config
    same_text = refactor.parse("FROM scratch\nUSER a\n")
    assert facts(same_text) is not f  # by identity, not by value


def test_the_cache_does_not_keep_trees_alive():
    from refactor.analysis import _CACHE

    before = len(_CACHE)
    trees = [refactor.parse(f"FROM scratch\nUSER u{i}\n") for i in range(20)]
    for t in trees:
        facts(t).final_config  # noqa: B018
    assert len(_CACHE) == before + 20
    del trees, t
    gc.collect()
    assert len(_CACHE) == before


def test_the_recognisers_sites_do_not_keep_trees_alive():
    # A RUN's site lives in its tree's facts: it must not hold the tree, or
    # no tree read as shell would ever be freed (nor its facts evicted); and
    # the sites (which refer to their commands and back) go with the tree.
    import weakref

    from refactor.analysis import _CACHE
    from refactor.context import BuildContext
    from refactor.recognisers import recognise_run

    before = len(_CACHE)
    tree = refactor.parse("FROM golang:1.22\nWORKDIR /src\nRUN go build -o /out/app .\nRUN go test ./...\n")
    recognise_run(tree, tree.instructions[-1], BuildContext.for_dockerfile(None))
    assert len(_CACHE) == before + 1
    alive = weakref.ref(tree)
    sites = [weakref.ref(v) for v in facts(tree).memo.values() if type(v).__name__ == "RunSite"]
    assert sites
    gc.disable()  # freed as soon as the tree is, without waiting for the collector
    try:
        del tree
        assert alive() is None
        assert len(_CACHE) == before
        assert [s() for s in sites] == [None] * len(sites)
    finally:
        gc.enable()


def test_an_edited_tree_gets_fresh_facts():
    tree = refactor.parse("FROM scratch\nUSER a\n")
    assert facts(tree).final_config.user == "a"
    edited = tree.replace(tree.instructions[1], tree.instruction("USER b"))
    assert facts(edited).final_config.user == "b"
    assert facts(tree).final_config.user == "a"


def test_importing_the_analysis_is_cheap():
    code = (
        "import sys, refactor.analysis, refactor.analysis.stages; "
        "heavy = [m for m in ('tree_sitter', 'lark', 'refactor.analysis.image', 'refactor.analysis.shell') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_args_needed_looks_up_a_default_where_it_was_declared():
    tree = refactor.parse("FROM scratch\nARG A=1 B=x$A\nARG A=2\nRUN echo $B\n")
    run = tree.instructions[-1]
    assert [(n.name, n.kind, n.text) for n in facts(tree).args_needed("$B", run)] == [
        ("A", "arg", "ARG A=1"),
        ("B", "arg", "ARG B=x$A"),
    ]
    # $A now is 2: one new stage cannot give A both values
    assert [(n.name, n.kind) for n in facts(tree).args_needed("$B $A", run)][-1] == ("A", "conflict")
