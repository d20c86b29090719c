"""Next.js apps built with `next build` (npm, yarn or pnpm): with
`output: 'standalone'` in `next.config.*`, only the standalone server.

Next's standalone output (`.next/standalone`) is a `server.js` with the
part of `node_modules` it needs; the runtime gets it as the app's folder,
with `.next/static` and `public/` beside it, and runs `node server.js`
(`CMD ["server.js"]` on distroless Node.js, whose entrypoint is node)
instead of `next start`, with `HOSTNAME=0.0.0.0`: the server listens on
`$HOSTNAME`, which the container runtime sets to the container's name.
The dependencies, the sources and the build cache stay in the builder.

Without the standalone output, the app is split as any Node.js app (its
folder with production dependencies, `.next` included, and `next start`),
and the message says that enabling standalone would shrink it further.
What leaves a Next.js app alone is what leaves any Node.js app alone (see
the Node.js page).
"""

from __future__ import annotations

from ..split import Plan, StageFacts

TITLE = "Next.js"
COMMANDS = ("npm", "yarn", "pnpm", "npx")
NEEDLES = ("npm", "yarn", "pnpm", "npx")
READS_BUILD_RUNS = False  # its package managers' commands are read from the RUNs here
EXAMPLE, FIXTURE_PREFIX = "next-standalone", "next-"


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    from . import node

    if not _depends_on_next(tree, stage, ctx, stage_facts):
        return None
    return node.plan(tree, stage, ctx, stage_facts)


def _depends_on_next(tree, stage, ctx, stage_facts) -> bool:
    import posixpath

    from ..recognisers.node import read_package
    from ..recognisers.site import RunSite

    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any(needle in ins.rest for ins in runs for needle in NEEDLES):
        return False
    site = RunSite.of(tree, runs[-1], ctx.build_context)
    workdir = stage_facts.workdir or site.workdir
    if not workdir:
        return False
    text = site.files.read_text(posixpath.join(workdir, "package.json"))
    package = read_package(text) if text and '"next"' in text else None
    return package is not None and "next" in package.dependencies
