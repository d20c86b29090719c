"""MSB206: propose the .dockerignore entries a build context lacks."""

from __future__ import annotations

import os
import re

from ..syntax.nodes import CopyLike, Run
from . import SAFE, Pass, unsafe

# entry -> (paths that show the ignore file already covers it, what needs it)
# "any": every build that copies the whole context; a tool name: only when
# a RUN uses that tool (the build makes the folder itself, so the context's
# copy is stale or for another platform).
ENTRIES = (
    (".git", (".git", ".git/HEAD"), "any"),
    ("**/__pycache__", ("__pycache__", "app/__pycache__"), "python"),
    ("**/*.pyc", ("x.pyc", "app/x.pyc"), "python"),
    (".venv", (".venv",), "python"),
    ("node_modules", ("node_modules",), "node"),
    ("npm-debug.log*", ("npm-debug.log",), "node"),
    ("target", ("target",), "rust"),
    ("dist", ("dist",), "node-build"),
    ("*.log", ("x.log",), "any"),
)
SECRETS = ((".env", (".env",)),)
_TOOLS = {
    "python": re.compile(r"\b(pip3?|python3?|poetry|uv|pipenv)\b"),
    "node": re.compile(r"\b(npm|yarn|pnpm|bun)\b"),
    "rust": re.compile(r"\bcargo\b"),
    "node-build": re.compile(r"\b(npm run|yarn|pnpm( run)?) build\b"),
}
_ENV = unsafe("the app may read its settings from .env at run time, which would then no longer be in the image")
HEADER = "# proposed by msb-refactor (MSB206): not needed in the image, and they make the build context slow to send"


class DockerIgnore(Pass):
    """
    ## What it does
    For a Dockerfile that copies its whole build context (`COPY . .`),
    proposes the `.dockerignore` entries the context lacks: `.git`, logs,
    and per ecosystem the folders the build makes itself or that only the
    developer's machine needs: `node_modules`, `npm-debug.log*` and a
    `dist` the build regenerates for Node.js, `__pycache__`, `*.pyc` and
    `.venv` for Python, `target` for Rust; `.env` too, as an unsafe fix.
    The proposal is a new `.dockerignore` (or lines appended to the
    existing one, or to `<Dockerfile>.dockerignore` when that is the one
    in use), shown in the diff and written with `--write`; above the user's
    lines when they re-include files with `!`, since the last matching line
    wins. A line the user wrote is never removed, an entry the file already covers is not added
    again, and nothing the Dockerfile copies by name (`COPY dist/ ...`,
    `COPY .env .`) or a RUN uses (`git describe`) is ignored.

    ## Why
    Everything in the context is sent to the builder and, with `COPY . .`,
    lands in the image: a `.git` history, a host `node_modules` built for
    another platform, caches and logs. They make the context slow to send,
    the image bigger, and every change to them invalidates the copy's layer.

    ## Example
    ```dockerfile
    FROM node:20
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "server.js"]
    ```

    ## Use instead
    ```
    # proposed by msb-refactor (MSB206): not needed in the image, and they make the build context slow to send
    .git
    node_modules
    npm-debug.log*
    *.log
    ```

    The Dockerfile stays as it is: this is the new `.dockerignore` beside it.

    ## Fix safety
    Safe for the entries proposed by default: version control data, caches
    and folders the build makes again. Adding `.env` is unsafe: an
    application may read its settings from that file at run time.
    """

    code = "MSB206"
    name = "dockerignore"
    proposes_file = ".dockerignore"  # its change is that file (the docs' "Use instead")

    def run(self, tree, ctx):
        out = self.outcome()
        whole = [i for i in tree.instructions if isinstance(i, CopyLike) and i.from_stage is None and _whole(i)]
        if not whole or ctx.path in (None, "<stdin>", "-"):
            return out
        context = ctx.build_context
        if not context.root.is_dir():
            return out
        runs = " ".join(i.rest for i in tree.instructions if type(i) is Run)
        named = [s for i in tree.instructions if isinstance(i, CopyLike) and i.from_stage is None for s in i.sources]
        wanted = []
        for entry, probes, need in ENTRIES:
            if need != "any" and not _TOOLS[need].search(runs):
                continue
            if any(context.excluded(p) for p in probes) or _copied(entry, named):
                continue
            if entry == ".git" and re.search(r"\bgit\b", runs):
                continue
            if entry == "dist" and not _reads_dist(tree):
                continue  # the build writes somewhere else: the context's dist may be what the image serves
            wanted.append(entry)
        secrets = [
            e
            for e, probes in SECRETS
            if context.is_file(e) and not any(context.excluded(p) for p in probes) and not _copied(e, named)
        ]
        chosen, applicability = wanted, SAFE
        if secrets and ctx.unsafe_fixes:
            chosen, applicability = wanted + secrets, _ENV
        elif secrets:
            out.note(
                whole[0],
                "`.env` is sent to the builder: add it to .dockerignore (--unsafe-fixes) unless the app reads it",
            )
        if not chosen:
            return out
        path = os.path.normpath(context.ignore_file)
        try:
            with open(path, "rb") as f:
                old = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            old = None
        except OSError:
            return out
        newline = "\r\n" if old and "\r\n" in old else "\n"
        lines = [HEADER, *chosen]
        if old is None:
            new = newline.join(lines) + newline
            what = "a .dockerignore"
        elif any(ln.strip().startswith("!") for ln in old.splitlines()):
            # The last matching line wins: above the user's `!` lines, no new entry overrides them.
            new = newline.join(lines) + newline + old
            what = "the .dockerignore"
        else:
            sep = "" if not old or old.endswith("\n") else newline
            new = old + sep + newline.join(lines) + newline
            what = "the .dockerignore"
        out.propose_file(
            path,
            old,
            new,
            message=f"{what} that leaves out {', '.join(chosen)}: sent to the builder and copied by `COPY .`,"
            " but not needed in the image",
            applicability=applicability,
            line=whole[0].line,
        )
        return out


def _whole(copy) -> bool:
    return len(copy.sources) == 1 and copy.sources[0].strip() in (".", "./")


def _copied(entry: str, sources: list[str]) -> bool:
    """A COPY names a path the entry would leave out."""
    from ..context import DockerIgnore as Rules

    rules = Rules([entry])
    return any(s.strip() not in (".", "./") and rules.excluded(s.strip().lstrip("./") or ".") for s in sources)


def _reads_dist(tree) -> bool:
    """A later step uses what the build wrote to dist (`COPY --from=build /app/dist`, `cp -r dist/*`)."""
    return any(
        re.search(r"(^|[/\s])dist\b", i.rest)
        for i in tree.instructions
        if type(i) is Run or (isinstance(i, CopyLike) and i.from_stage is not None)
    )
