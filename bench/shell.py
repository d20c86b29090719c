"""How much of the shared corpus's RUN commands the shell reader reads, and how fast.

    python bench/shell.py [--corpus DIR] [--rounds N] [--top N]

Reads every shell-form RUN of every file the parser accepts with
``run_script`` (with the SHELL in effect), and prints: how many there are,
how many are read completely (understood, every command with argv or a bare
assignment), the reasons for the rest with counts, the rate (CPU time, best
of N rounds, read cache bypassed, one core) beside tree-sitter's parse
alone, and the import time of the module plus its first read (fresh
processes, best of N). Figures only: nothing is asserted here (the corpus
test asserts the share).
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
sys.path.insert(0, str(ROOT))

IMPORT_PROBE = """
import time
t0 = time.perf_counter()
import refactor.analysis
t1 = time.perf_counter()
import refactor.analysis.shell as shell
t2 = time.perf_counter()
shell.read_shell("go build -o /out/app ./cmd/server")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def load(corpus: Path) -> list[tuple]:
    """(Run, SHELL in effect) for every shell-form RUN the parser accepts."""
    import refactor
    from refactor.analysis import facts
    from refactor.syntax.nodes import Run

    out = []
    for path in sorted(corpus.iterdir()):
        if path.name == "MANIFEST.tsv":
            continue
        try:
            tree = refactor.parse(path.read_bytes().decode("utf-8"), str(path))
        except (refactor.DockerfileSyntaxError, UnicodeDecodeError):
            continue
        for ins in tree.instructions:
            if isinstance(ins, Run) and not ins.is_exec_form:
                shell = facts(tree).state_before(ins).shell  # Unknown: a base image's
                out.append((ins, shell if isinstance(shell, tuple) else None))
    return out


def complete(script) -> bool:
    return script.understood and bool(script.commands) and all(c.argv or c.assignments for c in script.commands)


def coverage(runs: list[tuple], top: int) -> None:
    from refactor.analysis.shell import is_posix_shell, run_script

    posix = posix_ok = other = 0
    reasons: collections.Counter = collections.Counter()
    for ins, shell in runs:
        script = run_script(ins, shell)
        if shell is not None and not is_posix_shell(shell):
            other += 1
            reasons["a SHELL that is not a POSIX shell (" + os.path.basename(shell[0]) + ")"] += 1
            continue
        posix += 1
        if complete(script):
            posix_ok += 1
            continue
        for reason in {u.reason for u in script.unknown} or {"no command (an empty RUN)"}:
            reasons[reason] += 1
    total = posix + other
    print(f"shell-form RUN commands: {total}")
    print(f"  read completely: {posix_ok} ({posix_ok / total:.2%} of all)")
    print(f"  under a POSIX shell: {posix}, read completely {posix_ok} ({posix_ok / posix:.2%})")
    print(f"  under another SHELL (PowerShell, cmd): {other}, none read (by design)")
    print(f"  not read completely: {total - posix_ok}; reasons (a RUN may have several):")
    for reason, count in reasons.most_common(top):
        print(f"    {count:6}  {reason}")


def speed(runs: list[tuple], rounds: int) -> None:
    from refactor.analysis import shell

    texts = [ins.rest for ins, _ in runs if not ins.heredocs]
    uncached = shell.read_shell.__wrapped__
    parser = shell._parser()
    encoded = [t.encode("utf-8") for t in texts]
    best_read = best_parse = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            uncached(text)
        best_read = min(best_read, time.process_time() - start)
        start = time.process_time()
        for raw in encoded:
            parser.parse(raw)
        best_parse = min(best_parse, time.process_time() - start)
    n = len(texts)
    print(f"speed over {n} commands (CPU time, best of {rounds}, no cache):")
    print(f"  read_shell          {n / best_read:10.0f} commands/s  ({best_read / n * 1e6:.0f} us each)")
    print(f"  tree-sitter parse   {n / best_parse:10.0f} commands/s  (the grammar alone)")


def import_time(rounds: int) -> None:
    # As installed: bytecode written and cached (whatever PYTHONDONTWRITEBYTECODE says).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", IMPORT_PROBE], cwd=ROOT, env=env, check=True, capture_output=True)
    results = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        results.append([float(x) * 1000 for x in out.stdout.split()])
    package, module, first = (min(r[k] for r in results) for k in range(3))
    print(f"start-up (best of {rounds} fresh processes):")
    print(f"  import refactor.analysis (the package, before)  {package:6.1f} ms")
    print(f"  import refactor.analysis.shell                  {module:6.1f} ms  (tree-sitter not loaded)")
    print(f"  first read (loads tree-sitter and the grammar)  {first:6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")
    if not args.child:
        # One core, as bench/parse.py: the rate is per core, whatever else runs.
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--corpus",
                str(args.corpus),
                "--rounds",
                str(args.rounds),
                "--top",
                str(args.top),
            ],
            check=False,
            preexec_fn=(lambda: os.sched_setaffinity(0, {0})) if hasattr(os, "sched_setaffinity") else None,
        )
        raise SystemExit(out.returncode)
    runs = load(args.corpus)
    coverage(runs, args.top)
    speed(runs, args.rounds)
    import_time(max(args.rounds, 5))
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
