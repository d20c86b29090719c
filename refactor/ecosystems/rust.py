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
    healthcheck_problem,
    on_runtime_path,
    resolve_program,
    steps_the_runtime_may_need,
    test_only_runs,
)
from . import common

MANIFESTS = frozenset(
    {"Cargo.toml", "Cargo.lock", "build.rs", "target", ".cargo", "rust-toolchain", "rust-toolchain.toml"}
)


def build_only(name: str, is_dir: bool) -> bool:
    return name in MANIFESTS or (not is_dir and name.endswith(".rs"))


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    builds = [(ins, art) for ins, run in stage_facts.build_runs for art in run.builds if art.ecosystem == "rust"]
    if not builds:
        return None
    artifacts = [a for _, a in builds]
    art, dest = resolve_program(stage_facts, artifacts)
    if art is None:
        made = ", ".join(a.path for a in artifacts)
        return (
            f"cannot tell which binary the image runs: the command runs `{stage_facts.program}`, the build makes {made}"
        )
    # Only now every RUN is read: most stages are declined before.
    folders, reason = steps_the_runtime_may_need(tree, stage_facts)
    if reason:
        return reason
    reason = healthcheck_problem(stage_facts, artifacts)
    if reason:
        return reason
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
        build_step=next(ins for ins, a in builds if a is art),
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _ in builds]),
        summary=choice.summary,
    )
