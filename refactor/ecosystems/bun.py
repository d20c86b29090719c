"""Bun apps (`bun install`, `bun run build`, `bun build`): the app's folder
with production dependencies only, on the slim image of the same Bun.

The builder is `oven/bun:<version>`; the runtime is `oven/bun:<version>-slim`
(the catalog's), the same Bun, so the command runs unchanged
(`CMD ["bun", "dist/index.js"]`, `bun run start`) and so does a
HEALTHCHECK that runs bun. It gets the app's folder (WORKDIR, or the image's
/home/bun/app) as the builder left it: the sources or the `bun build`
output, and `node_modules` reinstalled with `bun install --production`
after the builder's last step when `package.json` has devDependencies. The
runtime runs as the image's `bun` user unless the file names one.

Left alone, with the reason: a Bun version the tag does not name
(`oven/bun:latest`), a tag with no slim image in the catalog (Alpine,
distroless), a RUN that prepares the system for run time, a command or
HEALTHCHECK that runs a program the slim image does not have.
"""

from __future__ import annotations

import re

from ..split import Copy, Plan, StageFacts, Step, test_only_runs
from . import common

TITLE = "Bun"
COMMANDS = ("bun", "bunx")
NEEDLES = ("bun",)
READS_BUILD_RUNS = False  # its package managers' commands are read from the RUNs here
EXAMPLE, FIXTURE_PREFIX = "bun-app", "bun-"

REPOSITORY = "oven/bun"
PRUNE = "rm -rf node_modules && bun install --production"
_VERSION_TAG = re.compile(r"^\d+(?:\.\d+){0,2}$")


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    from ..catalog import parse_reference
    from ..recognisers.node import read_step
    from ..recognisers.site import RunSite
    from . import node

    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any("bun" in ins.rest for ins in runs):
        return None
    steps = []
    for ins in runs:
        for inv in RunSite.of(tree, ins, ctx.build_context).invocations():
            if inv.name in ("bun", "bunx"):
                step = read_step(inv)
                if isinstance(step, str):
                    return f"RUN at line {ins.line}: {step}"
                steps.append((ins, step))
    if not steps:
        return None
    ref = parse_reference(stage.from_.image)
    sites = [(ins, run, RunSite.of(tree, ins, ctx.build_context)) for ins, run in stage_facts.runs]
    if ref.repository not in (REPOSITORY, f"docker.io/{REPOSITORY}"):
        return f"the build runs bun on {stage.from_.image}; build on {REPOSITORY}:<version> so the runtime gets the same Bun"
    tag = ref.tag or "latest"
    version, dash, variant = tag.partition("-")
    if dash and _VERSION_TAG.match(version):
        return (
            f"the catalog has no runtime image for the {variant} variant of Bun ({stage.from_.image});"
            f" build on {REPOSITORY}:{version}, whose slim image it has"
        )
    if not _VERSION_TAG.match(tag):
        return f"{stage.from_.image} names no Bun version; name it in the tag ({REPOSITORY}:1.3) so the runtime gets the same"
    runtime_image = f"{REPOSITORY}:{tag}-slim"
    base = ctx.catalog().base(runtime_image)
    if base is None:
        return f"the catalog has no slim image for {stage.from_.image} ({runtime_image})"
    workdir = stage_facts.workdir or sites[-1][2].workdir
    if workdir in (None, "/"):
        return "the app has no folder of its own: set WORKDIR to the app's folder so it can be copied"
    inside = node._inside(workdir)
    for ins, step in steps:
        if step.cwd is None or not inside(step.cwd):
            return f"RUN at line {ins.line}: `bun` runs outside WORKDIR {workdir}, which the runtime gets"
    folders, owner, installs, reason = node._other_commands(sites, workdir)
    if reason:
        return reason
    if installs:
        return f"the stage installs {', '.join(installs)}, which the app may need at run time and the slim image lacks"
    reason = _command_problem(stage, workdir)
    if reason:
        return reason
    outside, reason = node._outside_copies(tree, stage, ctx, inside, sites[-1][2].workdir)
    if reason:
        return reason
    package = node._package(sites[-1][2], workdir)
    builder_steps: tuple[Step, ...] = ()
    installed = [s for _, s in steps if s.kind == "install"]
    if package is not None and package.dev_dependencies and installed and not all(s.production for s in installed):
        last_run = [i for i in stage.instructions if i.name == "RUN"][-1]
        keyword = "run" if stage.from_.keyword.islower() else "RUN"
        builder_steps = (Step(last_run, (f"{keyword} {PRUNE}",), after=True),)
    users = [ins for ins in stage.instructions if ins.name == "USER"]
    user = base.nonroot.spec if base.nonroot is not None and base.runs_as_root and not users else None
    choice = common.Choice(runtime_image, "", user, "")
    copies = (Copy(workdir, "artifact", chown=owner),) + common.other_copies(
        outside, [f for f in folders if not inside(f)], choice
    )
    return Plan(
        ecosystem="bun",
        runtime_image=runtime_image,
        runtime_reason=f"the slim image of the builder's Bun {tag}",
        copies=copies,
        build_step=steps[-1][0],
        user=user,
        test_runs=test_only_runs(stage_facts, [ins for ins, s in steps if s.kind != "test"]),
        summary="devDependencies left out of node_modules" if builder_steps else "",
        builder_steps=builder_steps,
    )


def _command_problem(stage, workdir: str) -> str | None:
    from . import node

    for ins in stage.instructions:
        if ins.name not in ("CMD", "ENTRYPOINT", "HEALTHCHECK") or ins.name == "HEALTHCHECK" and ins.is_none:
            continue
        words = node._argv(ins) or node._first_words(ins)
        program = words[0] if words else None
        if program is None or not (
            program in ("bun", "bunx", "/usr/local/bin/bun", "docker-entrypoint.sh")
            or program.startswith("./")
            or program.startswith(workdir.rstrip("/") + "/")
        ):
            shown = f"`{program}`" if program else "a command"
            return (
                f"{ins.name} at line {ins.line} runs {shown}, which the build did not make and the slim Bun image"
                " may not have"
            )
    return None
