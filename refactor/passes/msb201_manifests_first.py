"""MSB201: copy the dependency manifests, install, then copy the sources."""

from __future__ import annotations

import posixpath

import attrs

from ..syntax.nodes import Add, CopyLike, Run, Volume, Workdir
from . import SAFE, Decline, Pass


class ManifestsFirst(Pass):
    """
    ## What it does
    Finds a dependency install that runs after the whole build context (or
    the folder holding the project) is copied, and rewrites it to copy only
    the files the install reads first, install, then copy the rest:
    `package.json` and its lockfile for npm, yarn, pnpm and Bun,
    `requirements*.txt` with every file it pulls in (`-r`, `-c`) for pip,
    `pyproject.toml` with `poetry.lock` or `uv.lock`, `Pipfile` and
    `Pipfile.lock`, `go.mod` and `go.sum` (then `go mod download`),
    `Cargo.toml` and `Cargo.lock` (then `cargo fetch` over a stand-in
    `src/main.rs`), `pom.xml` (then `mvn dependency:go-offline`), the
    Gradle settings, build scripts and wrapper (then `gradle
    dependencies`), `Gemfile` and `Gemfile.lock`, `composer.json` and
    `composer.lock` (`composer install --no-scripts --no-autoloader`
    first), and a .NET project file (then `dotnet restore`).

    Where the install also installs the project itself (`poetry install`
    without `--no-root`, `uv sync`, `composer install`), it splits in two:
    the dependencies before the sources, the original command after them.
    A RUN that installs and then builds (`npm ci && npm run build`) is split
    after the install. The manifest COPY keeps the original's `--chown`,
    `--chmod` and destination (a relative destination stays relative to
    the WORKDIR).

    It declines, with the reason, when the install needs more than the
    manifests: an install of the project itself with no dependencies-only
    form (`pip install .`), a lifecycle script (`postinstall`, `prepare`)
    that may read the sources, a path dependency, a workspace whose members
    it does not list, a step between the copy and the install that may use
    the sources, or a context that holds the install's output
    (`node_modules`) which the later copy would put back.

    ## Why
    A layer is rebuilt when anything it copied changed, and so is every
    layer after it. With `COPY . .` before the install, editing one source
    file reinstalls every dependency: a build that could take seconds takes
    minutes. With the manifests copied first, the install layer is reused
    until a manifest changes.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install flask gunicorn
    CMD ["gunicorn", "app:app"]
    ```

    With `package.json` and `package-lock.json` in the build context, a
    `RUN npm ci` after `COPY . .` becomes `COPY package.json
    package-lock.json ./`, `RUN npm ci`, `COPY . .`. An install that reads
    no file of the project, as here, simply runs before the copy.

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    RUN pip install flask gunicorn
    COPY . .
    CMD ["gunicorn", "app:app"]
    ```

    ## Fix safety
    Safe: the install reads the same manifests, under the same paths and
    ownership, and every later step sees the same files, since the sources
    are copied right after the install and before anything else. Files the
    install writes into the project folder (`node_modules`, `vendor`,
    `.venv`) must not be in the build context (the pass checks, through
    `.dockerignore`); a lockfile the install would rewrite (`npm install`
    with a stale `package-lock.json`) ends up as the context has it.
    """

    code = "MSB201"
    name = "manifests-first"
    runs_after = ("MSB101",)  # the split's builder stage keeps the original install order

    def run(self, tree, ctx):
        from ..manifests import TOOL_WORDS

        runs = [i for i in tree.instructions if type(i) is Run and any(w in i.rest for w in TOOL_WORDS)]
        if not runs or not any(isinstance(i, CopyLike) for i in tree.instructions):
            return self.outcome()
        out = self.outcome()
        reasons: list = []
        for stage in tree.stages:
            _stage(tree, stage, ctx, out, reasons)
        if not out.edits and reasons:
            more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
            return Decline(reasons[0][1] + more)
        for node, reason in reasons:
            out.note(node, f"left alone: {reason}")
        return out


@attrs.frozen
class _Source:
    """A copy of one context folder to one image folder."""

    context_dir: str  # "" for the root
    image_dir: str


def _stage(tree, stage, ctx, out, reasons: list) -> None:
    from ..analysis import facts

    f = facts(tree)
    ins = stage.instructions
    from ..manifests import TOOL_WORDS

    for i, copy in enumerate(ins):
        if not isinstance(copy, CopyLike) or copy.from_stage is not None or len(copy.sources) != 1:
            continue
        if not any(type(n) is Run and any(w in n.rest for w in TOOL_WORDS) for n in ins[i + 1 :]):
            break  # no install after this copy, nor after any later one
        source = _broad_copy(tree, copy, ctx, f)
        if source is None:
            continue
        between = []
        for later in ins[i + 1 :]:
            if isinstance(later, CopyLike) and _overlaps(f, later, source.image_dir):
                break
            if type(later) is Run:
                found = _plan(tree, stage, copy, source, later, between, ctx, f)
                if found is None:  # no dependency step: maybe a step the move crosses
                    between.append(later)
                    continue
                if isinstance(found, str):
                    reasons.append((later, found))
                else:
                    found(out)
                break
            between.append(later)


def _broad_copy(tree, copy, ctx, f) -> _Source | None:
    """The folder ``copy`` copies whole, or None (files, another stage, a URL)."""
    if copy.from_stage is not None or copy.heredocs or copy.has_flag("parents") or copy.has_flag("exclude"):
        return None
    if len(copy.sources) != 1 or copy.destination is None:
        return None
    expand = f.expander(copy)
    src = expand(copy.sources[0]).text
    dest = expand(copy.destination).text
    if src is None or dest is None or any(c in src for c in "*?["):
        return None
    if isinstance(copy, Add) and src.startswith(("http://", "https://", "git@")):
        return None
    clean = posixpath.normpath("/" + src).lstrip("/")
    clean = "" if clean in (".", "") else clean
    if clean and not ctx.build_context.is_dir(clean):
        return None
    if dest.startswith("/"):
        image = posixpath.normpath(dest)
    else:
        image = posixpath.normpath(posixpath.join(_workdir(f, copy), dest))
    return _Source(clean, image)


def _workdir(f, ins) -> str:
    """The WORKDIR before ``ins``; one not known here (the base image's) is
    a stand-in path named by its reason, so that paths relative to the same
    unknown folder still compare equal."""
    from ..recognisers.images import image_workdir

    state = f.state_before(ins)
    workdir = state.workdir
    if isinstance(workdir, str):
        return workdir
    return image_workdir(state.base) or "/\u2400" + getattr(workdir, "reason", "unknown").replace("/", "\u2215")


def _cwd(f, run, inv) -> str | None:
    rel = inv.cmd.cwd
    if rel is None:
        return None
    return posixpath.normpath(posixpath.join(_workdir(f, run), rel))


def _plan(tree, stage, copy, source: _Source, run, between, ctx, f):
    """A function that writes the rewrite into ``out``, a reason, or None
    when ``run`` runs no dependency step."""
    from ..manifests import TOOL_WORDS, Manifests, classify, manifests
    from ..recognisers.site import RunSite

    if not any(w in run.rest for w in TOOL_WORDS):
        return None
    site = RunSite.of(tree, run, ctx.build_context)
    script = site.script
    where = f"the RUN at line {run.line}"
    if script.unknown and not script.commands:
        return f"{where} cannot be read as a shell script ({script.unknown[0].reason})"
    invs = site.invocations()
    steps = [classify(inv) for inv in invs]
    if not any(s is not None and s.tool not in ("system", "shell", "gem") for s in steps):
        return None
    if script.unknown:
        return f"{where} cannot be read as a shell script ({script.unknown[0].reason})"
    barrier = None  # the first step between the copy and the install that may read the sources
    for node in between:
        if isinstance(node, Volume):
            return f"the VOLUME at line {node.line} between the copy and the install would change what the copy writes"
        if isinstance(node, Workdir) and not copy.destination.startswith("/"):
            return (
                f"the COPY at line {copy.line} has a relative destination and the WORKDIR at line {node.line}"
                " comes before the install"
            )
        if type(node) is Run and barrier is None:
            other = _reads_sources(tree, node, ctx)
            if other:
                barrier = (
                    node,
                    f"the RUN at line {node.line} between the copy and the install runs `{other}`, which may use the sources",
                )
        elif barrier is not None and not isinstance(node, Run):
            return barrier[1]  # the download would run in another state than the build
    k = next((n for n, s in enumerate(steps) if s is None or s.role in ("build", "project") or s.reason), len(steps))
    installs = [s for s in steps[:k] if s.role == "install"]
    bad = steps[k] if k < len(steps) else None
    if bad is not None and bad.reason and (not installs or bad.role == "install"):
        return bad.reason
    if installs:
        kind = "move" if k == len(steps) else "split"
        deps = installs
    elif k == len(steps):
        kind, deps = "move", []
    elif bad is not None and bad.role in ("build", "project") and bad.prefetch:
        if _fetched_before(tree, stage, copy, bad, ctx):
            return None  # the dependencies are already fetched before the copy
        kind, deps = "new", [bad]
    elif bad is not None and bad.role in ("build", "project"):
        return bad.reason or f"`{bad.inv.text}` has no step that installs only the dependencies"
    else:
        return f"`{invs[k].text}` runs in {where} before the install and may need the sources"
    if barrier is not None and kind != "new":
        return barrier[1]
    anchor = barrier[0] if barrier is not None else run
    if kind == "split":
        problem = _split_problem(run, script, invs, k)
        if problem:
            return problem
    found: list[str] = []
    folders: list[str] = []
    for step in deps:
        cwd = _cwd(f, run, step.inv)
        if cwd is None:
            return f"`{step.inv.text}`: {step.inv.cwd_reason()}"
        rel = posixpath.relpath(cwd, source.image_dir)
        if rel == ".." or rel.startswith("../"):
            return None  # the install reads another folder: this copy is not the project's
        if step.requirements:
            step = attrs.evolve(step, requirements=tuple(_relative(r, cwd) for r in step.requirements))
        project = (
            posixpath.normpath(posixpath.join(source.context_dir, rel)).lstrip("./")
            if rel != "."
            else source.context_dir
        )
        if project == ".":
            project = ""
        m = manifests(step, ctx.build_context, project)
        if isinstance(m, str):
            return m
        if step.tool == "cargo" and kind == "new":
            earlier = [n for n in stage.instructions if isinstance(n, CopyLike) and n.line < copy.line]
            if earlier:
                return f"the COPY at line {earlier[0].line} may have put a src folder where `cargo fetch` needs a stand-in one"
        assert isinstance(m, Manifests)
        found.extend(p for p in m.files if p not in found)
        folders.extend(d for d in m.dirs if d not in folders)
    prefetch = deps[0].prefetch if deps else None
    if kind == "new" and deps[0].tool == "cargo":
        from ..manifests import cargo_fetch

        manifest = next(p for p in found if p.endswith("Cargo.toml"))
        prefetch = cargo_fetch(ctx.build_context.read_text(manifest) or "")
    if deps and not found and not folders:
        return f"`{deps[0].inv.text}` reads no manifest file this tool knows"
    new_copies = _manifest_copies(tree, copy, source, found, folders)
    if isinstance(new_copies, str):
        return new_copies
    names = ", ".join(posixpath.relpath(p, source.context_dir) if source.context_dir else p for p in found + folders)

    def write(out):
        if kind == "new":
            message = (
                f"copy {names} and run `{deps[0].prefetch}`"
                f" before the sources, so a source change reuses the downloaded dependencies of `{deps[0].inv.text}`"
            )
        elif names:
            message = f"copy {names} before the sources, so a source change reuses the layer of `{deps[0].inv.text}`"
        else:
            message = (
                f"the RUN at line {run.line} reads no file of the sources: run it before the COPY at line {copy.line}"
            )
        edit = out.change(message, applicability=SAFE, at=copy)
        if new_copies:
            edit.insert_before(copy, *new_copies)
        if kind == "move":
            edit.move(copy, after=run)
        elif kind == "new":
            step = deps[0]
            cd = f"cd {step.inv.cmd.cwd} && " if step.inv.cmd.cwd not in (".", None) else ""
            flags = " ".join(run.raw_flags)
            fetch = tree.instruction(" ".join(p for p in ("RUN", flags, cd + prefetch) if p))
            edit.insert_before(anchor, fetch)
            edit.move(copy, before=anchor)
        else:
            first, rest = _split_texts(script, invs, k)
            flags = " ".join(run.raw_flags)
            r1 = tree.instruction(" ".join(p for p in ("RUN", flags, first) if p))
            r2 = tree.instruction(" ".join(p for p in ("RUN", flags, rest) if p))
            edit.replace(run, r1, *tree.owned(copy), r2)
            edit.remove(copy)

    return write


def _relative(path: str, cwd: str) -> str:
    return posixpath.relpath(path, cwd) if path.startswith("/") else path


def _overlaps(f, copy, image_dir: str) -> bool:
    """``copy`` writes into ``image_dir`` (or over it), or where is not known."""
    dest = copy.destination
    text = f.expander(copy)(dest).text if dest is not None else None
    if text is None:
        return True
    target = posixpath.normpath(text if text.startswith("/") else posixpath.join(_workdir(f, copy), text))
    inside = image_dir.rstrip("/") + "/"
    return target == image_dir or target.startswith(inside) or image_dir.startswith(target.rstrip("/") + "/")


def _fetched_before(tree, stage, copy, step, ctx) -> bool:
    """A RUN before ``copy`` already installs ``step``'s dependencies (a rewrite made earlier)."""
    from ..manifests import TOOL_WORDS, classify
    from ..recognisers.site import RunSite

    for node in stage.instructions:
        if node is copy:
            return False
        if type(node) is Run and any(w in node.rest for w in TOOL_WORDS):
            for inv in RunSite.of(tree, node, ctx.build_context).invocations():
                found = classify(inv)
                if found is not None and found.tool == step.tool and found.role == "install":
                    return True
    return False


def _reads_sources(tree, run, ctx) -> str | None:
    """The first command of ``run`` that may read the sources, or None."""
    from ..manifests import classify
    from ..recognisers.site import RunSite

    site = RunSite.of(tree, run, ctx.build_context)
    if site.script.unknown:
        return " ".join(run.rest.split())[:40]
    for inv in site.invocations():
        step = classify(inv)
        if step is None or step.role != "free":
            return inv.text
    return None


def _split_problem(run, script, invs, k) -> str | None:
    where = f"the RUN at line {run.line}"
    if run.is_exec_form or run.heredocs:
        return f"{where} would have to be split, and it is not in shell form"
    for inv in invs[: k + 1]:
        cmd = inv.cmd
        if cmd.context or cmd.conditional or cmd.redirects:
            return f"{where} cannot be split after the install: `{inv.text}` is not a plain command of an && list"
    if any(inv.name in ("export", "cd", "source", ".") for inv in invs[:k]) or invs[k].cmd.cwd != ".":
        return f"{where} cannot be split after the install: its first part sets up the shell for the rest"
    if invs[k].cmd.operator != "&&":
        return f"{where} cannot be split after the install: `{invs[k].text}` does not follow it with &&"
    gap = script.text[invs[k - 1].cmd.span[1] : invs[k].cmd.span[0]]
    if gap.strip() != "&&":
        return f"{where} cannot be split after the install"
    return None


def _split_texts(script, invs, k) -> tuple[str, str]:
    text = script.text
    return text[: invs[k - 1].cmd.span[1]].strip(), text[invs[k].cmd.span[0] :].strip()


def _manifest_copies(tree, copy, source: _Source, files: list[str], folders: list[str]):
    """COPY instructions putting ``files`` and ``folders`` where ``copy`` puts them."""
    dest_word = copy.destination
    groups: dict[str, list[str]] = {}
    for path in files:
        rel = posixpath.relpath(path, source.context_dir) if source.context_dir else path
        groups.setdefault(posixpath.dirname(rel), []).append(path)
    made = []
    try:
        for sub, paths in groups.items():
            made.append(
                tree.make_copy(paths, _dest(dest_word, sub), chown=copy.chown, chmod=copy.chmod, link=copy.link)
            )
        for folder in folders:
            rel = posixpath.relpath(folder, source.context_dir) if source.context_dir else folder
            made.append(
                tree.make_copy([folder], _dest(dest_word, rel), chown=copy.chown, chmod=copy.chmod, link=copy.link)
            )
    except ValueError as e:
        return f"the manifests' COPY cannot be written: {e}"
    return made


def _dest(dest_word: str, sub: str) -> str:
    """``dest_word`` (the original destination) extended by ``sub``, as a folder."""
    base = dest_word.rstrip("/")
    if not base:
        base = "/" if dest_word.startswith("/") else "."
    if sub:
        base = f"{base}/{sub}" if base not in ("/",) else f"/{sub}"
    if base in (".",):
        return "./"
    return base + "/"
