"""Go: the binary ``go build``/``go install`` made, on distroless static.

A Go binary built without cgo needs nothing from the system but CA
certificates and time zone data, which distroless ``static`` has. When no Go
file of the module imports ``"C"`` and the build leaves cgo to its default,
the builder gains ``CGO_ENABLED=0`` before the build (with cgo on, ``net`` and
``os/user`` link glibc dynamically and the binary would not start there). A
binary that needs cgo goes on a base with glibc (distroless ``base``).
"""

from __future__ import annotations

from ..split import (
    Copy,
    Plan,
    StageFacts,
    context_copies,
    test_only_runs,
)
from . import common

TITLE = "Go"
COMMANDS = ("go",)
NEEDLES = ("go",)
EXAMPLE, FIXTURE_PREFIX = "go-static-templates", "go-"

SOURCES = (".go", ".s", ".c", ".h")  # Go sources and what cgo compiles with them
MANIFESTS = frozenset({"go.mod", "go.sum", "go.work", "go.work.sum", "vendor"})


def build_only(name: str, is_dir: bool) -> bool:
    return name in MANIFESTS or (not is_dir and name.endswith(SOURCES))


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    found = common.find_program(tree, stage_facts, "go")
    if not isinstance(found, common.Program):
        return found
    art, dest, folders, build_step = found.artifact, found.dest, found.folders, found.build_step
    builds = found.builds
    details = art.details
    builder_env: tuple[tuple[str, str], ...] = ()
    if details.cgo is None and details.imports_c is False and not details.cgo_modules:
        builder_env = (("CGO_ENABLED", "0"),)  # static, so it runs without the builder's glibc
        need = "static"
    elif details.cgo is False:
        need = "static"
    elif details.imports_c is None:
        return "cannot tell whether the Go build needs cgo: its sources are not in the build context"
    else:
        need = "glibc"
    packages: list[str] = []
    install_command = None
    if need == "glibc":  # cgo: the C libraries the build installed come along as runtime packages
        installs = [p for _, run in stage_facts.runs for inst in run.installs for p in inst.names]
        runtime = common.runtime_with_packages(ctx, stage, need, stage_facts.exec_form, installs)
        if isinstance(runtime, str):
            return runtime
        choice, packages, install_command = runtime
    else:
        choice = common.choose_runtime(ctx, stage, need, stage_facts.exec_form)
        if isinstance(choice, str):
            return choice
    files, reason = context_copies(tree, stage, ctx.build_context, build_only)
    if reason:
        return reason
    copies = (Copy(art.path, "artifact", dest),) + common.other_copies(files, folders, choice, exclude=(art.path,))
    return Plan(
        ecosystem="go",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=copies,
        builder_env=builder_env,
        build_step=build_step,
        runtime_packages=tuple(packages),
        install_command=install_command,
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _ in builds]),
        summary=choice.summary,
    )
