"""Write each pass fixture's expected outcome from what the passes do now.

    python scripts/update_fixtures.py              every case under corpus/MSB*/
    python scripts/update_fixtures.py CASE_DIR...  only these cases
    python scripts/update_fixtures.py --check      write nothing; exit 1 and show
                                                   the diff if a case changed

Writes ``expected.toml`` and ``Dockerfile.fixed`` (removed when the pass no
longer changes the file) in each case folder; review the diff before
committing it. A case that fails, is not stable, or is skipped without
``case.toml`` saying so is reported and left alone. The format is described
in tests/pass_fixtures.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from tests.pass_fixtures import all_cases, update  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    if any(a.startswith("-") for a in rest):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    cases = [Path(a).resolve() for a in rest] or all_cases()
    missing = [c for c in cases if not (c / "Dockerfile").is_file()]
    if missing:
        for c in missing:
            print(f"{c}: not a fixture (no Dockerfile)", file=sys.stderr)
        return 2
    return update(cases, check=check)


if __name__ == "__main__":
    sys.exit(main())
