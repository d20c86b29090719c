"""Image size and build time of every sample app: naive vs reference.

    python bench/apps.py                 # clean builds (--no-cache), all apps
    python bench/apps.py --cached        # reuse cached layers (what the e2e suite does)
    python bench/apps.py go-stdlib c-make
    python bench/apps.py --json out.json

Builds each app's Dockerfile and its rewrite (Dockerfile.reference, or the
tool's output when app.toml says rewritten = "tool") with refactor.verify,
runs the self-test in both, and prints one row per app. Sizes are those of the
local stand-in bases (scripts/make-bases.sh), so compare rows with each other,
not with sizes published for the real images.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from refactor import verify as v  # noqa: E402
from tests.apps import load_apps  # noqa: E402
from tests.images import bases_ready  # noqa: E402


def mb(n: int | None) -> str:
    return "-" if n is None else f"{n / 1e6:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("apps", nargs="*", help="app names (default: all)")
    ap.add_argument("--cached", action="store_true", help="reuse cached layers instead of clean builds")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)

    engine = v.pick_engine()
    if isinstance(engine, v.BuildahEngine) and not bases_ready(engine):
        print(f"no base images in {engine.store}: run `sudo scripts/make-bases.sh` first", file=sys.stderr)
        return 2
    apps = [a for a in load_apps() if not args.apps or a.name in args.apps]
    unknown = set(args.apps) - {a.name for a in apps}
    if unknown:
        print(f"unknown app(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2

    head = (
        f"{'app':<20} {'rewrite':<9} {'naive MB':>9} {'rewr. MB':>9} {'ratio':>6} "
        f"{'naive s':>8} {'rewr. s':>8}  self-test"
    )
    print(f"engine {engine.name}, {'cached' if args.cached else 'clean (--no-cache)'} builds")
    print(head)
    print("-" * len(head))
    rows, failures = [], 0
    t0 = time.monotonic()
    for app in apps:
        r = v.verify(
            app.dockerfile,
            app.rewritten_text(),
            app.dir,
            smoke_cmd=app.selftest_cmd,
            smoke_env=app.selftest_env,
            engine=engine,
            tags=(f"localhost/msb-e2e/{app.name}:naive", f"localhost/msb-e2e/{app.name}:rewritten"),
            keep_images=True,
            no_cache=not args.cached,
        )
        good = (
            r.original.built and r.rewritten.built and r.smoke_match and r.original.smoke.stdout.strip() == app.expect
        )
        failures += not good
        ratio = f"{r.size_ratio:.3f}" if r.size_ratio is not None else "-"
        status = "same" if good else ("BUILD FAILED" if not (r.original.built and r.rewritten.built) else "DIFFERS")
        print(
            f"{app.name:<20} {app.rewritten:<9} {mb(r.original.size):>9} {mb(r.rewritten.size):>9} "
            f"{ratio:>6} {r.original.build.seconds:>8.1f} {r.rewritten.build.seconds:>8.1f}  {status}",
            flush=True,
        )
        rows.append(
            {
                "app": app.name,
                "rewritten": app.rewritten,
                "naive_bytes": r.original.size,
                "rewritten_bytes": r.rewritten.size,
                "ratio": r.size_ratio,
                "naive_build_s": round(r.original.build.seconds, 2),
                "rewritten_build_s": round(r.rewritten.build.seconds, 2),
                "selftest_same": bool(good),
            }
        )
    print(f"total {time.monotonic() - t0:.0f}s, {failures} app(s) failing")
    if args.json:
        args.json.write_text(json.dumps({"engine": engine.name, "cached": args.cached, "rows": rows}, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
