"""MSB203: `npm install` -> `npm ci` where a lockfile is copied in."""

from __future__ import annotations

import posixpath

from ..syntax.nodes import Run
from . import Pass, unsafe

# Options `npm install` and `npm ci` both take with the same meaning.
_SHARED = frozenset(
    "--production --omit --include --only --ignore-scripts --no-audit --audit --no-fund --fund --legacy-peer-deps"
    " --unsafe-perm --loglevel --silent -s -q --quiet --prefer-offline --prefer-online --offline --no-optional"
    " --no-progress --progress --verbose -d --dd --registry --cache --foreground-scripts --strict-peer-deps"
    " --engine-strict --no-update-notifier --no-bin-links --install-links".split()
)
_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json")
_CI = unsafe(
    "`npm ci` fails where package.json and the lockfile disagree (`npm install` updated the lockfile)"
    " and deletes an existing node_modules first"
)


class NpmCi(Pass):
    """
    ## What it does
    Rewrites `npm install` (or `npm i`) with no package names to `npm ci`
    when the folder it runs in holds a `package-lock.json` or
    `npm-shrinkwrap.json` copied from the build context, and every option
    it is given means the same to `npm ci`.

    ## Why
    `npm install` resolves versions again and may write a new lockfile: two
    builds of the same sources can install different packages. `npm ci`
    installs exactly what the lockfile says, fails when it does not match
    `package.json`, and is faster in a clean image.

    ## Example
    ```dockerfile
    FROM node:20
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm install --omit=dev
    COPY . .
    ```

    ## Use instead
    ```dockerfile
    FROM node:20
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    COPY . .
    ```

    ## Fix safety
    Unsafe: where `package.json` and the lockfile disagree, `npm install`
    quietly updated the lockfile and `npm ci` fails the build; `npm ci` also
    deletes a `node_modules` folder that is already there.
    """

    code = "MSB203"
    name = "npm-ci"
    runs_after = ("MSB201",)

    def run(self, tree, ctx):
        out = self.outcome()
        runs = [i for i in tree.instructions if type(i) is Run and "npm" in i.rest]
        if not runs:
            return out
        from ..recognisers.site import RunSite
        from ..runedit import replace_word

        for run in runs:
            site = RunSite.of(tree, run, ctx.build_context)
            if site.script.unknown:
                continue
            for inv in site.invocations():
                if inv.name != "npm":
                    continue
                words = [a.value for a in inv.args]
                if not words or words[0] not in ("install", "i") or None in words:
                    continue
                rest = words[1:]
                if any(not w.startswith("-") for w in rest) or any(w in ("-g", "--global") for w in rest):
                    continue  # names packages, or installs globally
                odd = next((w for w in rest if w.split("=")[0] not in _SHARED), None)
                if odd is not None:
                    out.note(run, f"`npm {words[0]}` left alone: `{odd}` may not mean the same to `npm ci`")
                    continue
                cwd = inv.cwd
                if cwd is None:
                    continue
                lock = next(
                    (n for n in _LOCKFILES if site.files.is_file(posixpath.join(cwd, n)) or _named(site, cwd, n)),
                    None,
                )
                if lock is None:
                    continue
                new = replace_word(run, site.script.text, inv.cmd.span, words[0], "ci")
                if new is None:
                    continue
                out.edit(
                    run,
                    new,
                    message=f"{lock} is copied in: `npm ci` installs exactly what it locks",
                    applicability=_CI,
                )
                break  # one edit per RUN a round; the engine runs the pass again
        return out


def _named(site, cwd: str, name: str) -> bool:
    """An earlier COPY of the stage names ``name`` as a source and puts it in ``cwd``
    (the build fails without it, so it is there whatever the context holds)."""
    from ..syntax.nodes import CopyLike

    f = site.facts
    for ins in site.earlier_instructions():
        if not isinstance(ins, CopyLike) or ins.from_stage is not None or ins.destination is None:
            continue
        if not any(posixpath.basename(src) == name for src in ins.sources):
            continue
        dest = f.expander(ins)(ins.destination).text
        workdir = f.state_before(ins).workdir
        if dest is None or not (dest.endswith("/") or dest in (".", "./") or len(ins.sources) > 1):
            continue
        if not dest.startswith("/"):
            if not isinstance(workdir, str):
                continue
            dest = posixpath.join(workdir, dest)
        if posixpath.normpath(dest) == cwd:
            return True
    return False
