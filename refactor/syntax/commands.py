"""A tree's instructions as BuildKit's parser reports them.

``msb-refactor parse --json`` prints this, and the conformance tests compare
it field for field with BuildKit's own parser (the ``dockerfile`` package's
``Command`` tuples).
"""

from __future__ import annotations

from typing import Any

from .nodes import Dockerfile, Instruction, Onbuild


def buildkit_command(ins: Instruction) -> dict[str, Any]:
    """One instruction in the fields of BuildKit's ``Command``."""
    # An ONBUILD reports its trigger's keyword, form and value (Onbuild.value).
    sub_cmd = ins.trigger.keyword if isinstance(ins, Onbuild) and ins.trigger is not None else None
    heredocs = [] if isinstance(ins, Onbuild) else ins.heredocs
    return {
        # BuildKit reports an empty keyword or text (a lone escape at the end
        # of the file) as null.
        "cmd": ins.keyword or None,
        "sub_cmd": sub_cmd or None,
        "json": ins.is_exec_form,
        "original": ins.original or None,
        "start_line": ins.line,
        "end_line": ins.end_line,
        "flags": list(ins.raw_flags),
        "value": list(ins.value),
        "heredocs": [{"name": h.name, "file_descriptor": h.file_descriptor, "content": h.content} for h in heredocs],
    }


def buildkit_commands(tree: Dockerfile) -> list[dict[str, Any]]:
    return [buildkit_command(ins) for ins in tree.instructions]
