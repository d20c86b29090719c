"""How many real Dockerfiles' dependency installs the caching passes
(MSB2xx) reorder, why they decline the rest, and what the hygiene passes do.

    python bench/caching.py [--contexts DIR] [--real DIR] [--top N] [--show TEXT] [--limit N] [--buildkit]

Over ``../shared/corpus/contexts`` (real Dockerfiles beside skeleton build
contexts, see its README; rows with ``context_real=yes`` and ``no`` are
reported apart) and the flat corpus ``../shared/corpus/real`` (Dockerfiles
alone: an empty build context, so every install that reads a manifest
declines for want of it; its figures are the candidates and the hygiene
counts). Every MSB2xx pass runs, with ``--unsafe-fixes`` so the unsafe
edits are counted too. ``--buildkit`` runs them as ``--buildkit-syntax
--bind-manifests`` would, so that MSB205's cache and bind mounts are made
(and checked by BuildKit's parser) in every file, not only those with a
``# syntax=`` line.

A candidate is a stage with a COPY/ADD of the whole context (or of a
folder) and a later RUN that installs dependencies (the ``INSTALL`` pattern
below, independent of the pass). It is rewritten when MSB201 changed a line
of that stage. Decline reasons are grouped with their specifics blanked.
Every changed output is parsed by BuildKit's parser (the ``dockerfile``
package) and must be accepted. Figures only: the target (issue 13: at least
85% rewritten where the context is real, none invalid) is judged by reading
them.
"""

from __future__ import annotations

import argparse
import collections
import csv
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CONTEXTS = ROOT.parent / "shared" / "corpus" / "contexts"
DEFAULT_REAL = ROOT.parent / "shared" / "corpus" / "real"

INSTALL = re.compile(
    r"\b(?:npm\s+(?:ci|i|install)\b|yarn(?:\s+install)?\b|pnpm\s+(?:i|install)\b|bun\s+(?:i|install)\b"
    r"|pip3?\s+install\b|python3?\s+-m\s+pip\s+install\b|poetry\s+install\b|uv\s+(?:sync|pip\s+install)\b"
    r"|pipenv\s+(?:install|sync)\b|go\s+(?:build|mod\s+download)\b|cargo\s+build\b|mvnw?\s|gradlew?\s"
    r"|bundle\s+install\b|composer\s+install\b|dotnet\s+(?:restore|publish|build)\b)"
)


def shape(reason: str) -> str:
    """A decline reason with its specifics blanked, so alike ones group."""
    reason = re.sub(r"^MSB\d+: ", "", reason)
    reason = re.sub(r"^left alone: ", "", reason)
    reason = re.sub(r" \(and \d+ more\)$", "", reason)
    reason = re.sub(r"line \d+", "line N", reason)
    reason = re.sub(r"`[^`]*`", "`…`", reason)
    reason = re.sub(r"(/[\w.@+-]+)+", "PATH", reason)
    return reason[:120]


def candidates(tree) -> list[tuple[int, int]]:
    """The line ranges of the stages that run an install after copying the
    whole context (``COPY . .``, ``ADD ./ /app``) and not before it (a stage
    that installs first is already written manifests-first)."""
    from refactor.syntax.nodes import CopyLike, Run

    out = []
    stages = tree.stages
    for k, stage in enumerate(stages):
        end = stages[k + 1].from_.line if k + 1 < len(stages) else 10**9
        copied = False
        for ins in stage.instructions:
            if isinstance(ins, CopyLike) and ins.from_stage is None and len(ins.sources) == 1:
                copied = copied or ins.sources[0] in (".", "./")
            elif type(ins) is Run and INSTALL.search(ins.rest):
                if copied:
                    out.append((stage.from_.line, end))
                break
    return out


def run_one(text: str, path: str, context, passes, dockerfile, tally) -> None:
    from refactor import parse
    from refactor.engine import Status, refactor_text

    try:
        tree = parse(text)
    except Exception:
        tally["unparsable"] += 1
        return
    stages = candidates(tree)
    result = refactor_text(text, path, passes, unsafe_fixes=True, build_context=context, **tally["options"])
    if result.status is Status.FAILED:
        tally["failed"] += 1
        tally["failures"].append(f"{path}: {result.error.splitlines()[0]}")
        return
    tally["files"] += 1
    for c in result.changes:
        tally["changes"][(c.code, c.applicability)] += 1
        if c.code == "MSB205" and c.message.startswith("bind-mount "):
            tally["bind"] += 1
    if result.changes:
        tally["changed files"] += 1
        if dockerfile is not None:
            try:
                dockerfile.parse_string(result.output)
            except Exception as e:
                tally["invalid"].append(f"{path}: {e}")
    for start, end in stages:
        tally["candidates"] += 1
        if any(c.code == "MSB201" and start <= c.line < end for c in result.changes):
            tally["rewritten"] += 1
            continue
        why = next(
            (
                n.message
                for n in result.notes
                if n.code == "MSB201" and start <= n.line < end and "left alone" in n.message
            ),
            None,
        )
        if why is None:
            why = next(
                (n.message for n in result.notes if n.code == "MSB201" and n.message.startswith("declined: ")), None
            )
            why = why[len("declined: ") :] if why else None
        if why is None and result.reason and "MSB201" in result.reason:
            why = next(r for r in result.reason.split("; ") if r.startswith("MSB201"))
        why = why or "no rewrite proposed"
        tally["reasons"][shape(why)] += 1
        tally["examples"].setdefault(shape(why), path)
        if tally["show"] and tally["show"] in why:
            print(f"  {path}: {why}")


def new_tally(show, options=None) -> dict:
    return {
        "options": options or {},
        "bind": 0,
        "files": 0,
        "unparsable": 0,
        "failed": 0,
        "failures": [],
        "changed files": 0,
        "candidates": 0,
        "rewritten": 0,
        "reasons": collections.Counter(),
        "examples": {},
        "changes": collections.Counter(),
        "invalid": [],
        "show": show,
    }


def report(title: str, t: dict, top: int, checked: bool) -> None:
    print(f"\n{title}: {t['files']} files read ({t['failed']} failed, {t['unparsable']} unparsable)")
    n, r = t["candidates"], t["rewritten"]
    share = f"{r / n:.1%}" if n else "-"
    print(f"  stages with an install after a whole-context copy: {n}; rewritten by MSB201: {r} ({share})")
    print(f"  files changed by an MSB2xx pass: {t['changed files']}")
    print(
        f"  changed outputs BuildKit's parser refuses: {len(t['invalid'])}"
        + ("" if checked else " (not checked: pip install dockerfile)")
    )
    for line in t["invalid"][:10]:
        print(f"    {line}")
    for line in t["failures"][:5]:
        print(f"    failed: {line}")
    if t["changes"]:
        print("  edits per pass (with --unsafe-fixes):")
        for (code, safety), k in sorted(t["changes"].items()):
            print(f"    {code} {safety:6} {k:6d}")
        if t["options"].get("bind_manifests"):
            print(f"    of MSB205's, manifests COPYs made bind mounts: {t['bind']}")
    if t["reasons"]:
        print("  why candidates were not rewritten:")
        for reason, k in t["reasons"].most_common(top):
            print(f"    {k:4d}  {reason}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contexts", type=Path, default=DEFAULT_CONTEXTS)
    ap.add_argument("--real", type=Path, default=DEFAULT_REAL)
    ap.add_argument("--top", type=int, default=15, help="decline reasons shown per group")
    ap.add_argument("--show", metavar="TEXT", help="list the files whose decline reason contains TEXT")
    ap.add_argument("--limit", type=int, default=0, help="read at most N files of each group (0: all)")
    ap.add_argument("--buildkit", action="store_true", help="as with --buildkit-syntax --bind-manifests")
    args = ap.parse_args()

    from refactor.context import BuildContext
    from refactor.passes import select

    try:
        import dockerfile
    except ImportError:
        dockerfile = None
    passes = select(["MSB2"])
    options = {"buildkit_syntax": True, "bind_manifests": True} if args.buildkit else {}
    manifest = args.contexts / "MANIFEST.tsv"
    if manifest.is_file():
        rows = list(csv.DictReader(open(manifest, encoding="utf-8"), delimiter="\t"))
        for real, title in (("yes", "contexts, real"), ("no", "contexts, crawl (not the real one)")):
            tally = new_tally(args.show, options)
            chosen = [r for r in rows if r["context_real"] == real]
            for row in chosen[: args.limit or None]:
                folder = args.contexts / row["id"]
                text = (folder / "Dockerfile").read_bytes().decode("utf-8", "replace")
                run_one(text, row["id"], BuildContext(folder), passes, dockerfile, tally)
            report(title, tally, args.top, dockerfile is not None)
    else:
        print(f"no contexts at {args.contexts}", file=sys.stderr)
    if args.real.is_dir():
        tally = new_tally(args.show, options)
        with tempfile.TemporaryDirectory() as empty:
            for path in sorted(args.real.iterdir())[: args.limit or None]:
                text = path.read_bytes().decode("utf-8", "replace")
                run_one(text, path.name, BuildContext(empty), passes, dockerfile, tally)
        report("flat corpus (no build context)", tally, args.top, dockerfile is not None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
