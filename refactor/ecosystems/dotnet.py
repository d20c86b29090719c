""".NET: the folder ``dotnet publish`` wrote, on the ASP.NET Core or .NET runtime.

The runtime is Microsoft's image of the builder's own .NET version (from
the SDK's tag: ``mcr.microsoft.com/dotnet/sdk:10.0``): ``aspnet`` for a
project on the Web SDK (``Microsoft.NET.Sdk.Web``), ``runtime`` for a
console app, ``runtime-deps`` for a self-contained or native AOT publish,
which carries the runtime itself. The publish folder is read from ``-o``
(or the SDK's own ``bin/<configuration>/<framework>/publish``), and the
entry assembly from the project file's ``AssemblyName`` (else its file
name): the image's command must run that ``.dll`` with ``dotnet``, or the
app's own executable.

The chiseled images (Ubuntu with no shell and no package manager, running
as the ``app`` user) are chosen when the command needs no shell; the plain
``-chiseled`` ones only when the project sets ``InvariantGlobalization``
(they have no ICU), otherwise ``-chiseled-extra``, which has ICU and time
zone data like the SDK image the app was built and tested on.

These splits are checked statically, not built (NuGet is not reachable
from this project's build machines): the fixtures' outputs parse with
BuildKit's parser, every ``COPY --from`` names the folder the recogniser read
from the build's own command and project file, and the command names the
assembly in it.
"""

from __future__ import annotations

import posixpath
from datetime import date

from ..split import (
    Copy,
    Plan,
    StageFacts,
    context_copies,
    healthcheck_problem,
    steps_the_runtime_may_need,
    test_only_runs,
)
from . import common
from .jvm import command_words, named_files

TITLE = ".NET"
COMMANDS = ("dotnet",)
NEEDLES = ("dotnet",)
EXAMPLE, FIXTURE_PREFIX = "dotnet-aspnet-webapi", "dotnet-"

SOURCES = (".cs", ".fs", ".vb", ".csproj", ".fsproj", ".vbproj", ".sln", ".slnx", ".props", ".targets", ".user")
MANIFESTS = frozenset(
    {"obj", "bin", "Properties", "NuGet.Config", "NuGet.config", "nuget.config", "global.json", ".vs", ".config"}
)
# Folders of projects: what the app reads of them (appsettings.json, wwwroot) is in the publish folder.
PROJECT_FOLDERS = frozenset({"src", "test", "tests"})
REPOSITORY = "mcr.microsoft.com/dotnet/"


def build_only(name: str, is_dir: bool) -> bool:
    return name in MANIFESTS or (is_dir and name in PROJECT_FOLDERS) or (not is_dir and name.endswith(SOURCES))


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    builds = tuple((ins, art) for ins, run in stage_facts.build_runs for art in run.builds if art.ecosystem == "dotnet")
    if not builds:
        return None
    read = command_words(stage)
    if isinstance(read, str):
        return read
    words, exec_form, _ = read
    artifacts = [a for _, a in builds]
    art = _launched(words, stage_facts.workdir, artifacts)
    if isinstance(art, str):
        return art
    folders, reason = steps_the_runtime_may_need(tree, stage_facts)
    if reason:
        return reason
    reason = healthcheck_problem(stage_facts, [art])
    if reason:
        return reason
    choice = _runtime(ctx, stage, art.details, exec_form and stage_facts.exec_form)
    if isinstance(choice, str):
        return choice
    files, reason = context_copies(tree, stage, ctx.build_context, build_only)
    if reason:
        return reason
    outputs = [a.path for a in artifacts]
    made_by_app = [
        f for f in folders if not any(f == o or o.startswith(f + "/") or f.startswith(o + "/") for o in outputs)
    ]
    files = sorted(set(files) | set(named_files(tree, stage, ctx, stage_facts.workdir)))
    copies = (Copy(art.path, "artifact"),) + common.other_copies(files, made_by_app, choice, exclude=(art.path,))
    return Plan(
        ecosystem="dotnet",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=copies,
        build_step=next(ins for ins, a in builds if a is art),
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _ in builds]),
        summary=choice.summary,
    )


def _launched(words, workdir: str | None, artifacts):
    """The publish whose entry the command runs, or a reason."""

    def resolve(path: str) -> str | None:
        if path.startswith("/"):
            return posixpath.normpath(path)
        return None if workdir is None else posixpath.normpath(posixpath.join(workdir, path))

    program = words[0][0] if words else None
    if program is None:
        return "cannot tell which program the image runs"
    if posixpath.basename(program) == "dotnet":
        entry = words[1][0] if len(words) > 1 else None
        if entry is None or not entry.endswith(".dll"):
            shown = words[1][1] if len(words) > 1 else "nothing"
            return f"cannot tell which assembly the image runs: `dotnet` is given `{shown}`"
        path = resolve(entry)
        found = [a for a in artifacts if path == posixpath.join(a.path, f"{a.details.assembly}.dll")]
        found = [a for a in found if not (a.details.self_contained or a.details.aot)] or found
    else:
        path = resolve(program) if "/" in program else None
        found = [a for a in artifacts if path == posixpath.join(a.path, a.details.assembly)]
    if len(found) != 1:
        made = ", ".join(posixpath.join(a.path, f"{a.details.assembly}.dll") for a in artifacts)
        return f"cannot tell which assembly the image runs: the command runs `{path or program}`, the build publishes {made}"
    return found[0]


def _runtime(ctx, stage, details, exec_form: bool):
    """Microsoft's runtime image of the builder's .NET version, or a reason."""
    catalog = ctx.catalog()
    builder = catalog.builder(stage.from_.image)
    if builder is None or builder.language != "dotnet" or builder.language_version is None:
        return f"cannot tell the .NET version of {stage.from_.image}; build on mcr.microsoft.com/dotnet/sdk:<version>"
    version = builder.language_version
    today = date.today()
    eol = catalog.language_eol("dotnet", version)
    if eol is not None and today >= eol:
        return f".NET {version} is past end of life ({eol}); upgrade the project and the builder"
    if details.rid and ("musl" in details.rid or not details.rid.startswith("linux")):
        return (
            f"the publish targets {details.rid}, and the catalog's .NET runtimes are glibc Linux (Ubuntu);"
            " publish for linux-x64 or linux-arm64"
        )
    if details.self_contained or details.aot:
        flavour, why = "runtime-deps", "a self-contained publish carries the .NET runtime itself"
    elif details.web:
        flavour, why = "aspnet", "an ASP.NET Core project (Microsoft.NET.Sdk.Web)"
    else:
        flavour, why = "runtime", "a console app"
    chiseled = ctx.runtime == "distroless" and exec_form
    variant = ("chiseled" if details.invariant else "chiseled-extra") if chiseled else None
    fits = [
        b
        for b in catalog.bases()
        if b.repository == REPOSITORY + flavour
        and b.language_version == version
        and not b.past_eol(today)
        and (b.variant == variant if variant else b.kind == "slim")
    ]
    if not fits:
        return f"the catalog has no {flavour} image for .NET {version}"
    base = min(fits, key=lambda b: b.size_mb or 0)
    reason = f"{why}"
    if chiseled and not details.invariant:
        reason += "; -extra: the project does not set InvariantGlobalization, so it may need ICU"
    elif not chiseled and ctx.runtime == "distroless":
        reason += "; not chiseled: the command or HEALTHCHECK needs a shell"
    user = base.nonroot.spec if base.nonroot is not None and base.runs_as_root else None
    summary = ""
    if builder.size_mb and base.size_mb:
        summary = f"base ~{builder.size_mb:g} MB -> ~{base.size_mb:g} MB (the catalog's estimates)"
    return common.Choice(base.image, reason, user, summary)
