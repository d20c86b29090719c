"""MSB204: `pip install --no-cache-dir`."""

from __future__ import annotations

import re

from ..syntax.nodes import Run
from . import SAFE, Pass

_PIP = re.compile(r"pip(\d(\.\d+)?)?$")
_PYTHON = re.compile(r"python(\d(\.\d+)?)?$")


class PipNoCacheDir(Pass):
    """
    ## What it does
    Adds `--no-cache-dir` to `pip install` (`pip3`, `python -m pip`) when
    neither the command nor the environment (`PIP_NO_CACHE_DIR`) turns the
    cache off already and the RUN has no cache mount.

    ## Why
    pip keeps every wheel it downloads or builds in `~/.cache/pip`. In an
    image the cache is never used again, but it stays in the layer: often
    as big as the installed packages themselves.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask==3.0.3
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask==3.0.3
    ```

    ## Fix safety
    Safe: the same packages are installed; only the cache is not kept.
    """

    code = "MSB204"
    name = "pip-no-cache-dir"
    runs_after = ("MSB201",)

    def run(self, tree, ctx):
        out = self.outcome()
        runs = [i for i in tree.instructions if type(i) is Run and "pip" in i.rest]
        if not runs:
            return out
        from ..recognisers.site import RunSite
        from ..runedit import insert, word_end

        for run in runs:
            if any(m.get("type") == "cache" for m in run.mounts):
                continue
            site = RunSite.of(tree, run, ctx.build_context)
            if site.script.unknown:
                continue
            edits = []
            for inv in site.invocations():
                name = inv.name or ""
                words = [a.value for a in inv.args]
                if _PYTHON.match(name) and words[:2] == ["-m", "pip"] or _PYTHON.match(name) and words[:1] == ["-mpip"]:
                    words = words[2:] if words[0] == "-m" else words[1:]
                elif not _PIP.match(name):
                    continue
                if not words or words[0] != "install" or "--no-cache-dir" in words:
                    continue
                if any(w is not None and w.startswith("--cache-dir") for w in words):
                    continue
                if (inv.env("PIP_NO_CACHE_DIR") or "").lower() not in ("", "0", "false", "no", "off"):
                    continue
                at = word_end(site.script.text, inv.cmd.span, "install")
                if at is not None:
                    edits.append((at, " --no-cache-dir"))
            if edits:
                new = insert(run, edits)
                if new is not None:
                    out.edit(
                        run,
                        new,
                        message="`pip install --no-cache-dir`: the download cache would stay in the layer",
                        applicability=SAFE,
                    )
        return out
