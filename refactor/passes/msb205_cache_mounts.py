"""MSB205: BuildKit cache mounts for package managers (opt-in)."""

from __future__ import annotations

import posixpath
import re

import attrs

from ..syntax.nodes import Run
from . import SAFE, Pass, unsafe

# tool -> (folder relative to the user's home, or absolute; safe: a pure download cache)
_CACHES = {
    "apt": (("/var/cache/apt", "/var/lib/apt"), True),
    # apk caches packages and indexes only where /etc/apk/cache exists (apk-cache(5)): the mount makes it
    "apk": (("/etc/apk/cache",), True),
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
_GATE = ("apt", "apk", "pip", "npm", "yarn", "pnpm", "go ", "cargo", "mvn", "gradle", "dotnet")
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
    `/var/lib/apt` for apt, `/etc/apk/cache` for apk, `/root/.cache/pip`
    for pip, `/root/.npm` for npm, yarn's and pnpm's stores, the module
    and build caches for Go, the Cargo registry, `~/.m2` for Maven, the
    Gradle user home and the NuGet packages folder. Where the mount
    replaces a clean-up, the clean-up goes: `rm -rf /var/lib/apt/lists/*`,
    pip's `--no-cache-dir`, `npm cache clean`, `yarn cache clean`, and
    apk's `--no-cache` (which bypasses the cache; apk caches only where
    `/etc/apk/cache` exists, which the mount makes, and then needs a fresh
    index: `-U`, unless the RUN runs `apk update` first).

    Yarn 2 and later (a `.yarnrc.yml` in the context): the cache folder is
    `YARN_CACHE_FOLDER` or `cacheFolder` (default `.yarn/cache` in the
    project), or `<globalFolder>/cache` when `enableGlobalCache` is on (yarn
    4's default: the version comes from package.json's `packageManager`
    or the `yarnPath` release). No mount with Plug'n'Play, where the app
    loads its packages from that cache, for zero-installs (a cache in the
    repository), or when the version, and so the folder, is not known.

    Cargo's `target` folder (or `--target-dir`, `CARGO_TARGET_DIR`) gets a
    mount only when the same RUN copies what `cargo build` made out of it
    (`cp target/release/app /usr/local/bin/`) and no later step reads it:
    a mounted folder is not in the image, and the binary would vanish.

    With `--bind-manifests` (configuration: `bind-manifests = true`), a
    COPY of dependency manifests before their install (right before it, or
    past ENV, ARG, WORKDIR or a RUN that reads no file of the project, such
    as `python -m venv`) becomes bind mounts on the install, as `docker
    init` writes them: `RUN
    --mount=type=bind,source=go.mod,target=/src/go.mod
    --mount=type=bind,source=go.sum,target=/src/go.sum go mod download`
    (`package.json` and its lockfile for `npm ci`, `requirements.txt` for
    pip, `Cargo.toml` and `Cargo.lock` for `cargo fetch`, ...). Only where
    the install reads nothing else the COPY brought, and a later COPY of the
    project (`COPY . .`), with no RUN before it, puts the files where the
    COPY did: the mounted files are not in the image. The mounts are
    read-only where the install only reads its manifests (`npm ci`, pip, `go
    mod download`, a frozen or locked install), else `rw` (what the install
    writes there is dropped, as the later COPY drops it without the mount).
    Declined with a note for a COPY with `--chmod` or a destination that
    may name a file or a folder, for a RUN before the project's COPY, and
    when no such COPY follows.

    This is an option of MSB205, not of MSB201: MSB201 must write files that
    build without BuildKit and decides which files an install reads; a bind
    mount is a BuildKit mount like the cache mounts, written on the same RUN
    under the same `# syntax=`/`--buildkit-syntax` rule, and it serves a
    manifests COPY the user wrote as well as the one MSB201 writes (MSB205
    runs after it).

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
    Safe for apt, apk, pip, npm, yarn and pnpm: their caches only speed up a download, and
    the image holds the same packages (apk leaves an empty `/etc/apk/cache`,
    the mount point, so a later `apk add` without `--no-cache` caches there). Unsafe for Go, Cargo, Maven, Gradle
    and .NET: there the folder mounted is where the tool keeps the
    dependencies the build reads (the Go module cache, `~/.m2`), which no
    longer end up in the image; a later stage built on this one, or a step
    that runs offline without the mount, does not find them. Cargo's
    `target` folder is mounted only when the RUN copies the build out.

    Bind mounts of manifests are safe: the install reads the same files at
    the same paths, BuildKit rebuilds the RUN when a mounted file changes
    (as for a COPY), and the image gets them from the project's COPY right
    after. Buildah releases before its fix for issue 5400 (pull request
    5691) do not rebuild a RUN whose bind-mounted files changed: there the
    option gives stale dependency layers.
    """

    code = "MSB205"
    name = "cache-mounts"
    runs_after = ("MSB201", "MSB202", "MSB203", "MSB204")

    def run(self, tree, ctx):
        out = self.outcome()
        if not ctx.buildkit_syntax:
            return out
        from ..manifests import TOOL_WORDS

        gate = _GATE + TOOL_WORDS if ctx.bind_manifests else _GATE  # any install may get its manifests bound
        runs = [i for i in tree.instructions if type(i) is Run and any(g in i.rest for g in gate)]
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
        if name == "apk":
            if "add" in [a.value for a in inv.args]:
                found.append("apk")
            continue
        step = classify(inv)
        if step is None or step.tool not in _CACHES or step.reason:
            continue
        if step.tool == "yarn" and site.context.exists(".yarnrc.yml"):
            found.append("yarn-berry")  # yarn 2+: the cache folder is the project's settings' (_yarn_berry)
            continue
        if step.tool == "pip" and step.role == "free" and "install" not in [a.value for a in inv.args]:
            continue
        found.append(step.tool)
        if step.tool == "cargo" and "build" in [a.value for a in inv.args]:
            found.append("cargo-target")
    return list(dict.fromkeys(found))


def _yarnrc(text: str) -> dict[str, str]:
    """The top-level ``key: value`` settings of a .yarnrc.yml (all this pass reads)."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"([A-Za-z]+):[ \t]*(.*?)[ \t]*(?:#.*)?$", line)
        if m and m.group(2):
            out[m.group(1)] = m.group(2).strip("\"'")
    return out


def _yarn_major(site, rc: dict[str, str]) -> int | None:
    """Yarn's major version, from package.json's ``packageManager`` or the release ``yarnPath`` names."""
    import json

    try:
        manager = json.loads(site.context.read_text("package.json") or "{}").get("packageManager") or ""
    except (ValueError, AttributeError):
        manager = ""
    m = re.match(r"yarn@(\d+)\.", manager) or re.search(r"yarn-(\d+)\.[^/]*$", rc.get("yarnPath", ""))
    return int(m.group(1)) if m else None


def _yarn_berry(site, inv) -> tuple[str | None, str | None]:
    """(the cache folder of yarn 2+, None) or (None, why there is no mount)."""
    rc = _yarnrc(site.context.read_text(".yarnrc.yml") or "")
    setting = {"global": inv.env("YARN_ENABLE_GLOBAL_CACHE") or rc.get("enableGlobalCache")}
    linker = inv.env("YARN_NODE_LINKER") or rc.get("nodeLinker") or "pnp"
    if linker == "pnp":
        return None, (
            "no cache mount for yarn: with Plug'n'Play (the default nodeLinker) the app loads its packages"
            " from yarn's cache, which must stay in the image; set `nodeLinker: node-modules` for a mount"
        )
    if setting["global"] in ("true", "false"):
        use_global = setting["global"] == "true"
    else:
        major = _yarn_major(site, rc)
        if major is None:
            return None, (
                "no cache mount for yarn: its version is not known (yarn 4 keeps its cache in the global folder,"
                " yarn 2 and 3 in the project); set `enableGlobalCache` in .yarnrc.yml or `packageManager` in package.json"
            )
        use_global = major >= 4
    if use_global:
        home = inv.env("YARN_GLOBAL_FOLDER") or rc.get("globalFolder") or "~/.yarn/berry"
        if home.startswith("~/"):
            home = posixpath.join(site.lookup("HOME") or "/root", home[2:])
        folder = inv.path(posixpath.join(home, "cache"))
    else:
        if site.context.is_dir(".yarn/cache"):
            return None, (
                "no cache mount for yarn: the project keeps its cache in the repository (zero-installs),"
                " which the mount would hide"
            )
        folder = inv.path(inv.env("YARN_CACHE_FOLDER") or rc.get("cacheFolder") or ".yarn/cache")
    if folder is None:
        return None, f"no cache mount for yarn: `{inv.text}`: {inv.cwd_reason()}"
    return folder, None


def _cargo_target(tree, run, site) -> tuple[str | None, str | None]:
    """(Cargo's target folder, None) when the RUN copies what it builds out of
    it, or (None, why there is no mount): a mounted target folder is not in the image."""
    invs = site.invocations()
    build = next(i for i in invs if i.name == "cargo" and "build" in [a.value for a in i.args])
    words = [a.value for a in build.args]
    given = next((w.split("=", 1)[1] for w in words if w and w.startswith("--target-dir=")), None)
    if given is None and "--target-dir" in words and words.index("--target-dir") + 1 < len(words):
        given = words[words.index("--target-dir") + 1]
    folder = build.path(given or build.env("CARGO_TARGET_DIR") or "target")
    if folder is None:
        return None, f"no cache mount for Cargo's target folder: `{build.text}`: {build.cwd_reason()}"
    copied = any(
        inv.name in ("cp", "mv", "install")
        and any(a.value and (inv.path(a.value) or "").startswith(folder + "/") for a in inv.args)
        for inv in invs[invs.index(build) + 1 :]
    )
    if not copied:
        return None, (
            "no cache mount for Cargo's target folder: what the build makes stays there and would not be in the image;"
            " copy it out in the same RUN (`cp target/release/<name> /usr/local/bin/`) for a mount"
        )
    rel = posixpath.basename(folder) + "/"
    for later in tree.instructions:
        if later.line > run.line and (folder in later.rest or rel in later.rest):
            return None, (
                f"no cache mount for Cargo's target folder: the {later.name} at line {later.line} reads it,"
                " and a mounted folder is not in the image"
            )
    return folder, None


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
    from ..runedit import add_flags, drop, replace_word, word_end

    site = RunSite.of(tree, run, ctx.build_context)
    if site.script.unknown or run.heredocs:
        return
    tools = _tools(site)
    bind = _bind(tree, run, site, ctx, out) if ctx.bind_manifests else None
    if not tools and bind is None:
        return
    if tools and not _root(site):
        out.note(run, f"no cache mount: the RUN runs as `{site.state.user}`, whose caches this tool does not place")
        tools = []
    have = {(m.get("target") or m.get("dst") or "").rstrip("/") for m in run.mounts}
    flags, safe, names = [], True, []
    for tool in tools:
        if tool in ("yarn-berry", "cargo-target"):
            inv = next(i for i in site.invocations() if i.name == tool.split("-")[0])
            target, reason = _yarn_berry(site, inv) if tool == "yarn-berry" else _cargo_target(tree, run, site)
            if reason:
                out.note(run, reason)
            paths, tool_safe, tool = ((target,) if target else ()), tool == "yarn-berry", tool.split("-")[0]
        else:
            paths, tool_safe = _CACHES[tool]
        for path in paths:
            target = _target(site, path)
            if target is None or target.rstrip("/") in have:
                continue
            flags.append(f"--mount=type=cache,target={target}" + (",sharing=locked" if tool == "apt" else ""))
            safe = safe and tool_safe
            names.append(tool)
    if not flags and bind is None:
        return
    new = run
    script = site.script
    cuts = []  # (start, end, replacement word or None), offsets of the script
    if "apt" in names:
        for k, cmd in enumerate(script.commands):
            words = cmd.words() or [a.raw for a in cmd.argv]
            if words[:1] == ["rm"] and any(w.rstrip("/*") == "/var/lib/apt/lists" for w in words[1:]) and k:
                cuts.append((script.commands[k - 1].span[1], cmd.span[1], None))
    for tool in ("npm", "yarn"):
        if tool in names:  # `npm cache clean --force` would empty the mounted cache
            for k, cmd in enumerate(script.commands):
                words = cmd.words() or []
                if words[:3] == [tool, "cache", "clean"] and k:
                    cuts.append((script.commands[k - 1].span[1], cmd.span[1], None))
    if "pip" in names:
        for cmd in script.commands:
            end = word_end(script.text, cmd.span, "--no-cache-dir")
            if end is not None:
                cuts.append((end - len(" --no-cache-dir"), end, None))
    if "apk" in names:  # `--no-cache` bypasses the cache; without it apk needs a fresh index (`--update-cache`)
        refreshed = False
        for inv in site.invocations():
            words = [a.value for a in inv.args] if inv.name == "apk" else []
            if "update" in words[:1] or any(w in ("-U", "--update-cache", "--update") for w in words):
                refreshed = True
            end = word_end(script.text, inv.cmd.span, "--no-cache") if "add" in words else None
            if end is not None:
                cuts.append((end - len(" --no-cache"), end, None if refreshed else inv.cmd.span))
    for start, end, span in sorted(cuts, reverse=True):
        made = drop(new, start, end) if span is None else replace_word(new, script.text, span, "--no-cache", "-U")
        if made is not None:
            new = made
    if bind is not None:  # its own edit (the cache mounts follow in the engine's next round): it is safe alone
        message = (
            f"bind-mount {', '.join(bind.names)} into the install instead of copying them before it"
            " (the later COPY of the project puts them in the image)"
        )
        out.change(message, applicability=SAFE, at=run).replace(run, add_flags(run, bind.flags)).remove(bind.copy)
        return
    new = add_flags(new, flags)
    what = ", ".join(dict.fromkeys(names))
    out.edit(
        run,
        new,
        message=f"cache mount for {what}: downloads are kept between builds and stay out of the layer",
        applicability=SAFE if safe else _KEPT_OUT,
    )


@attrs.frozen
class _Bind:
    """Bind mounts standing in for the manifests COPY right before an install."""

    copy: object
    flags: tuple[str, ...]
    names: tuple[str, ...]


# Installs that only read their manifests: read-only mounts, as `docker init` writes them.
# Any other install may rewrite one (`npm install` updates package-lock.json): `rw`, whose
# writes are dropped, as the later COPY of the project drops them without the mount.
_READ_ONLY = (
    ("npm", "ci"),
    ("go", "mod"),
    ("pip", "install"),
    ("yarn", "--frozen-lockfile"),
    ("yarn", "--immutable"),
    ("pnpm", "--frozen-lockfile"),
    ("cargo", "--locked"),
)


# Steps between the manifests COPY and the install that do not use the files
_PASSED = frozenset(("ENV", "ARG", "LABEL", "EXPOSE", "WORKDIR", "USER", "SHELL", "STOPSIGNAL"))


def _bind(tree, run, site, ctx, out) -> _Bind | None:
    """The manifests COPY before ``run`` (past ENV, ARG, a RUN that reads no
    file of the project like `python -m venv`) as bind mounts, when the
    install reads nothing else from it and a later COPY of the whole project
    puts the files where the COPY did (else a note says why not)."""
    from ..analysis import facts
    from ..manifests import classify, manifests
    from ..syntax.nodes import CopyLike
    from .msb201_manifests_first import _broad_copy, _reads_sources, _workdir

    stage = next(st for st in tree.stages if any(i is run for i in st.instructions))
    ins = list(stage.instructions)
    k = next(n for n, i in enumerate(ins) if i is run)
    copy = None
    for node in reversed(ins[:k]):  # the COPY before the install, past steps that read no file of the project
        if isinstance(node, CopyLike):
            copy = node
            break
        if type(node) is Run and _reads_sources(tree, node, ctx) is None or node.name in _PASSED:
            continue
        return None
    if copy is None or copy.from_stage is not None or copy.heredocs or not copy.sources:
        return None
    steps = [s for s in (classify(inv) for inv in site.invocations()) if s is not None]
    installs = [s for s in steps if s.role == "install" and not s.reason]
    if not installs or copy.has_flag("parents") or copy.has_flag("exclude"):
        return None
    f = facts(tree)
    expand = f.expander(copy)
    sources = [expand(w).text for w in copy.sources]
    dest = expand(copy.destination).text if copy.destination is not None else None
    if dest is None or any(s is None or any(c in s for c in "*?[$") for s in sources):
        return None
    sources = [posixpath.normpath("/" + s).lstrip("/") for s in sources]
    if any(c in s for s in [*sources, dest] for c in ",=\"' \t"):
        return None  # not a plain word of a --mount spec
    if not all(ctx.build_context.is_file(s) for s in sources):
        return None
    named = len(sources) == 1 and not dest.endswith("/") and dest not in (".", "..")  # `COPY a.txt /app/a.txt`
    image = posixpath.normpath(dest if dest.startswith("/") else posixpath.join(_workdir(f, copy), dest))
    folder = posixpath.dirname(image) if named else image
    read = set()
    for step in installs:
        cwd = step.inv.cwd
        if cwd is None:
            continue
        project = posixpath.normpath(posixpath.join(posixpath.dirname(sources[0]), posixpath.relpath(cwd, folder)))
        if project.startswith(".."):
            continue
        found = manifests(step, ctx.build_context, "" if project == "." else project)
        if not isinstance(found, str):
            read.update(found.files)
    if not set(sources) <= read:
        return None  # the COPY brings more than the install's manifests
    where = f"no bind mount for the COPY at line {copy.line}"
    if copy.chmod:
        out.note(run, f"{where}: it sets a mode (`--chmod`), which a bind mount does not")
        return None
    if named and posixpath.basename(image) != posixpath.basename(sources[0]):
        out.note(run, f"{where}: its destination `{dest}` may name a file or a folder; end it with `/`")
        return None
    if "\u2400" in folder:
        out.note(run, f"{where}: the WORKDIR it copies into is not known")
        return None
    placed = {s: posixpath.join(folder, posixpath.basename(s)) for s in sources}
    for later in ins[k + 1 :]:
        if isinstance(later, CopyLike):
            source = _broad_copy(tree, later, ctx, f)
            if source is not None and all(
                _under(s, source.context_dir)
                and posixpath.join(source.image_dir, posixpath.relpath(s, source.context_dir or ".")) == at
                for s, at in placed.items()
            ):
                break
        elif type(later) is Run or later.name in ("VOLUME", "ONBUILD"):
            out.note(run, f"{where}: the {later.name} at line {later.line} comes before any COPY of the project")
            return None
    else:
        out.note(run, f"{where}: no later COPY of the project puts the files in the image")
        return None
    read_only = all(
        any(s.tool == tool and key in [a.value for a in s.inv.args] for tool, key in _READ_ONLY) for s in installs
    )
    if not read_only and not _root(site):
        out.note(
            run,
            f"{where}: the install may write the files, which a mount of root's files as `{site.state.user}` refuses",
        )
        return None
    mode = "" if read_only else ",rw"
    flags = tuple(f"--mount=type=bind,source={s},target={placed[s]}{mode}" for s in sources)
    return _Bind(copy, flags, tuple(posixpath.basename(s) for s in sources))


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder.rstrip("/") + "/")
