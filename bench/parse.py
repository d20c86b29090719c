"""Parse + print speed over the shared corpus, beside BuildKit's parser.

    python bench/parse.py [--corpus DIR] [--rounds N]

Each contender runs in its own process (so peak memory is its own): ours
parses every file and prints it back (``parse(x).code``, checked equal to
the input); BuildKit's parser (the ``dockerfile`` package, Go) parses the
same texts. Prints files/s (CPU time, best of N rounds, one core), the
ratio, and each process's peak resident memory.
Targets (issue 2): at least BuildKit's rate, and under 150 MB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def load(corpus: Path) -> list[str]:
    return [p.read_bytes().decode("utf-8") for p in sorted(corpus.iterdir()) if p.name != "MANIFEST.tsv"]


def run_ours(texts: list[str], rounds: int) -> float:
    sys.path.insert(0, str(ROOT))
    import refactor

    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            if refactor.parse(text).code != text:
                raise SystemExit("round trip failed")
        best = min(best, time.process_time() - start)
    return best


def run_buildkit(texts: list[str], rounds: int) -> float:
    import dockerfile

    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            try:
                dockerfile.parse_string(text)
            except dockerfile.GoParseError:
                pass
        best = min(best, time.process_time() - start)
    return best


def child(which: str, corpus: Path, rounds: int) -> None:
    texts = load(corpus)
    seconds = {"ours": run_ours, "buildkit": run_buildkit}[which](texts, rounds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"files": len(texts), "seconds": seconds, "peak_mb": peak_mb}))


def measure(which: str, corpus: Path, rounds: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, "--corpus", str(corpus), "--rounds", str(rounds)],
        check=True,
        capture_output=True,
        text=True,
        # One core: the comparison is per core, whatever else runs.
        preexec_fn=(lambda: os.sched_setaffinity(0, {0})) if hasattr(os, "sched_setaffinity") else None,
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", choices=["ours", "buildkit"])
    args = ap.parse_args()
    if args.child:
        child(args.child, args.corpus, args.rounds)
        return
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")
    ours = measure("ours", args.corpus, args.rounds)
    try:
        theirs = measure("buildkit", args.corpus, args.rounds)
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"BuildKit's parser unavailable (pip install dockerfile): {e.stderr.strip()[-200:]}") from None
    rate = {k: v["files"] / v["seconds"] for k, v in (("ours", ours), ("buildkit", theirs))}
    print(f"corpus: {ours['files']} files, best of {args.rounds} rounds, CPU time on one core")
    print(f"{'':24}{'files/s':>10}{'peak MB':>10}")
    print(f"{'msb-refactor parse+print':24}{rate['ours']:>10.0f}{ours['peak_mb']:>10.1f}")
    print(f"{'BuildKit parser (Go)':24}{rate['buildkit']:>10.0f}{theirs['peak_mb']:>10.1f}")
    ratio = rate["ours"] / rate["buildkit"]
    print(f"ratio ours/BuildKit: {ratio:.2f}x  (target >= 1.00; peak target < 150 MB)")
    verdict = "meets" if ratio >= 1 and ours["peak_mb"] < 150 else "MISSES"
    print(f"{verdict} the targets")


if __name__ == "__main__":
    main()
