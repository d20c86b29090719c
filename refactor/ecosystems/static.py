"""Static front ends: a bundle built with npm, yarn or pnpm (Vite, Create
React App, webpack, esbuild...) and served by nginx, on an unprivileged
nginx.

The runtime is the catalog's unprivileged nginx (it runs as `nginx`, uid
101, and keeps its pid and temp files under `/tmp`), with what the build
put where nginx reads it: the web root the RUN steps filled
(`cp -r dist/* /usr/share/nginx/html/`) and the server configuration they
installed (`cp nginx/site.conf /etc/nginx/conf.d/default.conf`), under the
same paths, so the same `CMD ["nginx", "-g", "daemon off;"]` serves the
same files on the same port. Node.js, npm, the dependencies and the
bundler stay in the builder.

A bundle served by a Node static server (`serve -s dist -l 3000`,
`http-server build -p 8080`, directly, through npx or as the start
script) goes the same way: the folder it serves becomes nginx's web root,
a server block written in the runtime listens on the port the server
used, with the single-page fallback (`try_files $uri $uri/ /index.html`)
when `serve -s` asked for it, and the command becomes nginx's.

Left alone, with the reason: a server listening below port 1024, nginx's own default site of the builder's
distribution (no configuration of the app's), a configuration that
listens below port 1024 (an unprivileged nginx cannot bind it: change its
`listen`), a whole `nginx.conf` or a `sites-enabled` file (the unprivileged
image reads only `conf.d`), a RUN that installs anything else the server
may need, and a HEALTHCHECK (the runtime image may not have its tool).
"""

from __future__ import annotations

import posixpath
import re
from datetime import date

from ..split import HARMLESS_COMMANDS, Copy, Plan, StageFacts

TITLE = "Static front ends (nginx)"
COMMANDS = ("npm", "yarn", "pnpm", "npx")
NEEDLES = ("npm", "yarn", "pnpm", "npx")
READS_BUILD_RUNS = False  # its package managers' commands are read from the RUNs here
EXAMPLE, FIXTURE_PREFIX = "static-nginx", "static-"

RUNTIME_VARIANT = "nginx-unprivileged"  # the catalog's bases for a bundle behind nginx
NGINX_PACKAGES = frozenset({"nginx", "nginx-light", "nginx-full", "nginx-core", "nginx-extras", "nginx-common"})
SERVER_PATHS = ("/etc/nginx/", "/usr/share/nginx/", "/var/www/")
_LISTEN = re.compile(r"^\s*listen\s+(?:\[[^\]]*\]:|[^\s;:]+:)?(\d+)", re.M)
_UNPRIVILEGED_PORT = 1024


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    from ..recognisers.node import MANAGERS, read_step
    from ..recognisers.packages import classify
    from ..recognisers.site import RunSite
    from .common import codename

    if stage_facts.program != "nginx":
        return _served_bundle(tree, stage, ctx, stage_facts)
    workdir = stage_facts.workdir
    builds = []
    for ins in (i for i in stage.instructions if i.name == "RUN"):
        for inv in RunSite.of(tree, ins, ctx.build_context).invocations():
            if inv.name in MANAGERS:
                step = read_step(inv)
                if isinstance(step, str):
                    return f"RUN at line {ins.line}: {step}"
                if step.kind in ("script", "bundle", "exec"):
                    builds.append(ins)
    if not builds:
        return None
    sites = [(ins, run, RunSite.of(tree, ins, ctx.build_context)) for ins, run in stage_facts.runs]
    if workdir in (None, "/"):
        return "the app has no folder of its own (no WORKDIR): set WORKDIR to the app's folder"
    inside = lambda p: p == workdir or p.startswith(workdir.rstrip("/") + "/")  # noqa: E731
    distro = codename(ctx, stage.from_.image) or "trixie"
    served: list[str] = []  # paths outside the app's folder the RUN steps wrote: what nginx reads
    configs: list[tuple[int, str, str | None]] = []  # (line, installed path, its text)
    for ins, run, site in sites:
        if run.unknown:
            return f"RUN at line {ins.line}: {run.unknown[0]}"
        for name in (p for inst in run.installs for p in inst.names):
            if name not in NGINX_PACKAGES and _kind(classify, name, distro) not in ("build", "dev", "dev-unknown"):
                return (
                    f"RUN at line {ins.line} installs {name}, which the server may need at run time;"
                    " the nginx runtime would not have it"
                )
        for inv in site.invocations():
            name = inv.name
            if name in MANAGERS or name in ("apt-get", "apt", "apk") or name in HARMLESS_COMMANDS or name == "mkdir":
                continue  # mkdir: the copies below make the folders they fill
            # sources may be globs (`dist/*`); where they go must be known
            values = [a.value if a.value is not None else a.raw for a in inv.args]
            if name not in ("cp", "mv") or not inv.args or inv.args[-1].value is None or inv.cwd is None:
                shown = name or "a command"
                return (
                    f"RUN at line {ins.line} runs `{shown}`, which may prepare the server for run time;"
                    " a split would leave it in the builder"
                )
            operands = [v for v in values if not v.startswith("-")]
            dest = inv.path(operands[-1])
            if inside(dest):
                continue
            if not dest.startswith(SERVER_PATHS):
                return f"RUN at line {ins.line}: `{inv.text}` writes {dest}, which is not where nginx reads"
            if dest.startswith("/etc/nginx/"):
                known = len(operands) == 2 and inv.args[-2].value is not None
                source = inv.path(operands[0]) if known else None
                configs.append((ins.line, dest, site.files.read_text(source) if source else None))
            served.append(dest.rstrip("/") if dest != "/" else dest)
    reason = _config_problem(configs, tree, stage, ctx, inside)
    if reason:
        return reason
    base = _runtime(stage, ctx)
    if isinstance(base, str):
        return base
    from .node import _outside_copies

    outside, reason = _outside_copies(tree, stage, ctx, inside)
    if reason:
        return reason
    copies = tuple(Copy(p, "artifact") for p in dict.fromkeys(served)) + tuple(
        Copy(p, "run-time file") for p in outside if p not in served
    )
    return Plan(
        ecosystem="static",
        runtime_image=base.image,
        runtime_reason=f"nginx for the bundle, as user {base.user} ({base.uid})",
        copies=copies,
        build_step=builds[-1],
        summary="Node.js, the dependencies and the bundler stay in the builder",
    )


def _kind(classify, name: str, distro: str) -> str:
    try:
        return classify(name, distro)
    except KeyError:  # a release the package table does not cover
        return "runtime"


def _config_problem(configs, tree, stage, ctx, inside) -> str | None:
    """Why the app's nginx configuration cannot run on an unprivileged nginx, if so."""
    from ..analysis import facts

    found = list(configs)
    for ins in stage.instructions:  # COPY site.conf /etc/nginx/conf.d/default.conf
        if ins.name not in ("COPY", "ADD") or ins.flag("from") is not None:
            continue
        workdir = facts(tree).state_before(ins).workdir
        dest = ins.destination or ""
        if not dest.startswith("/") and isinstance(workdir, str):
            dest = posixpath.join(workdir, dest)
        for source in ins.sources:
            target = posixpath.join(dest, posixpath.basename(source)) if dest.endswith("/") else dest
            if posixpath.normpath(target).startswith("/etc/nginx/"):
                text = ctx.build_context.read_text(posixpath.normpath(source.lstrip("/")))
                found.append((ins.line, posixpath.normpath(target), text))
    if not found:
        return (
            "nginx serves its distribution's default site (port 80, its own web root); copy the app's server"
            " configuration to /etc/nginx/conf.d/ so the runtime serves the same"
        )
    for line, path, text in found:
        where = f" at line {line}" if line else ""
        if not path.startswith("/etc/nginx/conf.d/"):
            return (
                f"the configuration installed{where} goes to {path}; the unprivileged nginx reads only"
                " /etc/nginx/conf.d/, so put the server block there"
            )
        if text is None:
            return f"cannot read the nginx configuration installed{where} ({path}) in the build context"
        low = [int(p) for p in _LISTEN.findall(text) if int(p) < _UNPRIVILEGED_PORT]
        if low:
            return (
                f"the nginx configuration {path} listens on port {low[0]}, which an unprivileged nginx cannot"
                " bind; make it listen on 8080 (and publish that port)"
            )
    return None


def _runtime(stage, ctx):
    """The catalog's nginx base, or a reason (a HEALTHCHECK runs a tool nginx's image may lack)."""
    checks = [i for i in stage.instructions if i.name == "HEALTHCHECK" and not i.is_none]
    if checks:
        return f"HEALTHCHECK at line {checks[0].line}: the nginx runtime image may not have the tool it runs"
    today = date.today()
    bases = [b for b in ctx.catalog().bases() if b.variant == RUNTIME_VARIANT and not b.past_eol(today)]
    if not bases:
        return f"the catalog has no {RUNTIME_VARIANT} base that is not past its end of life"
    return min(bases, key=lambda b: b.size_mb or 0)


# -- a bundle served by a Node static server -------------------------------------------

# Static servers: their options that take a value, the port option, the default port,
# whether they fall back to index.html (an SPA) without being asked to.
_SERVERS = {
    "serve": ({"-l", "--listen", "-p", "--port", "-c", "--config"}, ("-l", "--listen", "-p", "--port"), 3000),
    "http-server": ({"-p", "--port", "-a", "-c", "-e", "--ext", "-P", "--proxy"}, ("-p", "--port"), 8080),
}
WEB_ROOT = "/usr/share/nginx/html"
NGINX_COMMAND = ["nginx", "-g", "daemon off;"]


def _served_bundle(tree, stage, ctx, stage_facts) -> Plan | str | None:
    """A front end built with npm and served by `serve -s dist` or
    `http-server dist`: the bundle in nginx's web root, with a server block
    listening on the same port (and the SPA fallback when `-s` asked for it)."""
    import json

    from ..recognisers.node import read_package, resolve_script, start_script
    from ..recognisers.site import RunSite
    from . import node

    cmds = [i for i in stage.instructions if i.name == "CMD"]
    if not cmds or any(i.name == "ENTRYPOINT" for i in stage.instructions):
        return None
    words = node._argv(cmds[-1]) or []
    runs = [i for i in stage.instructions if i.name == "RUN"]
    if not words or not runs:
        return None
    site = RunSite.of(tree, runs[-1], ctx.build_context)
    workdir = stage_facts.workdir or site.workdir
    if start_script(words) is not None and workdir:
        package = read_package(site.files.read_text(posixpath.join(workdir, "package.json")))
        if package is None:
            return None
        words, _why = resolve_script(package, start_script(words)[1], lambda f: False)
    if words[:1] in (["npx"], ["pnpx"]):
        words = [w for w in words[1:] if w not in ("-y", "--yes")]
    if not words or posixpath.basename(words[0]) not in _SERVERS:
        return None
    server = posixpath.basename(words[0])
    valued, port_options, port = _SERVERS[server]
    folders, spa = [], server == "serve" and False
    k = 1
    while k < len(words):
        word = words[k]
        if word in port_options and k + 1 < len(words):
            port = _port(words[k + 1])
        elif word in ("-s", "--single"):
            spa = True
        elif not word.startswith("-"):
            folders.append(word)
        if word in valued:
            k += 1
        k += 1
    if port is None:
        return f"cannot tell which port `{' '.join(words)}` listens on"
    if port < _UNPRIVILEGED_PORT:
        return f"`{server}` listens on port {port}, which an unprivileged nginx cannot bind"
    if len(folders) != 1 or workdir in (None, "/"):
        return f"cannot tell which folder `{' '.join(words)}` serves"
    served = posixpath.normpath(posixpath.join(workdir, folders[0]))
    if not served.startswith(workdir.rstrip("/") + "/"):
        return f"`{server}` serves {served}, outside WORKDIR {workdir}"
    base = _runtime(stage, ctx)
    if isinstance(base, str):
        return base
    fallback = "try_files $uri $uri/ /index.html;" if spa else "try_files $uri $uri/ =404;"
    conf = f"server {{\\n    listen {port};\\n    root {WEB_ROOT};\\n    location / {{\\n        {fallback}\\n    }}\\n}}\\n"
    keyword = "cmd" if stage.from_.keyword.islower() else "CMD"
    return Plan(
        ecosystem="static",
        runtime_image=base.image,
        runtime_reason=f"nginx for the bundle {served} on port {port}, as user {base.user} ({base.uid})",
        copies=(Copy(served, "artifact", dest=WEB_ROOT),),
        build_step=runs[-1],
        install_command=f"printf '{conf}' > /etc/nginx/conf.d/default.conf",
        summary=f"nginx serves it as `{server}` did" + (" (index.html for unknown paths)" if spa else ""),
        commands=((cmds[-1], f"{keyword} {json.dumps(NGINX_COMMAND)}"),),
    )


def _port(text: str) -> int | None:
    """``3000``, ``tcp://0.0.0.0:3000`` or ``:3000``: the port; None otherwise."""
    tail = text.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None
