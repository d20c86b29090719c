"""Record what every pass does to every file of the shared corpus, to prove a
speed change changes no output.

    python bench/outputs.py record before.json    # on the old code
    python bench/outputs.py record after.json     # on the new code
    python bench/outputs.py compare before.json after.json

The corpus is materialised as bench/bulk.py does it (one Dockerfile per
folder). For each file: its status, a hash of its output text, and a hash of
everything else the engine reports (changes with their lines and messages,
notes, the skip reason or error, unsafe edits left). ``compare`` exits 1 and
names the files whose record differs.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's code, installed or not
sys.path.insert(0, str(ROOT / "bench"))

from bulk import materialise  # noqa: E402

from refactor.engine import refactor_text  # noqa: E402


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def record(out: Path) -> int:
    found = {}
    with tempfile.TemporaryDirectory(prefix="msb-outputs-") as tmp:
        tree = Path(tmp)
        for path in materialise(tree):
            r = refactor_text(path.read_text(errors="replace"), str(path.relative_to(tree)), keep_text=False)
            report = (
                [(c.code, c.line, c.message, c.applicability, c.reason, c.details) for c in r.changes],
                [(n.code, n.line, n.message) for n in r.notes],
                r.reason,
                r.error,
                r.unsafe_available,
            )
            found[str(path.relative_to(tree))] = [r.status.value, _digest(r.output), _digest(report)]
    out.write_text(json.dumps(found, indent=0, sort_keys=True) + "\n")
    print(f"{len(found)} files recorded in {out}")
    return 0


def compare(a: Path, b: Path) -> int:
    old, new = json.loads(a.read_text()), json.loads(b.read_text())
    differ = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if not differ:
        print(f"identical: {len(old)} files, same status, output and report")
        return 0
    print(f"{len(differ)} of {len(old | new)} files differ:")
    for name in differ[:20]:
        print(f"  {name}: {old.get(name)} -> {new.get(name)}")
    return 1


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "record":
        return record(Path(argv[1]))
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
