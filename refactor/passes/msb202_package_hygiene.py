"""MSB202: system package installs that update, install and clean in one layer."""

from __future__ import annotations

from ..syntax.nodes import Run
from . import SAFE, Pass, unsafe

# A RUN whose text has none of these installs no system package.
_GATE = ("apt", "apk", "dnf", "yum")
_VERBS = ("install", "add")
_CLEAN = {
    "apt": " && rm -rf /var/lib/apt/lists/*",
    "dnf": " && dnf clean all",
    "yum": " && yum clean all",
    "microdnf": " && microdnf clean all",
}
_NO_RECOMMENDS = unsafe(
    "a package the image needs may come only as a recommendation of another; without it, the app may fail at run time"
)


class PackageHygiene(Pass):
    """
    ## What it does
    Makes each system package install update its index, install and clean
    up in the same layer:

    * `apt-get install` without an `apt-get update` earlier in the same RUN
      gets one (`apt-get update && apt-get install ...`);
    * a RUN that installs with apt and leaves the package lists behind
      gets `&& rm -rf /var/lib/apt/lists/*` at its end; `dnf`, `yum` and
      `microdnf` get `&& dnf clean all`;
    * `apk add` without `--no-cache` (and no removal of `/var/cache/apk`)
      gets `--no-cache`;
    * `apt-get install` without `--no-install-recommends` gets it, as an
      unsafe fix (applied with `--unsafe-fixes`).

    A RUN that is not a plain `&&` list, or that has a cache mount for the
    package cache, is left alone; so are removals a later RUN of the stage
    still needs (a later install that does not update the lists itself).

    ## Why
    `RUN apt-get update` in its own layer is cached: a later change to the
    install line reuses index files that may be months old, and the install
    fails or gets stale packages. Package lists left in a layer add tens of
    megabytes to every image built from it, and deleting them in a later
    RUN does not shrink the earlier layer. Recommended packages are often
    documentation and tools the image never uses.

    ## Example
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update
    RUN apt-get install -y curl
    FROM alpine:3.20
    RUN apk add curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update
    RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*
    FROM alpine:3.20
    RUN apk add --no-cache curl
    ```

    ## Fix safety
    Updating in the same RUN, removing the lists and `--no-cache` are safe:
    the same packages are installed from a fresh index, and no later step
    of the stage reads the lists without updating them first (the pass
    checks). `--no-install-recommends` is unsafe: a package the application
    needs may be installed only as a recommendation of another.
    """

    code = "MSB202"
    name = "package-install-hygiene"
    runs_after = ("MSB201",)

    def run(self, tree, ctx):
        out = self.outcome()
        runs = [
            i
            for i in tree.instructions
            if type(i) is Run
            and any(g in i.rest for g in _GATE)
            and any(v in i.rest for v in _VERBS)
            and not _looks_clean(i.rest)
        ]
        if not runs:
            return out
        found = []  # (run, facts)
        for run in runs:
            facts = _package_facts(tree, run, ctx)
            if facts.installs:
                found.append((run, facts))
        updated_later = _stale_installs(tree, found)
        for run, facts in found:
            _hygiene(tree, run, facts, out, updated_later)
        return out


def _package_facts(tree, run, ctx):
    """What the package manager commands of ``run`` install: the shared
    recogniser, asked only about them (not the compilers and build tools)."""
    from ..recognisers import packages
    from ..recognisers.model import RunFacts
    from ..recognisers.site import RunSite

    site = RunSite.of(tree, run, ctx.build_context)
    if site.script.unknown:
        return RunFacts()
    installs = []
    for inv in site.invocations():
        if inv.name in packages.MANAGERS:
            found = packages.recognise(inv)
            if found is not None:
                installs.extend(found.installs)
    return RunFacts(installs=tuple(installs))


def _looks_clean(text: str) -> bool:
    """Every install the text can hold already has what this pass adds (a
    cheap test before reading the shell; a RUN that fails it is read)."""
    if "apt" in text and not ("update" in text and "/var/lib/apt/lists" in text and "--no-install-recommends" in text):
        return False
    if "apk" in text and "--no-cache" not in text and "/var/cache/apk" not in text:
        return False
    return not (("dnf" in text or "yum" in text) and "clean all" not in text)


def _stale_installs(tree, found) -> dict[int, bool]:
    """For each RUN (by id): whether a later apt install of its stage reads
    the lists without updating them in its own RUN (even after this pass)."""
    from ..analysis import facts as tree_facts

    graph = tree_facts(tree).stages
    later_stale: dict[int, bool] = {}
    stale_seen: dict[int, bool] = {}  # stage index -> a stale apt install seen after
    for run, facts in reversed(found):
        info = graph.stage_of(run)
        stage = info.index if info is not None else -1
        later_stale[id(run)] = stale_seen.get(stage, False)
        for install in facts.installs:
            if install.manager == "apt" and not install.update_in_same_layer and not _can_update(install):
                stale_seen[stage] = True
    return later_stale


def _can_update(install) -> bool:
    cmd = install.command
    return cmd is not None and not cmd.context and not cmd.conditional and cmd.operator in (None, "&&")


def _cache_mount(run, manager: str) -> bool:
    from ..recognisers.packages import CACHE_DIRS

    for mount in run.mounts:
        if mount.get("type") == "cache" and any(
            (mount.get("target") or mount.get("dst") or "").rstrip("/").startswith(d.rsplit("/", 1)[0])
            for d in CACHE_DIRS[manager]
        ):
            return True
    return False


def _hygiene(tree, run, facts, out, later_stale) -> None:
    from ..analysis.shell import run_script
    from ..runedit import insert, plain_and_list, word_end

    script = run_script(run)
    safe_edits: list[tuple[int, str]] = []
    unsafe_edits: list[tuple[int, str]] = []
    said: list[str] = []
    clean_with = None
    for install in facts.installs:
        manager = install.manager
        cmd = install.command
        if cmd is None or _cache_mount(run, manager):
            continue
        if manager == "apt":
            if not install.update_in_same_layer and _can_update(install):
                safe_edits.append((cmd.span[0], "apt-get update && "))
                said.append("update the package lists in the same RUN")
            if "--no-install-recommends" not in install.flags:
                at = word_end(script.text, cmd.span, "install")
                if at is not None:
                    unsafe_edits.append((at, " --no-install-recommends"))
        if manager == "apk" and not install.cleans_lists:
            at = word_end(script.text, cmd.span, "add")
            if at is not None:
                safe_edits.append((at, " --no-cache"))
                said.append("`apk add --no-cache` keeps no index in the layer")
        if manager in _CLEAN and not install.cleans_lists and not install.removed_in_same_layer:
            clean_with = clean_with or manager
    if clean_with is not None:
        if not plain_and_list(script.commands):
            out.note(run, "package lists left in the layer: the RUN is not a plain && list to append a clean-up to")
        elif clean_with == "apt" and later_stale.get(id(run)):
            out.note(run, "package lists kept: a later RUN of the stage installs from them without updating")
        else:
            # After the last command: a trailing comment (`# why`) would swallow the clean-up.
            safe_edits.append((max(c.span[1] for c in script.commands), _CLEAN[clean_with]))
            said.append("remove the package cache in the same layer")
    if safe_edits:
        new = insert(run, safe_edits)
        if new is None:
            out.note(run, "left alone: the RUN's text cannot be edited in place")
            return
        out.edit(run, new, message="; ".join(dict.fromkeys(said)), applicability=SAFE)
        return  # the unsafe edit comes in the next round, on the new text
    if unsafe_edits:
        new = insert(run, unsafe_edits)
        if new is not None:
            out.edit(
                run,
                new,
                message="`apt-get install --no-install-recommends` installs only the packages asked for",
                applicability=_NO_RECOMMENDS,
            )
