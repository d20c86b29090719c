"""Rust: the binary ``cargo build``/``cargo install`` made.

A Rust binary links glibc and libgcc dynamically unless it targets musl, so
it goes on distroless ``cc`` (or a slim base), with a C library at least as
new as the builder's; a musl binary is static and goes on ``static``.
"""

from __future__ import annotations

from ..split import (
    Copy,
    Plan,
    StageFacts,
    context_copies,
    on_runtime_path,
    test_only_runs,
)
from . import common

TITLE = "Rust"
COMMANDS = ("cargo", "rustc")
NEEDLES = ("cargo", "rustc")
EXAMPLE, FIXTURE_PREFIX = "rust-release", "rust-"

MANIFESTS = frozenset(
    {"Cargo.toml", "Cargo.lock", "build.rs", "target", ".cargo", "rust-toolchain", "rust-toolchain.toml"}
)


def build_only(name: str, is_dir: bool) -> bool:
    return name in MANIFESTS or (not is_dir and name.endswith(".rs"))


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    found = common.find_program(tree, stage_facts, "rust")
    if not isinstance(found, common.Program):
        return found
    art, dest, folders, builds = found.artifact, found.dest, found.folders, found.builds
    artifacts = [a for _, a in builds]
    musl = art.details.musl
    if musl is None:
        return "cannot tell whether the Rust binary links glibc or musl (the builder's C library is not known)"
    choice = common.choose_runtime(ctx, stage, "static" if musl else "cc", stage_facts.exec_form)
    if isinstance(choice, str):
        return choice
    files, reason = context_copies(tree, stage, ctx.build_context, build_only)
    if reason:
        return reason
    # Every binary of the build comes along: a workspace's tools call each other by path.
    copies = [Copy(art.path, "artifact", dest)]
    copies += [Copy(a.path, "artifact", on_runtime_path(a.path, stage_facts.path)) for a in artifacts if a is not art]
    copies += common.other_copies(files, folders, choice, exclude=tuple(a.path for a in artifacts))
    return Plan(
        ecosystem="rust",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=tuple(copies),
        build_step=found.build_step,
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _ in builds]),
        summary=choice.summary,
    )
