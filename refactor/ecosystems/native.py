"""C and C++: the program ``make``/``make install``/``cmake``/``gcc`` made,
with the data files ``make install`` put beside it.

The runtime gets the C library (and libgcc/libstdc++ for C++) on distroless
when the program links nothing else; when the build installed ``-dev``
packages, it goes on the slim base of the same distribution family with the
matching runtime packages installed (``libsqlite3-dev`` -> ``libsqlite3-0``),
never the ``-dev`` packages or the compiler.
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

TITLE = "C/C++"
COMMANDS = ("make", "gmake", "cmake", "gcc", r"g\+\+", "cc", r"c\+\+", "clang", r"clang\+\+", r"\./configure")
NEEDLES = ("make", "cc", "g++", "c++", "clang", "configure")
EXAMPLE, FIXTURE_PREFIX = "c-make-install", "c-"

SOURCES = (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".o", ".a", ".in", ".am", ".ac", ".m4", ".cmake")
MANIFESTS = frozenset({"configure", "build", "CMakeFiles", "autom4te.cache", "src", "include", "tests", "test"})
CXX = ("g++", "c++", "clang++")
# Libraries every C program may link that come with the C library itself.
LIBC_LIBRARIES = frozenset({"c", "m", "pthread", "dl", "rt", "util", "crypt", "resolv"})


def build_only(name: str, is_dir: bool) -> bool:
    return name in MANIFESTS or (not is_dir and name.endswith(SOURCES))


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    found = common.find_program(tree, stage_facts, "c", noun="program", kinds=("native-binary",))
    if not isinstance(found, common.Program):
        return found
    art, dest, folders, builds = found.artifact, found.dest, found.folders, found.builds
    details = art.details
    if details.static:
        need = "static"
    else:
        need = "cc" if details.compiler in CXX or (details.source or "").startswith("cmake") else "glibc"
    installs = [p for _, run in stage_facts.runs for inst in run.installs for p in inst.names]
    reason = common.no_gain(ctx, stage, installs)
    if reason:
        return reason
    extra_libs = [lib for lib in details.libraries if lib not in LIBC_LIBRARIES]
    runtime = common.runtime_with_packages(ctx, stage, need, stage_facts.exec_form, installs, extra_libs)
    if isinstance(runtime, str):
        return runtime
    choice, packages, install_command = runtime
    files, reason = context_copies(tree, stage, ctx.build_context, build_only)
    if reason:
        return reason
    installed = tuple(
        a.path for _, a in builds if a.kind in ("file", "native-library") and a.details.source.endswith("install")
    )
    copies = [Copy(art.path, "artifact", dest)] + [Copy(p, "artifact") for p in installed]
    copies += common.other_copies(files, folders, choice, exclude=(art.path, *installed))
    return Plan(
        ecosystem="c",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=tuple(copies),
        build_step=found.build_step,
        runtime_packages=tuple(packages),
        install_command=install_command,
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _ in builds]),
        summary=choice.summary or (f"leaves behind {', '.join(installs)}" if installs else ""),
    )
