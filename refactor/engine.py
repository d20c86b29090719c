"""Run passes over one Dockerfile's text and prove the result sound.

``refactor_text`` parses the text and runs the selected passes in run
order, round after round, until every pass has run over the final tree and
proposed nothing (at most ``MAX_ROUNDS``; not converging is an internal
error): that is the proof that the result is stable. A pass that already
ran over the current tree and proposed nothing is not run over it again. After each pass whose edits are applied, the new text is re-parsed
and checked, with the pass named in any failure: it must parse, print back
identically, read back as the same tree, add no BuildKit-only syntax the
file did not allow, and keep the final image's settings (``IMAGE_CONTRACT``)
unless the pass declares it changes them. Every pass sees a freshly parsed
tree, with real line numbers.

Lines of changes and notes are always lines of the input: every re-parse
extends a map from the new text's lines to the input's (a made node maps
to the line of the node it replaced or was inserted at).

Every failure is a value: one file's problem never stops a bulk run. An
unchanged file is parsed once and never re-parsed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

import attrs

from .analysis import facts
from .analysis.checks import stage_problems
from .passes import (
    AFTER,
    BEFORE,
    IMAGE_CONTRACT,
    MOVE_BEFORE,
    REMOVE,
    REPLACE,
    Decline,
    Edit,
    Note,
    Outcome,
    Pass,
    PassContext,
    all_passes,
    run_order,
)
from .syntax import validate
from .syntax.errors import DockerfileSyntaxError
from .syntax.nodes import Add, BlankLine, Comment, Copy, Dockerfile, Instruction, Run
from .syntax.parser import parse

MAX_ROUNDS = 16
_BODY_TYPES = (Instruction, Comment, BlankLine)


class Status(str, enum.Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    SKIPPED = "skipped"
    FAILED = "failed"


@attrs.frozen
class Change:
    """One applied edit: pass code, line in the original file, message."""

    code: str
    line: int
    message: str
    applicability: str  # "safe" or "unsafe"
    reason: str | None = None  # why it is unsafe
    details: tuple[tuple[str, object], ...] = ()  # figures for reports (a split's size estimate), as pairs


@attrs.frozen
class FileResult:
    """The outcome for one file."""

    path: str
    status: Status
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()
    reason: str | None = None  # skipped: why
    error: str | None = None  # failed: what (first line is the summary)
    source: str | None = None
    output: str | None = None
    unsafe_available: int = 0  # unsafe edits not applied (no --unsafe-fixes)
    written: bool = False
    diff: str | None = None
    verification: str | None = None  # --verify: what building both versions showed
    extra_files: tuple[tuple[str, str | None, str], ...] = ()  # (path, text read or None, text proposed)

    @property
    def changed(self) -> bool:
        return self.status is Status.CHANGED

    def __reduce__(self):
        # Results cross from worker processes in bulk: plain tuples pickle
        # several times faster than attrs instances and enum members.
        return (
            _rebuild_result,
            (
                self.path,
                self.status.value,
                tuple((c.code, c.line, c.message, c.applicability, c.reason, c.details) for c in self.changes),
                tuple((n.code, n.line, n.message) for n in self.notes),
                self.reason,
                self.error,
                self.source,
                self.output,
                self.unsafe_available,
                self.written,
                self.diff,
                None,
                self.extra_files,
            ),
        )


_STATUS = {s.value: s for s in Status}


def _rebuild_result(
    path,
    status,
    changes,
    notes,
    reason,
    error,
    source,
    output,
    unsafe_available,
    written,
    diff,
    verification=None,
    extra_files=(),
):
    return FileResult(
        path,
        _STATUS[status],
        tuple(Change(*c) for c in changes),
        tuple(Note(*n) for n in notes),
        reason,
        error,
        source,
        output,
        unsafe_available,
        written,
        diff,
        verification,
        extra_files,
    )


class InternalError(Exception):
    """A pass misbehaved; the message names the pass and what went wrong."""


_IGNORE = re.compile(r"msb-refactor\s*:\s*ignore\b\s*(?:=\s*([A-Za-z0-9_,\- ]*))?", re.I)


def inline_ignores(tree: Dockerfile) -> tuple[list[str] | None, int]:
    """Codes switched off by ``# msb-refactor: ignore=MSB001,MSB002`` comments.

    Returns (codes, line); ``codes`` is ``["ALL"]`` for a bare
    ``# msb-refactor: ignore`` and None when there is no such comment.
    """
    from .syntax.nodes import Comment

    codes: list[str] = []
    line = 0
    found = False
    for node in tree.body:
        if type(node) is Comment and "msb-refactor" in node.text:
            m = _IGNORE.search(node.text)
            if m:
                found = True
                line = line or node.line
                listed = [c.strip() for c in (m.group(1) or "").split(",") if c.strip()]
                codes.extend(listed or ["ALL"])
    return (codes if found else None), line


def _matches(cls: type[Pass], code: str) -> bool:
    c = code.upper()
    return c == "ALL" or cls.code.startswith(c) or cls.name.upper() == c


BUILDKIT_FLAGS = {
    Run: {"mount", "network", "security", "device"},
    Copy: {"link", "parents", "exclude", "chmod"},
    Add: {"link", "parents", "exclude", "chmod", "checksum", "keep-git-dir", "unpack"},
}


def buildkit_features(tree: Dockerfile) -> set[str]:
    """The BuildKit-only constructs a tree uses (heredocs, ``RUN --mount``...)."""
    out: set[str] = set()
    for ins in tree.instructions:
        if ins.heredoc_bodies:
            out.add(f"{ins.name} heredoc")
        flags = BUILDKIT_FLAGS.get(type(ins))
        if flags:
            for f in ins.flags:
                if f.name in flags:
                    out.add(f"{ins.name} --{f.name}")
    return out


def _features_of(original: Dockerfile) -> frozenset[str]:
    """``buildkit_features`` of the input, found once however many passes change it."""
    memo = facts(original).memo
    found = memo.get(_FEATURES)
    if found is None:
        found = memo[_FEATURES] = frozenset(buildkit_features(original))
    return found


_FEATURES = "engine.buildkit_features"


def _apply(tree: Dockerfile, edits: Sequence[Edit], code: str) -> tuple[Dockerfile, dict[int, int]]:
    """Apply one pass's edits in one copy of the body.

    Returns the new tree and, for each node placed by an edit, the line (in
    ``tree``) it stands for. Two edits that remove or replace the same node
    are a bug in the pass, not something to postpone.
    """
    position = {id(n): k for k, n in enumerate(tree.body)}

    def owned(node) -> tuple:
        if id(node) not in position:
            raise InternalError(f"{code} edited a node that is not in the file's body")
        return tree.owned(node)

    replaced: dict[int, tuple] = {}  # node -> what takes its place
    before: dict[int, list] = {}  # node -> what goes right above it
    after: dict[int, list] = {}
    origin: dict[int, int] = {}  # placed node -> the line it stands for
    claimed: dict[int, int] = {}  # node -> line of the edit that removes or replaces it

    def claim(node, edit: Edit) -> None:
        if id(node) in claimed:
            raise InternalError(
                f"{code} proposed overlapping edits: line {claimed[id(node)]} and line {edit.line}"
                f" both change line {node.line}"
            )
        claimed[id(node)] = edit.line
        replaced.setdefault(id(node), ())

    def place(nodes, at, where: dict) -> None:
        for n in nodes:
            if not isinstance(n, _BODY_TYPES):
                raise InternalError(f"{code} proposed a replacement that is not a body node: {type(n).__name__}")
            if id(n) not in position:  # a node of the tree placed again (after its removal) keeps its own line
                origin.setdefault(id(n), at.line)
        where.setdefault(id(at), []).extend(nodes)

    for e in edits:
        for kind, node, new in e.ops:
            if kind == REPLACE:
                owned(node)
                claim(node, e)
                for n in new:
                    if not isinstance(n, _BODY_TYPES):
                        raise InternalError(
                            f"{code} proposed a replacement that is not a body node: {type(n).__name__}"
                        )
                    origin.setdefault(id(n), node.line)
                replaced[id(node)] = tuple(new)
            elif kind == REMOVE:
                for n in owned(node):
                    claim(n, e)
            elif kind == BEFORE:
                place(new, owned(node)[0], before)
            elif kind == AFTER:
                owned(node)
                place(new, node, after)
            else:  # a move: take the node and what it owns, put them at the anchor
                moving = owned(node)
                for n in moving:
                    claim(n, e)
                anchor = new[0]
                if kind == MOVE_BEFORE:
                    before.setdefault(id(owned(anchor)[0]), []).extend(moving)
                else:
                    owned(anchor)
                    after.setdefault(id(anchor), []).extend(moving)
    body: list = []
    for n in tree.body:
        body.extend(before.get(id(n), ()))
        body.extend(replaced.get(id(n), (n,)))
        body.extend(after.get(id(n), ()))
    try:
        new_tree = tree.with_body(body)
    except ValueError as err:  # the same node twice: a move that forgot its removal
        raise InternalError(f"{code} {err}") from None
    return new_tree, origin


def _line_map(new_tree: Dockerfile, origin: dict[int, int], to_input) -> list[int]:
    """For each line of ``new_tree``'s text (1-based), the input's line.

    ``new_tree`` is the body ``_apply`` built, before re-parsing, so kept
    nodes still carry their lines in the text the pass saw; placed nodes
    stand for the line ``origin`` gives. ``to_input`` maps the lines of the
    text the pass saw to the input's.
    """
    lines = [0]
    for d in new_tree.directives:
        lines.append(to_input(d.line))
    for n in new_tree.body:
        count = max(1, n.code.count("\n") + (0 if n.code.endswith("\n") else 1))
        made = origin.get(id(n))
        if made is None and not n.line:  # a made node re-ended by with_body: stands with its neighbour
            lines.extend([lines[-1]] * count)
        elif made is not None:
            lines.extend([to_input(made)] * count)
        else:
            lines.extend(to_input(n.line + k) for k in range(count))
    return lines


def refactor_text(
    text: str,
    path: str | None = None,
    passes: Sequence[type[Pass]] | None = None,
    *,
    unsafe_fixes: bool = False,
    build_context=None,
    buildkit_syntax: bool = False,
    keep_text: bool = True,
    runtime: str = "distroless",
    runtimes: tuple | None = None,
    test_stage: bool = False,
    bind_manifests: bool = False,
) -> FileResult:
    """Run ``passes`` (default: all) over ``text``; see the module docstring."""
    shown = path or "<stdin>"
    try:
        tree = parse(text, path=shown)
    except DockerfileSyntaxError as e:
        return FileResult(shown, Status.FAILED, error=str(e))
    except RecursionError:
        return FileResult(shown, Status.FAILED, error=f"{shown}: file is too deeply nested to parse")
    except Exception as e:  # a parser bug must not stop a bulk run
        return FileResult(shown, Status.FAILED, error=f"{shown}: internal error in the parser: {_one_line(e)}")

    refused = validate.check(tree, shown)  # BuildKit cannot build it: no rewrite of it can be proved to build
    if refused is not None:
        return FileResult(shown, Status.FAILED, error=str(refused))

    classes = all_passes() if passes is None else run_order(passes, strict=False)
    ignored, ignore_line = inline_ignores(tree)
    if ignored is not None:
        kept = [c for c in classes if not any(_matches(c, code) for code in ignored)]
        if not kept:
            return FileResult(
                shown,
                Status.SKIPPED,
                reason=f"switched off by `# msb-refactor: ignore` at line {ignore_line}",
                source=text if keep_text else None,
            )
        classes = kept
    instances = [c() for c in classes]
    if build_context is None:  # BuildKit's default: the Dockerfile's directory (nothing is read until asked)
        from .context import BuildContext

        build_context = BuildContext.for_dockerfile(path)
    ctx = PassContext(
        shown,
        build_context,
        buildkit_syntax or tree.directive("syntax") is not None,
        unsafe_fixes,
        runtime=runtime,
        runtimes=runtimes,
        test_stage=test_stage,
        bind_manifests=bind_manifests,
    )
    try:
        return _run(text, tree, shown, instances, ctx, unsafe_fixes, keep_text)
    except InternalError as e:
        return FileResult(shown, Status.FAILED, error=f"{shown}: internal error: {e}; file left untouched")


def _one_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0]}" if msg else type(e).__name__


def _run_pass(p: Pass, tree: Dockerfile, ctx: PassContext):
    try:
        out = p.run(tree, ctx)
    except InternalError:
        raise
    except Exception as e:
        raise InternalError(f"{p.code} ({p.name}) crashed: {_one_line(e)}") from None
    if not isinstance(out, (Outcome, Decline)):
        raise InternalError(f"{p.code} ({p.name}) returned {type(out).__name__}, not an Outcome or Decline")
    return out


def _image_settings(tree: Dockerfile) -> dict:
    config = facts(tree).final_config
    return {name: getattr(config, name) for name in IMAGE_CONTRACT}


def _check(
    p: Pass, before: Dockerfile, built: Dockerfile, ctx: PassContext, original: Dockerfile, edits=()
) -> Dockerfile:
    """Re-parse what ``p``'s edits built and prove it sound; the re-parsed tree.
    A setting outside ``p.changes_image`` may change only as one of ``edits``
    declared it would (``Edit.resolve``), value for value."""
    new_text = built.code
    try:
        reparsed = parse(new_text, path=ctx.path)
    except DockerfileSyntaxError as e:
        raise InternalError(f"{p.code} produced text that does not parse ({e.message} at line {e.line})") from None
    if reparsed.code != new_text:
        raise InternalError(f"{p.code} produced text that does not print back identically")
    if reparsed != built:
        raise InternalError(f"{p.code} produced a tree that reads back differently from its text")
    if not ctx.buildkit_syntax:
        new_features = buildkit_features(reparsed) - _features_of(original)
        if new_features:
            raise InternalError(
                f"{p.code} introduced BuildKit-only syntax ({', '.join(sorted(new_features))}) in a file without"
                " a `# syntax=` line"
            )
    introduced = stage_problems(reparsed) - stage_problems(before)
    if introduced:
        raise InternalError(f"{p.code} broke what BuildKit needs of the stages: {sorted(introduced)[0]}")
    old, new = _image_settings(before), _image_settings(reparsed)
    declared = {(k, before_, after_) for e in edits for k, before_, after_ in e.resolves}
    changed = [
        k
        for k in IMAGE_CONTRACT
        if old[k] != new[k] and k not in p.changes_image and (k, old[k], new[k]) not in declared
    ]
    if changed:
        raise InternalError(
            f"{p.code} changed the final image's {', '.join(s.upper() for s in changed)}"
            " without declaring it (Pass.changes_image)"
        )
    return reparsed


def _run(text, tree, shown, passes, ctx, unsafe_fixes, keep_text) -> FileResult:
    original = tree
    changes: list[Change] = []
    declined: dict[str, str] = {}
    line_map: list[int] | None = None  # None: the tree is the input's

    def to_input(line: int) -> int:
        if line_map is None or not line:
            return line
        return line_map[line] if line < len(line_map) else line_map[-1]

    # Passes that ran over the current tree and proposed nothing: they need not
    # run over it again. The file is stable when every pass is among them.
    settled: set[str] = set()
    # What each pass said over the tree it last saw: its notes, the unsafe edits
    # and files it left, and the files it proposes beside the Dockerfile.
    said: dict[str, tuple[list[Note], int, list]] = {}
    for _round in range(MAX_ROUNDS):
        progressed = False
        for p in passes:
            if p.code in declined or p.code in settled:
                continue
            out = _run_pass(p, tree, ctx)
            if isinstance(out, Decline):
                # A pass that declines its own output (a split file is no longer
                # single-stage) has nothing more to do; that is no decline of the file.
                if not any(c.code == p.code for c in changes):
                    declined[p.code] = out.reason
                said[p.code] = ([], 0, [])
                settled.add(p.code)
                continue
            ok = [e for e in out.edits if e.applicability.safe or unsafe_fixes]
            files = [f for f in out.files if f.applicability.safe or unsafe_fixes]
            said[p.code] = (
                [Note(p.code, to_input(n.line), n.message) for n in out.notes],
                len(out.edits) - len(ok) + len(out.files) - len(files),
                files,
            )
            if not ok:
                settled.add(p.code)
                continue
            built, origin = _apply(tree, ok, p.code)
            changes.extend(
                Change(
                    p.code,
                    to_input(_edit_line(e)),
                    e.message,
                    e.applicability.label,
                    e.applicability.reason,
                    tuple(e.details.items()),
                )
                for e in ok
            )
            line_map = _line_map(built, origin, to_input)  # from here on, lines of the new text
            tree = _check(p, tree, built, ctx, original, ok)
            settled.clear()  # a new tree: every pass must see it, this one too
            progressed = True
        if not progressed:  # every pass ran over the final tree and proposed nothing: stable
            break
    else:
        last = changes[-1]
        raise InternalError(
            f"passes did not converge after {MAX_ROUNDS} rounds ({last.code} keeps changing line {last.line})"
        )

    nothing = ((), 0, ())
    notes = [n for p in passes for n in said.get(p.code, nothing)[0]]
    unsafe_left = sum(said.get(p.code, nothing)[1] for p in passes)
    side: dict[str, tuple[str, object]] = {}  # path -> (code, SideFile): proposals over the final tree
    for p in passes:
        for f in said.get(p.code, nothing)[2]:
            side[f.path] = (p.code, f)
    decline_notes = tuple(Note(code, 0, f"declined: {reason}") for code, reason in declined.items())
    extra_files = tuple((f.path, f.old, f.new) for _, f in side.values() if f.new != f.old)
    changes.extend(
        Change(code, to_input(f.line), f.message, f.applicability.label, f.applicability.reason)
        for code, f in side.values()
        if f.new != f.old
    )

    def unchanged() -> FileResult:
        return FileResult(
            shown,
            Status.UNCHANGED,
            notes=tuple(notes) + decline_notes,
            unsafe_available=unsafe_left,
            source=text if keep_text else None,
        )

    if not changes:
        if declined and len(declined) == len(passes):
            return FileResult(
                shown,
                Status.SKIPPED,
                reason="; ".join(f"{c}: {r}" for c, r in declined.items()),
                source=text if keep_text else None,
            )
        return unchanged()
    new_text = tree.code
    if new_text == text and not extra_files:  # the passes' edits cancelled out
        return unchanged()
    return FileResult(
        shown,
        Status.CHANGED,
        changes=tuple(changes),
        notes=tuple(notes) + decline_notes,
        source=text,
        output=new_text,
        unsafe_available=unsafe_left,
        extra_files=extra_files,
    )


def _edit_line(e: Edit) -> int:
    """The line an edit reports: its own, or that of the first node it touches."""
    if e.line or not e.ops:
        return e.line
    return getattr(e.ops[0][1], "line", 0)
