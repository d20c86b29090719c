"""Node.js servers installed with npm, yarn or pnpm: the app's folder, with
production dependencies only, on distroless Node.js or Node's slim image.

The runtime gets the app's folder (WORKDIR) as the builder left it: the
sources and what the build made there (`dist/` of `tsc`, a bundle), and
`node_modules` after `npm prune --omit=dev` (`pnpm prune --prod`, yarn's
`install --production`), which the builder gains after its last step when
`package.json` has devDependencies: the TypeScript compiler, bundlers and
test tools stay behind, and native modules built there match the runtime,
which has the builder's Node.js major version on the same Debian release.

`npm start` (`yarn start`, `pnpm start`, `npm run <script>`) is resolved
through `package.json` to the `node` command its script runs, so the
runtime needs no package manager: on distroless Node.js (when the command
and HEALTHCHECK are in exec form) `CMD ["npm", "start"]` becomes
`CMD ["dist/index.js"]`, since the image's entrypoint is node itself.
A start script that is not one plain `node` command (several commands,
variables, a `prestart`) is kept as it is, on the slim image, which has npm
and yarn. `ENV` such as `NODE_ENV=production` is kept where it was in the
builder and set in the runtime. A `USER node` keeps the slim image, which
has that user; distroless runs as its `nonroot` user.

An app left in / (no WORKDIR, as the node images leave it) is copied file
by file: what the stage copied from the build context, `node_modules`, and
the folders its build scripts write, read from `package.json` (tsc's
`outDir`, through `tsconfig.json` and its `extends`; the defaults and
options of vite, react-scripts, webpack, parcel, esbuild, `bun build` and
`next build`).

Left alone, with the reason: a build on an image the catalog does not know
as Node.js (or a Node.js past its end of life), an app in / whose build
output cannot be named or whose files would land on the base's own folders
(/lib), a RUN that prepares the system for run time (a user added, a
package the app may need at run time), a command or HEALTHCHECK that runs a
tool the runtime does not have (`pm2-runtime`, `curl`), a pnpm or yarn
Berry install the tool cannot prune.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex

from ..split import HARMLESS_COMMANDS, Copy, Plan, StageFacts, Step, test_only_runs
from . import common

TITLE = "Node.js"
COMMANDS = ("npm", "yarn", "pnpm", "npx", "corepack")
NEEDLES = ("npm", "yarn", "pnpm", "npx", "corepack")
READS_BUILD_RUNS = False  # its package managers' commands are read from the RUNs here
EXAMPLE, FIXTURE_PREFIX = "node-typescript", "node-"

# distroless Node.js: the image's entrypoint; not on PATH.
DISTROLESS_NODE = "/nodejs/bin/node"
# What a package manager prunes devDependencies with, in the builder.
PRUNE = {
    "npm": "npm prune --omit=dev",
    "pnpm": "pnpm prune --prod",
    "yarn": "yarn install --production --frozen-lockfile --ignore-scripts --prefer-offline",
}
# Commands that only touch the paths they are given: fine when those are in the app's folder.
_PATH_COMMANDS = frozenset({"cp", "mv", "chmod", "ln", "touch", "tar", "unzip", "sed"})
_PACKAGE_TOOLS = frozenset({"apt-get", "apt", "apk", "dnf", "yum", "microdnf", "aptitude"})
# What leaves nothing behind that the app could need: the split's list less the build
# tools, which may install outside the app's folder (`make install`) what it then runs.
_BUILD_TOOLS = frozenset({"go", "cargo", "rustc", "rustup", "make", "cmake", "gcc", "cc", "g++", "c++", "clang", "ld"})
_HARMLESS = HARMLESS_COMMANDS - _BUILD_TOOLS - {"strip", "ar"}
_SYSTEM_USERS = ("", "root", "0", "0:0", "nonroot", "65532", "65532:65532")
# Programs a command may start with on the slim image (its own, or the app's files).
_ON_SLIM = frozenset({"node", "npm", "npx", "yarn", "docker-entrypoint.sh", "corepack"})


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    from ..recognisers.node import MANAGERS, read_step
    from ..recognisers.site import RunSite

    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any(needle in ins.rest for ins in runs for needle in NEEDLES + ("bun",)):
        return None  # no package manager: nothing read further (most stages)
    steps = []
    for ins in runs:
        for inv in RunSite.of(tree, ins, ctx.build_context).invocations():
            if inv.name in MANAGERS:
                step = read_step(inv)
                if isinstance(step, str):
                    return f"RUN at line {ins.line}: {step}"
                steps.append((ins, step))
    if not steps or all(s.kind in ("quiet", "global", "exec") for _, s in steps) and not _runs_node(stage_facts):
        return None
    if all(s.manager in ("bun", "bunx") for _, s in steps):
        return None  # a Bun app: the Bun module's
    image = stage.from_.image
    builder = ctx.catalog().builder(image)
    if builder is None or builder.language != "node":
        return (
            f"the build runs {steps[0][1].manager} on {image}, which the catalog does not know as a Node.js"
            " image; build on node:<version> so the runtime gets the same Node.js"
        )
    fits = common.choose_runtime(ctx, stage, "node", exec_form=False, prefer="slim")
    if isinstance(fits, str):
        return fits  # no runtime for this Node.js at all (past its end of life): said before reading more
    # Every RUN recognised (installs, what cannot be read) only now.
    sites = [(ins, run, RunSite.of(tree, ins, ctx.build_context)) for ins, run in stage_facts.runs]
    # No WORKDIR: the base image's (the node images': /), as the RUNs saw it.
    workdir = stage_facts.workdir or sites[-1][2].workdir
    workdir = posixpath.normpath(workdir) if workdir else None  # WORKDIR /app/ is /app
    if workdir is None:
        return "cannot tell the app's folder (WORKDIR): say it with a plain WORKDIR path"
    inside = _inside(workdir)
    for ins, step in steps:
        if step.kind in ("install", "script", "bundle", "prune", "exec") and (step.cwd is None or not inside(step.cwd)):
            return f"RUN at line {ins.line}: `{step.manager}` runs outside WORKDIR {workdir}, which the runtime gets"

    folders, owner, installs, reason = _other_commands(sites, workdir)
    if reason:
        return reason
    last_site = sites[-1][2]
    package = _package(last_site, workdir)
    next_app = _next_app(package, steps, last_site, workdir)
    if next_app == "standalone" and _runs_next_start(stage, package):
        command = (True, ["server.js"], None)  # what .next/standalone holds: the server and what it needs
    else:
        command = _start(tree, stage, stage_facts, package, workdir, last_site)
    if isinstance(command, str):
        return command
    distroless_ok, node_args, why_slim = command
    users = [ins for ins in stage.instructions if ins.name == "USER"]
    if users and users[-1].rest.strip() not in _SYSTEM_USERS:
        distroless_ok, why_slim = False, why_slim or f"USER {users[-1].rest.strip()} is a user of the node image"
    if installs:
        runtime = common.runtime_with_packages(ctx, stage, "node", stage_facts.exec_form, installs)
        if isinstance(runtime, str):
            return runtime
        choice, packages, install_command = runtime
    else:
        prefer = None if distroless_ok else "slim"
        choice = common.choose_runtime(ctx, stage, "node", stage_facts.exec_form, prefer=prefer)
        if isinstance(choice, str):
            return choice
        packages, install_command = [], None
    on_distroless = ctx.catalog().base(choice.image).kind == "distroless"

    commands = _rewritten(stage, node_args, on_distroless)
    if isinstance(commands, str):
        return commands
    standalone = next_app == "standalone" and command[1] == ["server.js"]
    builder_steps, pruned = ((), False) if standalone else _prune(tree, stage, steps, package, ctx, last_site)
    if isinstance(builder_steps, str):
        return builder_steps

    runtime_env: tuple[tuple[str, str], ...] = ()
    if standalone:
        if workdir == "/":
            return "the Next.js app is built in / (no WORKDIR); set WORKDIR so its standalone server can be copied"
        copies = (
            Copy(f"{workdir}/.next/standalone", "artifact", dest=workdir, chown=owner),
            Copy(f"{workdir}/.next/static", "artifact", chown=owner),
        )
        if last_site.files.is_dir(f"{workdir}/public"):
            copies += (Copy(f"{workdir}/public", "run-time file", chown=owner),)
        # server.js listens on $HOSTNAME, which the container runtime sets to the container's name
        runtime_env = (("HOSTNAME", "0.0.0.0"),)
    elif workdir == "/":  # the app is files among the system's: each copied, with the node_modules made there
        app, reason = _root_app(tree, stage, ctx, steps, package, last_site)
        if reason:
            return reason
        copies = tuple(Copy(p, "artifact", chown=owner) for p in app) + common.other_copies([], folders, choice)
    else:
        outside, reason = _outside_copies(tree, stage, ctx, inside, last_site.workdir)
        if reason:
            return reason
        copies = (Copy(workdir, "artifact", chown=owner),) + common.other_copies(
            outside, [f for f in folders if not inside(f)], choice
        )
    notes = [choice.summary] if choice.summary else []
    if next_app == "server":
        notes.append("Next.js: output: 'standalone' in next.config would shrink it further")
    if pruned:
        notes.append("devDependencies pruned from node_modules")
    if why_slim and not on_distroless:
        notes.append(f"not distroless: {why_slim}")
    return Plan(
        ecosystem="node",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=copies,
        build_step=steps[-1][0],
        runtime_packages=tuple(packages),
        install_command=install_command,
        user=choice.user if on_distroless or not users else None,
        test_runs=test_only_runs(stage_facts, [ins for ins, s in steps if s.kind != "test"]),
        summary="; ".join(notes),
        builder_steps=builder_steps,
        commands=commands,
        runtime_env=runtime_env,
    )


NEXT_CONFIGS = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs")
_STANDALONE = re.compile(r"""\boutput\s*:\s*["'`]standalone["'`]""")


def _next_app(package, steps, site, workdir: str) -> str | None:
    """``standalone`` for a Next.js app whose config asks for the standalone
    output, ``server`` for another Next.js app, None for any other app."""
    from ..recognisers.node import script_outputs

    if package is None or "next" not in package.dependencies:
        return None

    def read_text(rel: str) -> str | None:
        return site.files.read_text(posixpath.join(workdir, rel))

    built = any(
        ".next" in script_outputs(package, s.script, read_text)[0] for _, s in steps if s.kind == "script" and s.script
    )
    if not built:
        return None
    configs = [read_text(name) for name in NEXT_CONFIGS]
    return "standalone" if any(text and _STANDALONE.search(text) for text in configs) else "server"


def _runs_next_start(stage, package) -> bool:
    """The image's command is a plain `next start` (directly or as the start script)."""
    from ..recognisers.node import start_script

    if any(i.name == "ENTRYPOINT" for i in stage.instructions):
        return False
    words = _argv([i for i in stage.instructions if i.name == "CMD"][-1])
    if words and words[0] in ("npx", "pnpx"):
        words = words[1:]
    script = start_script(words) if words else None
    if script is not None:
        text = package.scripts.get(script[1], "")
        words = text.split() if not any(c in text for c in "&|;$<>'\"`") else None
    return words == ["next", "start"]


def _runs_node(stage_facts: StageFacts) -> bool:
    return stage_facts.program in ("node", "npm", "yarn", "pnpm")


def _inside(workdir: str):
    def inside(path: str) -> bool:
        return path == workdir or path.startswith(workdir.rstrip("/") + "/")

    return inside


def _other_commands(sites, workdir: str):
    """(folders made outside the package managers, the owner a `chown -R`
    gave the app's folder, system packages installed, reason)."""
    from ..recognisers.node import MANAGERS

    inside = _inside(workdir)
    folders: list[str] = []
    owner = None
    installs: list[str] = []

    def fail(reason: str):
        return [], None, [], reason

    for ins, run, site in sites:
        if run.unknown:
            return fail(f"RUN at line {ins.line}: {run.unknown[0]}")
        installs += [p for inst in run.installs for p in inst.names]
        for inv in site.invocations():
            name = inv.name
            if name in MANAGERS or name in _PACKAGE_TOOLS or name in _HARMLESS:
                continue  # rm among them: what it removes the runtime never gets anyway
            values = [a.value for a in inv.args]
            paths = [inv.path(v) for v in values if v is not None and not v.startswith("-")]
            if None in values or inv.cwd is None:
                return fail(f"RUN at line {ins.line}: cannot tell what `{inv.text}` changes")
            if name == "mkdir":
                folders += [p for p in paths if p]
            elif name in _PATH_COMMANDS:
                if name == "sed" and not any(v.startswith("-i") for v in values):
                    continue
                # cp, mv and ln write their last operand; sed -i the files after its script
                targets = paths[-1:] if name in ("cp", "mv", "ln") else paths[1:] if name == "sed" else paths
                if not all(p and (inside(p) or p.startswith("/tmp")) for p in targets):
                    return fail(
                        f"RUN at line {ins.line}: `{inv.text}` changes files outside WORKDIR {workdir},"
                        " which a split would leave in the builder"
                    )
            elif name == "chown" and _chowns_app(values, inv, workdir):
                owner = next(v for v in values if not v.startswith("-"))
            else:
                shown = name or (inv.cmd.argv[0].raw if inv.cmd.argv else "an assignment")
                return fail(
                    f"RUN at line {ins.line} runs `{shown}`, which may prepare the image for run time;"
                    " a split would leave it in the builder"
                )
    return folders, owner, installs, None


def _chowns_app(values: list[str], inv, workdir: str) -> bool:
    """``chown -R OWNER WORKDIR``: the runtime's copy of the folder gets that owner."""
    operands = [v for v in values if not v.startswith("-")]
    return len(operands) == 2 and inv.path(operands[1]) == workdir and bool({"-R", "--recursive"} & set(values))


def _package(site, workdir: str):
    from ..recognisers.node import read_package

    return read_package(site.files.read_text(posixpath.join(workdir, "package.json")))


def _argv(ins) -> list[str] | None:
    """The words of a CMD/ENTRYPOINT/HEALTHCHECK command; None: not one plain command."""
    from ..analysis.shell import read_shell

    if ins.name == "HEALTHCHECK":
        command = ins.command
        if isinstance(command, list):
            return list(command)
        text = command or ""
    elif ins.is_exec_form:
        return list(ins.value)
    else:
        text = ins.rest
    script = read_shell(text)
    if not script.understood or len(script.commands) != 1 or script.commands[0].assignments:
        return None
    return script.commands[0].words()


def _first_words(ins) -> list[str] | None:
    """The first command's words of a shell-form check of several commands (for messages)."""
    from ..analysis.shell import read_shell

    command = ins.command if ins.name == "HEALTHCHECK" else ins.rest
    script = read_shell(command if isinstance(command, str) else "")
    return script.commands[0].words() if script.understood and script.commands else None


def _start(tree, stage, stage_facts, package, workdir, site):
    """(distroless possible, node arguments or None, why slim) for the image's command, or a reason."""
    from ..recognisers.node import resolve_script, start_script

    entrypoints = [i for i in stage.instructions if i.name == "ENTRYPOINT"]
    cmds = [i for i in stage.instructions if i.name == "CMD"]
    if entrypoints:
        words = _argv(entrypoints[-1])
        if words and words[0] == "node" and entrypoints[-1].is_exec_form:
            return True, None, None
        if not words or not _on_slim(words[0], workdir):
            return f"ENTRYPOINT at line {entrypoints[-1].line} runs what the runtime base may not have"
        return False, None, "the ENTRYPOINT needs the node image's files"
    words = _argv(cmds[-1])
    if not words:
        return f"CMD at line {cmds[-1].line} runs several commands; make it one command the runtime can run"
    if words[0] == "node":
        return True, words[1:], None
    script = start_script(words)
    if script is not None:
        manager, name = script
        if package is None:
            why = "package.json is not in the build context"
        else:
            resolved, why = resolve_script(package, name, lambda f: site.files.is_file(posixpath.join(workdir, f)))
            if resolved and resolved[0] == "node":
                return True, resolved[1:], None
            why = why or f"the `{name}` script runs `{resolved[0]}`, not node"
        if manager not in ("npm", "yarn"):
            return f"the command runs `{manager} {' '.join(words[1:])}`, which the runtime base does not have ({why})"
        return False, None, f"`{' '.join(words)}` is kept: {why}"
    if not _on_slim(words[0], workdir):
        return (
            f"the command runs `{words[0]}`, which the build did not make and the runtime base may not have;"
            " run the app with node"
        )
    return False, None, f"the command runs `{words[0]}`"


def _on_slim(program: str, workdir: str) -> bool:
    return program in _ON_SLIM or program.startswith("./") or program.startswith(workdir.rstrip("/") + "/")


def _rewritten(stage, node_args, on_distroless: bool):
    """(instruction, new text) for the config instructions the runtime needs
    rewritten, or a reason (a HEALTHCHECK the runtime cannot run)."""
    out = []
    kw_case = str.lower if stage.from_.keyword.islower() else str.upper
    for ins in stage.instructions:
        if ins.name == "HEALTHCHECK" and not ins.is_none:
            words = _argv(ins) or _first_words(ins)
            if not words or words[0] != "node":
                shown = f"`{words[0]}`" if words else "a command"
                return (
                    f"HEALTHCHECK at line {ins.line} runs {shown}, which the build did not make and the runtime base"
                    " may not have; make the check a node script of the app"
                )
            if on_distroless:
                text = re.sub(r'\[\s*"node"', f'["{DISTROLESS_NODE}"', ins.logical.strip(), count=1)
                out.append((ins, text))
    cmds = [i for i in stage.instructions if i.name == "CMD"]
    entrypoints = [i for i in stage.instructions if i.name == "ENTRYPOINT"]
    if entrypoints and on_distroless:
        ep = entrypoints[-1]
        out.append((ep, kw_case("ENTRYPOINT") + " " + json.dumps([DISTROLESS_NODE, *ep.value[1:]])))
    elif node_args is not None and cmds:
        cmd = cmds[-1]
        if on_distroless:
            text = json.dumps(node_args)
        elif cmd.is_exec_form:
            text = json.dumps(["node", *node_args])
        else:
            text = shlex.join(["node", *node_args])
        if text != (json.dumps(cmd.value) if cmd.is_exec_form else cmd.rest.strip()):
            out.append((cmd, kw_case("CMD") + " " + text))
    return tuple(out)


def _prune(tree, stage, steps, package, ctx, site):
    """(builder steps, pruned?): the prune of devDependencies after the
    builder's last RUN, in the folder the installs ran in, when an install
    may have put them there."""

    installs = [s for _, s in steps if s.kind == "install"]
    folders = {s.cwd for s in installs}
    if len(folders) > 1:
        return f"dependencies are installed in {' and '.join(sorted(folders))}; the tool prunes one folder", False
    if installs and installs[0].cwd != site.workdir:  # the package of that folder (`cd client && npm ci`)
        package = _package(site, installs[0].cwd)
    if not installs or package is None or not package.dev_dependencies:
        return (), False
    if all(s.production for s in installs) or any(s.kind == "prune" for _, s in steps):
        return (), False
    managers = {s.manager for s in installs}
    if len(managers) != 1:
        return f"dependencies are installed with {' and '.join(sorted(managers))}; the tool cannot prune them", False
    manager = managers.pop()
    if manager == "yarn" and ctx.build_context.exists(".yarnrc.yml"):
        return (
            "yarn Berry (.yarnrc.yml) prunes with `yarn workspaces focus --production`, which needs its plugin",
            False,
        )
    if manager not in PRUNE:
        return f"the tool cannot prune {manager}'s devDependencies", False
    last_run = [i for i in stage.instructions if i.name == "RUN"][-1]
    keyword = "run" if stage.from_.keyword.islower() else "RUN"
    command = PRUNE[manager]
    if site.workdir != installs[0].cwd:  # the site is the last RUN's: where the prune runs
        command = f"cd {shlex.quote(installs[0].cwd)} && {command}"
    return (Step(last_run, (f"{keyword} {command}",), after=True),), True


# Top-level folders of the runtime base itself: an app file of that name would replace them.
_SYSTEM_DIRS = frozenset(
    {"bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "nodejs", "opt"}
    | {"proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var"}
)


def _root_app(tree, stage, ctx, steps, package, site) -> tuple[list[str], str | None]:
    """The app's files when it lives in / (no WORKDIR): what the stage copied
    from the context, /node_modules when an install ran there, and the
    folders its build scripts write (tsc's outDir, a bundler's output)."""
    from ..recognisers.node import _command_outputs, script_outputs

    files, reason = _root_copies(tree, stage, ctx)
    if reason:
        return [], reason

    def read_text(rel: str) -> str | None:
        return site.files.read_text(posixpath.join("/", rel))

    for _, step in steps:
        if step.kind in ("script", "bundle", "exec"):
            if package is None:
                return [], "the app builds in / (no WORKDIR) and package.json is not in the build context; set WORKDIR"
            if step.kind == "script":
                outputs, why = script_outputs(package, step.script, read_text)
            else:
                outputs, why = _command_outputs(package, [step.manager, *step.words], read_text, 0)
            if why:
                return [], f"the app builds in / (no WORKDIR) and {why}; set WORKDIR"
            files += ["/" + o.lstrip("./") for o in outputs]
    clash = sorted({p.split("/")[1] for p in files} & _SYSTEM_DIRS)
    if clash:
        return [], f"the app copies /{clash[0]} into / (no WORKDIR), a folder of the runtime base itself; set WORKDIR"
    if any(s.kind == "install" and s.cwd == "/" for _, s in steps):
        files.append("/node_modules")
    return sorted(set(files)), None


def _root_copies(tree, stage, ctx) -> tuple[list[str], str | None]:
    """Image paths of the context files the stage copied into / (a glob of
    the context's top folder, such as `package*.json`, read against it)."""
    import fnmatch

    from ..analysis import facts
    from ..split import BUILD_ONLY_NAMES, _entries

    found = facts(tree)
    out: list[str] = []
    context = ctx.build_context
    top = [name for name, _ in _entries(context, "")]
    for ins in stage.instructions:
        if ins.name not in ("COPY", "ADD") or ins.flag("from") is not None:
            continue
        workdir = found.state_before(ins).workdir
        workdir = workdir if isinstance(workdir, str) else "/"  # the node images': none set
        dest = ins.destination or ""
        if "$" in dest or any("://" in src or "$" in src for src in ins.sources):
            return [], f"cannot tell what `{ins.logical.strip()}` at line {ins.line} copies"
        target = posixpath.normpath(posixpath.join(workdir, dest))
        into_dir = dest.endswith("/") or len(ins.sources) > 1 or any(c in "".join(ins.sources) for c in "*?[")
        for source in ins.sources:
            rel = posixpath.normpath(source.lstrip("/"))
            if any(c in rel for c in "*?["):
                if "/" in rel:
                    return [], f"cannot tell what `{ins.logical.strip()}` at line {ins.line} copies"
                names = [n for n in top if fnmatch.fnmatchcase(n, rel)]
            elif rel == ".":
                names = [n for n in top if n not in BUILD_ONLY_NAMES and n != "node_modules" and "ockerfile" not in n]
                out += [posixpath.join(target, n) for n in names]
                continue
            else:
                names = [rel] if context.exists(rel) else []
            for name in names:
                base = posixpath.basename(name)
                out.append(posixpath.join(target, base) if into_dir or context.is_dir(name) else target)
    return sorted(set(out)), None


def _outside_copies(tree, stage, ctx, inside, image_workdir: str | None = None):
    """What the stage copied from the context to paths outside the app's
    folder (a server's configuration): the runtime needs those paths too.
    ``image_workdir``: the base image's WORKDIR, before the stage sets one."""
    from ..analysis import facts

    found = facts(tree)
    out: list[str] = []
    for ins in stage.instructions:
        if ins.name not in ("COPY", "ADD") or ins.flag("from") is not None:
            continue
        workdir = found.state_before(ins).workdir
        workdir = workdir if isinstance(workdir, str) else image_workdir
        dest = ins.destination or ""
        if not dest.startswith("/") and not isinstance(workdir, str) or "$" in dest:
            return [], f"cannot tell where `{ins.logical.strip()}` at line {ins.line} copies to"
        target = posixpath.normpath(dest if dest.startswith("/") else posixpath.join(workdir, dest))
        if inside(target):
            continue
        into_dir = dest.endswith("/") or len(ins.sources) > 1
        for source in ins.sources:
            if any(c in source for c in "*?[$") or "://" in source:
                return [], f"cannot tell what `{ins.logical.strip()}` at line {ins.line} copies outside WORKDIR"
            name = posixpath.basename(posixpath.normpath(source))
            out.append(posixpath.join(target, name) if into_dir and name not in ("", ".") else target)
    return list(dict.fromkeys(out)), None
