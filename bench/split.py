"""How many real single-stage application Dockerfiles MSB101 splits, per
ecosystem, over the shared corpus of skeleton build contexts, and why it
declines the rest.

    python bench/split.py [--contexts DIR] [--all] [--top N] [--show REASON]

Reads ``MANIFEST.tsv`` of ``../shared/corpus/contexts``: the Dockerfiles
marked ``split`` (one FROM and a build or install step) whose context is the
real one (``--all`` adds the crawl contexts, reported apart). Each runs
through every pass with its folder as build context, as the command would.
An ecosystem is named from the build tools the RUNs call. Every split output
is parsed by BuildKit's parser (the ``dockerfile`` package) and must be
accepted. Decline reasons are grouped with their specifics (lines, paths,
names) blanked. Figures only: the targets (issue 8: at least 80% of Go, Rust
and C/C++ together split, none invalid; issue 10: the same for the JavaScript
family, "node" here: npm, yarn, pnpm, Bun) are judged by reading them.
"""

from __future__ import annotations

import argparse
import collections
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CONTEXTS = ROOT.parent / "shared" / "corpus" / "contexts"

# Build tools by ecosystem, in the order asked: an app that installs with pip
# or npm is of that ecosystem even when it compiles native modules; C/C++ is
# a compiler or make called as a command (installing gcc builds nothing).
_AT_COMMAND = r"(?:^|&&|;|\|\||\bthen|\bdo|\()\s*(?:\w+=\S*\s+)*"
ECOSYSTEMS = (
    ("go", re.compile(r"\bgo\s+(?:build|install)\b")),
    ("rust", re.compile(r"\bcargo\s+(?:build|install)\b")),
    # a build verb, as for Go and Rust: a devcontainer that installs gradle builds nothing
    (
        "jvm/.net",
        re.compile(
            r"\b(?:mvnw?|gradlew?)\b[^&;|\n]*?\b(?:package|install|verify|build|assemble|jar|bootJar|shadowJar"
            r"|installDist|compile|assembly:single|deploy|nativeCompile)\b|\bdotnet\s+(?:publish|build)\b|\bjavac\s"
        ),
    ),
    ("node", re.compile(r"\b(?:npm|yarn|pnpm|bun)\s")),
    ("python", re.compile(r"\b(?:pip3?|poetry|pipenv|uv)\s|\bpython3?\s+setup\.py\b")),
    ("c/c++", re.compile(_AT_COMMAND + r"(?:make|cmake|gcc|g\+\+|cc|clang|\./configure)\b", re.M)),
)
TARGETED = ("go", "rust", "c/c++")
JVM_DOTNET = "jvm/.net"  # issue 12: its own target, at least 80% split, none invalid
PYTHON = "python"  # issue 11: at least 80% of Python files split, none invalid
JAVASCRIPT = ("node",)  # issue 10: npm, yarn, pnpm, Bun, static front ends; its own 80% target


def ecosystem(tree) -> str:
    runs = " ".join(i.rest for i in tree.instructions if i.name == "RUN")
    return next((name for name, pattern in ECOSYSTEMS if pattern.search(runs)), "other")


def shape(reason: str) -> str:
    """A decline reason with its specifics blanked, so alike ones group."""
    reason = re.sub(r"^MSB\d+: ", "", reason)
    reason = re.sub(r"line \d+", "line N", reason)
    reason = re.sub(r"`[^`]*`", "`…`", reason)
    reason = re.sub(r"(/[\w.@+-]+)+", "PATH", reason)
    return reason[:110]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contexts", type=Path, default=DEFAULT_CONTEXTS)
    ap.add_argument("--all", action="store_true", help="also the crawl contexts (context_real=no), reported apart")
    ap.add_argument("--top", type=int, default=8, help="decline reasons shown per ecosystem")
    ap.add_argument("--show", metavar="TEXT", help="list the files whose decline reason contains TEXT")
    args = ap.parse_args()

    from refactor import parse
    from refactor.context import BuildContext
    from refactor.engine import Status, refactor_text

    try:
        import dockerfile
    except ImportError:
        dockerfile = None
    manifest = args.contexts / "MANIFEST.tsv"
    if not manifest.is_file():
        print(f"no contexts at {args.contexts}", file=sys.stderr)
        return 2
    rows = [r for r in csv.DictReader(open(manifest, encoding="utf-8"), delimiter="\t") if r["reason"] == "split"]
    groups = {"yes": "real contexts", "no": "crawl contexts (not the real one)"}
    for real, title in groups.items():
        if real == "no" and not args.all:
            continue
        chosen = [r for r in rows if r["context_real"] == real]
        seen = collections.Counter()
        split = collections.Counter()
        invalid: list[str] = []
        failed: list[str] = []
        reasons: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for row in chosen:
            folder = args.contexts / row["id"]
            text = (folder / "Dockerfile").read_bytes().decode("utf-8", "replace")
            try:
                eco = ecosystem(parse(text))
            except Exception:
                eco = "unparsable"
            seen[eco] += 1
            result = refactor_text(text, str(folder / "Dockerfile"), build_context=BuildContext(folder))
            if result.status is Status.FAILED:
                failed.append(f"{row['id']}: {result.error.splitlines()[0]}")
                continue
            out = result.output or text
            if len(parse(out).stages) > len(parse(text).stages):
                split[eco] += 1
                if dockerfile is not None:
                    try:
                        dockerfile.parse_string(out)
                    except Exception as e:  # BuildKit refuses the output
                        invalid.append(f"{row['id']}: {e}")
                continue
            why = next(
                (
                    n.message[len("declined: ") :]
                    for n in result.notes
                    if n.code == "MSB101" and n.message.startswith("declined: ")
                ),
                None,
            )
            why = why or (result.reason or "").split("; ")[0] or "no split proposed"
            reasons[eco][shape(why)] += 1
            if args.show and args.show in why:
                print(f"  {row['id']}: {why}")
        print(f"\n{title}: {len(chosen)} single-stage application Dockerfiles")
        print(f"  {'ecosystem':10} {'files':>6} {'split':>6} {'share':>7}")
        for eco in sorted(seen, key=lambda e: (-seen[e], e)):
            print(f"  {eco:10} {seen[eco]:6d} {split[eco]:6d} {split[eco] / seen[eco]:7.1%}")
        total = sum(seen[e] for e in TARGETED)
        done = sum(split[e] for e in TARGETED)
        if total:
            print(f"  Go, Rust and C/C++ together: {done}/{total} split ({done / total:.1%}); target >= 80%")
        if seen[JVM_DOTNET]:
            n, k = seen[JVM_DOTNET], split[JVM_DOTNET]
            print(f"  JVM and .NET: {k}/{n} split ({k / n:.1%}); target >= 80%")
        if seen[PYTHON]:
            print(f"  Python: {split[PYTHON]}/{seen[PYTHON]} split ({split[PYTHON] / seen[PYTHON]:.1%}); target >= 80%")
        js_total, js_done = sum(seen[e] for e in JAVASCRIPT), sum(split[e] for e in JAVASCRIPT)
        if js_total:
            print(f"  JavaScript family: {js_done}/{js_total} split ({js_done / js_total:.1%}); target >= 80%")
        print(
            f"  split outputs BuildKit's parser refuses: {len(invalid)}"
            + ("" if dockerfile is not None else " (not checked: pip install dockerfile)")
        )
        for line in invalid[:10]:
            print(f"    {line}")
        if failed:
            print(f"  files the tool failed on: {len(failed)}")
            for line in failed[:5]:
                print(f"    {line}")
        for eco in (*TARGETED, JVM_DOTNET, PYTHON, *JAVASCRIPT):
            if reasons[eco]:
                print(f"  why {eco} files were not split:")
                for reason, n in reasons[eco].most_common(args.top):
                    print(f"    {n:4d}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
