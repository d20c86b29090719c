"""MSB101's shared pieces, unit by unit: the gain rule, the program lookup,
what counts as a run-time file."""

from __future__ import annotations

import attrs

from refactor import parse
from refactor.context import BuildContext
from refactor.ecosystems.common import no_gain
from refactor.passes import PassContext
from refactor.split import DEFAULT_PATH, StageFacts, on_runtime_path, resolve_program


def stage_of(text: str):
    return parse(text).stages[0]


def test_no_gain_when_the_builder_is_a_runtime_base_that_installs_no_build_tool(tmp_path):
    ctx = PassContext("Dockerfile", BuildContext(tmp_path), False)
    assert "no gain" in no_gain(ctx, stage_of("FROM debian:trixie-slim\n"), ["ca-certificates"])
    assert no_gain(ctx, stage_of("FROM debian:trixie-slim\n"), ["gcc", "libsqlite3-dev"]) is None
    assert no_gain(ctx, stage_of("FROM golang:1.22\n"), []) is None  # a toolchain image always pays
    assert no_gain(ctx, stage_of("FROM registry.example/own:1\n"), []) is None  # unknown: not judged


@attrs.frozen
class Art:
    path: str


def facts(program, workdir="/app", path=None) -> StageFacts:
    return StageFacts(
        None,
        None,
        None,
        None,
        program=program,
        exec_form=True,
        workdir=workdir,
        path=path,
        healthchecks=(),
    )


def test_the_program_is_found_as_the_shell_finds_it():
    arts = [Art("/app/server"), Art("/usr/local/cargo/bin/server"), Art("/go/bin/tool")]
    assert resolve_program(facts("./server"), arts) == (arts[0], None)
    # by name through the base image's PATH: Debian's default folders first
    assert resolve_program(facts("tool"), arts) == (arts[2], "/usr/local/bin/tool")
    assert resolve_program(facts("server", path=("/usr/local/cargo/bin",) + DEFAULT_PATH), arts) == (
        arts[1],
        "/usr/local/bin/server",
    )
    assert resolve_program(facts("missing"), arts) == (None, None)


def test_only_programs_that_were_on_the_path_move_onto_the_runtimes():
    assert on_runtime_path("/usr/local/bin/x") is None
    assert on_runtime_path("/usr/local/cargo/bin/x") == "/usr/local/bin/x"
    assert on_runtime_path("/srv/app/target/release/x") is None  # run by its path: it stays there
