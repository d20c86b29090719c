"""MSB205: BuildKit cache mounts for package managers (opt-in)."""

from __future__ import annotations

import posixpath

from ..syntax.nodes import Run
from . import SAFE, Pass, unsafe

# tool -> (folder relative to the user's home, or absolute; safe: a pure download cache)
_CACHES = {
    "apt": (("/var/cache/apt", "/var/lib/apt"), True),
    "pip": (("~/.cache/pip",), True),
    "npm": (("~/.npm",), True),
    "yarn": (("/usr/local/share/.cache/yarn",), True),  # yarn 1 as root, as the node images install it
    "pnpm": (("~/.local/share/pnpm/store",), True),
    "go": (("$GOMODCACHE", "~/.cache/go-build"), False),
    "cargo": (("$CARGO_HOME/registry", "$CARGO_HOME/git"), False),
    "maven": (("~/.m2",), False),
    "gradle": (("$GRADLE_USER_HOME",), False),
    "dotnet": (("~/.nuget/packages",), False),
}
_GATE = ("apt", "pip", "npm", "yarn", "pnpm", "go ", "cargo", "mvn", "gradle", "dotnet")
_KEPT_OUT = unsafe(
    "what the tool downloads is kept in the build cache, not in the image: a later stage built on this one,"
    " or an offline step without the mount, no longer finds it"
)


class CacheMounts(Pass):
    """
    ## What it does
    Where BuildKit syntax is allowed (the file has a `# syntax=` line, or
    `--buildkit-syntax`), gives each RUN that installs or downloads
    packages a cache mount for the tool's download cache:
    `--mount=type=cache,target=/var/cache/apt,sharing=locked` and
    `/var/lib/apt` for apt, `/root/.cache/pip` for pip, `/root/.npm` for
    npm, yarn 1's and pnpm's stores, the module and build caches for Go, the Cargo registry, `~/.m2`
    for Maven, the Gradle user home and the NuGet packages folder. Where
    the mount replaces a clean-up, the clean-up goes: `rm -rf
    /var/lib/apt/lists/*`, pip's `--no-cache-dir`, `npm cache clean` and
    `yarn cache clean`.

    Files without BuildKit syntax are left alone: `RUN --mount` needs
    BuildKit. RUN steps of a user other than root are left alone (the
    caches are under that user's home).

    ## Why
    A cache mount keeps downloads between builds without putting them in
    a layer: when a manifest changes, the install runs again but fetches
    only what is new, and the image carries no cache.

    ## Example
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM python:3.12-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install flask
    ```

    ## Fix safety
    Safe for apt, pip, npm, yarn and pnpm: their caches only speed up a download, and
    the image holds the same packages. Unsafe for Go, Cargo, Maven, Gradle
    and .NET: there the folder mounted is where the tool keeps the
    dependencies the build reads (the Go module cache, `~/.m2`), which no
    longer end up in the image; a later stage built on this one, or a step
    that runs offline without the mount, does not find them.
    """

    code = "MSB205"
    name = "cache-mounts"
    runs_after = ("MSB201", "MSB202", "MSB203", "MSB204")

    def run(self, tree, ctx):
        out = self.outcome()
        if not ctx.buildkit_syntax:
            return out
        runs = [i for i in tree.instructions if type(i) is Run and any(g in i.rest for g in _GATE)]
        for run in runs:
            _mount(tree, run, ctx, out)
        return out


def _tools(site) -> list[str]:
    from ..manifests import classify

    found = []
    for inv in site.invocations():
        name = inv.name
        if name in ("apt-get", "apt"):
            words = [a.value for a in inv.args]
            if "install" in words or "update" in words:
                found.append("apt")
            continue
        step = classify(inv)
        if step is None or step.tool not in _CACHES or step.reason:
            continue
        if step.tool == "yarn" and site.context.exists(".yarnrc.yml"):
            continue  # yarn 2+ keeps its cache elsewhere (and in the project with zero-installs)
        if step.tool == "pip" and step.role == "free" and "install" not in [a.value for a in inv.args]:
            continue
        found.append(step.tool)
    return list(dict.fromkeys(found))


def _root(site) -> bool:
    user = site.state.user
    return not isinstance(user, str) or user in ("", "root", "0", "0:0", "root:root")


def _target(site, path: str) -> str | None:
    if path.startswith("~/"):
        home = site.lookup("HOME")
        return posixpath.join(home or "/root", path[2:])
    if path.startswith("$"):
        name, _, rest = path[1:].partition("/")
        value = site.lookup(name)
        if not value and name == "GOMODCACHE":
            gopath = site.lookup("GOPATH")
            value = posixpath.join(gopath, "pkg/mod") if gopath else None
        if not value and name == "GRADLE_USER_HOME":
            value = posixpath.join(site.lookup("HOME") or "/root", ".gradle")
        if not value:
            return None
        return posixpath.join(value, rest) if rest else value
    return path


def _mount(tree, run, ctx, out) -> None:
    from ..recognisers.site import RunSite
    from ..runedit import add_flags, drop, word_end

    site = RunSite.of(tree, run, ctx.build_context)
    if site.script.unknown or run.heredocs:
        return
    tools = _tools(site)
    if not tools:
        return
    if not _root(site):
        out.note(run, f"no cache mount: the RUN runs as `{site.state.user}`, whose caches this tool does not place")
        return
    have = {(m.get("target") or m.get("dst") or "").rstrip("/") for m in run.mounts}
    flags, safe, names = [], True, []
    for tool in tools:
        paths, tool_safe = _CACHES[tool]
        for path in paths:
            target = _target(site, path)
            if target is None or target.rstrip("/") in have:
                continue
            flags.append(f"--mount=type=cache,target={target}" + (",sharing=locked" if tool == "apt" else ""))
            safe = safe and tool_safe
            names.append(tool)
    if not flags:
        return
    new = run
    script = site.script
    cuts = []
    if "apt" in names:
        for k, cmd in enumerate(script.commands):
            words = cmd.words() or [a.raw for a in cmd.argv]
            if words[:1] == ["rm"] and any(w.rstrip("/*") == "/var/lib/apt/lists" for w in words[1:]) and k:
                cuts.append((script.commands[k - 1].span[1], cmd.span[1]))
    for tool in ("npm", "yarn"):
        if tool in names:  # `npm cache clean --force` would empty the mounted cache
            for k, cmd in enumerate(script.commands):
                words = cmd.words() or []
                if words[:3] == [tool, "cache", "clean"] and k:
                    cuts.append((script.commands[k - 1].span[1], cmd.span[1]))
    if "pip" in names:
        for cmd in script.commands:
            end = word_end(script.text, cmd.span, "--no-cache-dir")
            if end is not None:
                cuts.append((end - len(" --no-cache-dir"), end))
    for start, end in sorted(cuts, reverse=True):
        cut = drop(new, start, end)
        if cut is not None:
            new = cut
    new = add_flags(new, flags)
    what = ", ".join(dict.fromkeys(names))
    out.edit(
        run,
        new,
        message=f"cache mount for {what}: downloads are kept between builds and stay out of the layer",
        applicability=SAFE if safe else _KEPT_OUT,
    )
