"""MSB301 over the shared corpus: which final stages run as root before and
after the pass, by base family, why it leaves the rest, and whether
BuildKit's parser reads every output.

    python bench/nonroot.py [--corpus DIR] [--contexts DIR] [--examples N] [--json FILE]

For every file of ``--corpus`` (default ``../shared/corpus/real``; flat
files, so the build context is an empty directory: no entrypoint script or
data folder can be read there) and, with ``--contexts`` (default
``../shared/corpus/contexts`` when it exists), every Dockerfile in its
skeleton build context (only data files keep their content there: an
entrypoint script is an empty placeholder), it runs MSB301 alone, safe
fixes only, and reports:

* the final stage's user before and after, by the base family the catalog
  gives (``root``: no USER on a base that runs as root, ``USER root``/``0``,
  scratch; ``non-root``; ``drops``: an image whose entrypoint switches
  users itself; ``unknown``: a base the catalog does not know, or a USER
  from a build argument);
* what the pass did: changed, left alone (already non-root), declined,
  with a histogram of decline kinds and one example reason each, and the
  files where only an unsafe fix (a privileged port) was offered;
* every output parsed by BuildKit's parser (the ``dockerfile`` package):
  how many, how many rejected (the pass must produce none).

Figures only; nothing is asserted (tests/passes/test_msb301.py asserts the
corpus properties). Files are only read from the corpus, never copied.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
DEFAULT_CONTEXTS = ROOT.parent / "shared" / "corpus" / "contexts"
sys.path.insert(0, str(ROOT))


def user_state(tree) -> tuple[str, str]:
    """(family, state) of the final stage: state is root, non-root, drops or unknown."""
    from refactor.analysis import facts
    from refactor.passes.msb301_non_root import _is_root, _windows, describe_base

    f = facts(tree)
    final = f.stages.final
    if final is None:
        return "no FROM", "unknown"
    root = f.stages.root(final.index)
    image = root.image
    user = f.stage_state(final.index).user
    if image is None:
        family, base = "base from a build arg", None
    elif image == "scratch":
        family, base = "scratch", None
    elif _windows(image):
        family, base = "windows", None
    else:
        base = describe_base(image)
        family = base.family or "not in the catalog"
    if isinstance(user, str):
        return family, "root" if _is_root(user) else "non-root"
    if any(ins.name == "USER" for s in f.stages.chain(final.index) for ins in s.stage.instructions):
        return family, "unknown"  # a USER the build decides
    if image == "scratch":
        return family, "root"
    if base is None or base.family is None and base.own_user is None and not base.nonroot and not base.drops:
        return family, "unknown"
    if base.nonroot:
        return family, "non-root"
    if base.drops:
        return family, "drops"
    return family, "root"


def kind_of(tree, context, result) -> str:
    """The category of what the pass did (the kinds of msb301_non_root)."""
    from refactor.engine import Status
    from refactor.passes import PassContext
    from refactor.passes.msb301_non_root import Leave, Plan, Refusal, assess

    if result.status is Status.FAILED:
        return "the file fails before the pass (BuildKit cannot build it)"
    found = assess(tree, PassContext("Dockerfile", context, False))
    if result.status is Status.CHANGED:
        return "changed"
    if isinstance(found, Refusal):
        return found.kind
    if isinstance(found, Leave):
        return found.kind
    if isinstance(found, Plan):
        if result.unsafe_available:
            return "privileged-port (unsafe fix offered)"
        if result.status is Status.SKIPPED:
            return "volume-order"
    return "no stage"


def files_of(corpus: Path, contexts: bool) -> list[tuple[str, Path, Path | None]]:
    """(id, Dockerfile, context directory or None) for each file."""
    if not contexts:
        return [(p.name, p, None) for p in sorted(corpus.iterdir()) if p.name not in ("MANIFEST.tsv", "README.md")]
    real = set()
    manifest = corpus / "MANIFEST.tsv"
    if manifest.is_file():
        rows = manifest.read_text().splitlines()
        head = rows[0].split("\t")
        for row in rows[1:]:
            cells = dict(zip(head, row.split("\t"), strict=False))
            if cells.get("context_real") == "yes":
                real.add(cells["id"])
    return [(d.name, d / "Dockerfile", d) for d in sorted(corpus.iterdir()) if d.is_dir() and d.name in real]


def measure(corpus: Path, contexts: bool, examples: int) -> dict:
    import refactor
    from refactor.context import BuildContext
    from refactor.engine import Status, refactor_text
    from refactor.passes import select

    try:
        import dockerfile
    except ImportError:  # pragma: no cover - the bench extra
        dockerfile = None
    passes = select(["MSB301"])
    empty = Path(tempfile.mkdtemp(prefix="msb301-empty-context-"))
    by_family: dict = collections.defaultdict(lambda: collections.Counter())
    kinds: collections.Counter = collections.Counter()
    example: dict = collections.defaultdict(list)
    changed = unparsed = buildkit_ok = 0
    rejected: list[str] = []
    users_after: collections.Counter = collections.Counter()
    t0 = time.process_time()
    items = files_of(corpus, contexts)
    for name, path, ctx_dir in items:
        try:
            text = path.read_bytes().decode("utf-8")
            tree = refactor.parse(text, str(path))
        except (refactor.DockerfileSyntaxError, UnicodeDecodeError, RecursionError):
            unparsed += 1
            continue
        context = BuildContext.for_dockerfile(str(path)) if ctx_dir is not None else BuildContext(str(empty))
        result = refactor_text(text, name, passes, build_context=context)
        family, before = user_state(tree)
        after = before
        kind = kind_of(tree, context, result)
        kinds[kind] += 1
        if len(example[kind]) < examples:
            reason = (result.reason or "").removeprefix("MSB301: ")
            if not reason and result.notes:
                reason = result.notes[0].message
            if not reason and result.changes:
                reason = result.changes[0].message
            example[kind].append(f"{name}: {reason}")
        if result.status is Status.CHANGED:
            changed += 1
            new_tree = refactor.parse(result.output)
            after = user_state(new_tree)[1]
            last = [c for c in new_tree.stages[-1].instructions if c.name == "USER"][-1].rest
            users_after[last] += 1
            if dockerfile is not None:
                try:
                    dockerfile.parse_string(result.output)
                    buildkit_ok += 1
                except Exception as e:  # noqa: BLE001 - any rejection is what we count
                    rejected.append(f"{name}: {e}")
        by_family[family][f"before:{before}"] += 1
        by_family[family][f"after:{after}"] += 1
        by_family[family]["files"] += 1
    seconds = time.process_time() - t0
    return {
        "corpus": str(corpus),
        "contexts": contexts,
        "files": len(items),
        "unparsed": unparsed,
        "changed": changed,
        "cpu_seconds": round(seconds, 2),
        "by_family": {k: dict(v) for k, v in by_family.items()},
        "kinds": dict(kinds),
        "examples": dict(example),
        "users_after": dict(users_after),
        "buildkit_parsed": buildkit_ok if dockerfile is not None else None,
        "buildkit_rejected": rejected if dockerfile is not None else None,
    }


def report(m: dict) -> None:
    title = "skeleton contexts (context_real=yes)" if m["contexts"] else "flat files, empty build context"
    print(f"\n== {m['corpus']}: {title}")
    print(
        f"{m['files']} files ({m['unparsed']} not parsed), {m['changed']} changed by MSB301;"
        f" {m['cpu_seconds']} s CPU ({m['files'] / max(m['cpu_seconds'], 1e-9):.0f} files/s)"
    )
    states = ("root", "non-root", "drops", "unknown")
    print("\nfinal stage user by base family (before -> after)")
    head = f"{'family':<22} {'files':>6} " + " ".join(f"{s:>17}" for s in states)
    print(head)
    print("-" * len(head))
    total: collections.Counter = collections.Counter()
    rows = sorted(m["by_family"].items(), key=lambda kv: -kv[1]["files"])
    for family, c in rows:
        total.update(c)
        cells = " ".join(f"{c.get('before:' + s, 0):>7} -> {c.get('after:' + s, 0):<7}" for s in states)
        print(f"{family:<22} {c['files']:>6} {cells}")
    print("-" * len(head))
    cells = " ".join(f"{total.get('before:' + s, 0):>7} -> {total.get('after:' + s, 0):<7}" for s in states)
    print(f"{'all':<22} {total['files']:>6} {cells}")
    print("\nwhat the pass did")
    for kind, n in sorted(m["kinds"].items(), key=lambda kv: -kv[1]):
        print(f"{n:>6}  {kind}")
        for ex in m["examples"].get(kind, []):
            print(f"          e.g. {ex[:200]}")
    print("\nUSER written:", ", ".join(f"{u} x{n}" for u, n in sorted(m["users_after"].items(), key=lambda kv: -kv[1])))
    if m["buildkit_parsed"] is None:
        print("BuildKit's parser: not installed (pip install dockerfile)")
    else:
        print(f"BuildKit's parser: {m['buildkit_parsed']} outputs read, {len(m['buildkit_rejected'])} rejected")
        for r in m["buildkit_rejected"][:10]:
            print("  rejected:", r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--contexts", type=Path, nargs="?", const=DEFAULT_CONTEXTS, default=None)
    ap.add_argument("--examples", type=int, default=1, help="example reasons shown per kind")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    results = [measure(args.corpus, False, args.examples)]
    if args.contexts is not None:
        if not args.contexts.is_dir():
            print(f"no contexts at {args.contexts}", file=sys.stderr)
            return 2
        results.append(measure(args.contexts, True, args.examples))
    for m in results:
        report(m)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
