"""Reports: ``--format json``, ``--format sarif``, and a pass's page
(``msb-refactor explain``, SARIF rule help, docs/passes/ via scripts/gen_docs.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .engine import FileResult

SCHEMA_VERSION = 1


def _note(n) -> dict:
    return {"code": n.code, "line": n.line, "message": n.message}


def file_json(r: FileResult) -> dict:
    return {
        "path": r.path,
        "status": r.status.value,
        "changes": [
            {
                "code": c.code,
                "line": c.line,
                "message": c.message,
                "applicability": c.applicability,
                "unsafe_reason": c.reason,
                "details": dict(c.details),
            }
            for c in r.changes
        ],
        "notes": [_note(n) for n in r.notes],
        "reason": r.reason,
        "error": r.error,
        "diff": r.diff,
        "written": r.written,
        "unsafe_fixes_available": r.unsafe_available,
        "verification": r.verification,
    }


def to_json(results: Sequence[FileResult], summary: dict) -> str:
    from . import __version__

    doc = {
        "tool": "msb-refactor",
        "version": __version__,
        "schema": SCHEMA_VERSION,
        "files": [file_json(r) for r in results],
        "summary": summary,
    }
    return json.dumps(doc, indent=2) + "\n"


def pass_page(cls) -> str:
    """A pass's documentation as Markdown: its docstring sections under a title."""
    from .passes import SECTIONS, doc_sections

    sections = doc_sections(cls)
    out = [f"# {cls.code}: {cls.name}\n"]
    for name in SECTIONS:
        out.append(f"\n## {name}\n\n{sections[name].strip()}\n")
    return "".join(out)


def to_sarif(results: Sequence[FileResult], passes) -> str:
    """SARIF 2.1.0: one result per change (warning) and per failure (error)."""
    from . import __version__
    from .passes import doc_sections

    rules = []
    index = {}
    for k, cls in enumerate(passes):
        index[cls.code] = k
        rules.append(
            {
                "id": cls.code,
                "name": cls.name,
                "shortDescription": {"text": cls.summary()},
                "fullDescription": {"text": doc_sections(cls)["Why"].replace("\n", " ")},
                "help": {"text": doc_sections(cls)["What it does"].replace("\n", " "), "markdown": pass_page(cls)},
                "defaultConfiguration": {"level": "warning"},
            }
        )
    out = []
    notifications = []
    for r in results:
        uri = artifact_uri(r.path)
        for c in r.changes:
            res = {
                "ruleId": c.code,
                "level": "warning",
                "message": {"text": c.message},
                "locations": _location(uri, c.line),
            }
            if c.code in index:
                res["ruleIndex"] = index[c.code]
            if c.applicability == "unsafe":
                res["properties"] = {"applicability": "unsafe", "unsafeReason": c.reason}
            out.append(res)
        if r.error:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": r.error.splitlines()[0]},
                    "locations": _location(uri, _error_line(r.error)),
                }
            )
    run = {
        "tool": {
            "driver": {
                "name": "msb-refactor",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://pypi.org/project/msb-refactor/",
                "rules": rules,
            }
        },
        "results": out,
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"


def _location(uri: str, line: int) -> list[dict]:
    return [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": max(1, line)}}}]


def artifact_uri(path: str) -> str:
    """A SARIF artifact URI: ``file://`` for an absolute path, else a
    relative reference (``./`` dropped, percent-encoded)."""
    import os
    from pathlib import Path
    from urllib.parse import quote

    if os.path.isabs(path):
        return Path(path).as_uri()
    norm = os.path.normpath(path).replace(os.sep, "/")
    return quote(norm, safe="/")


def _error_line(error: str) -> int:
    head = error.splitlines()[0]
    parts = head.split(":")
    for k in range(1, len(parts)):
        if parts[k].isdigit():
            return int(parts[k])
    return 1
