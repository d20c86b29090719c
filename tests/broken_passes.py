"""Deliberately broken passes, to prove the engine's guarantees.

Loaded by the engine tests directly and by the CLI tests through
``python -m tests.run_msb tests.broken_passes:Unparsable ARGS`` (``cli_helpers.msb(..., extra_passes=...)``).
"""

from refactor.passes import SAFE, Pass
from refactor.syntax.nodes import Comment, Copy, SourceLine, make_instruction

MARK = "# break me"


def marked(tree) -> bool:
    """Broken passes only misbehave on files holding MARK, so a bulk run can
    show that the other files are still processed."""
    return any(getattr(n, "text", None) == MARK for n in tree.body)


class Unparsable(Pass):
    """Rewrites the first instruction as `ENV A` (a key without a value), which BuildKit refuses."""

    code = "TST001"
    name = "broken-unparsable"

    def run(self, tree, ctx):
        out = self.outcome()
        first = tree.instructions[0]
        if marked(tree) and first.name != "ENV":
            out.edit(
                first, make_instruction((SourceLine("ENV A", "\n"),), (), "\\"), message="break it", applicability=SAFE
            )
        return out


class NeverConverges(Pass):
    """Appends a comment every time it runs."""

    code = "TST002"
    name = "broken-never-converges"

    def run(self, tree, ctx):
        out = self.outcome()
        if not marked(tree):
            return out
        last = tree.body[-1]
        out.edit(last, last, Comment("# again", "\n"), message="one more", applicability=SAFE)
        return out


class Crashes(Pass):
    """Raises."""

    code = "TST003"
    name = "broken-crashes"

    def run(self, tree, ctx):
        if marked(tree):
            raise RuntimeError("boom\nsecond line")
        return self.outcome()


class AddsLink(Pass):
    """Adds `COPY --link`, BuildKit-only syntax, without being allowed to."""

    code = "TST004"
    name = "broken-adds-link"

    def run(self, tree, ctx):
        out = self.outcome()
        for ins in tree.instructions:
            if marked(tree) and isinstance(ins, Copy) and not ins.link:
                new = tree.instruction("COPY --link " + ins.rest)
                out.edit(ins, new, message="link", applicability=SAFE)
        return out


class EditsStrangerNode(Pass):
    """Proposes an edit of a node that is not in the tree."""

    code = "TST005"
    name = "broken-stranger"

    def run(self, tree, ctx):
        out = self.outcome()
        stranger = Comment("# not in the file", "\n")
        if marked(tree):
            out.edit(stranger, message="ghost", applicability=SAFE)
        return out


class Declines(Pass):
    """Declines every file."""

    code = "TST006"
    name = "declines"

    def run(self, tree, ctx):
        from refactor.passes import Decline

        return Decline("this pass never runs here")


class ContextProbe(Pass):
    """Reports what the build context holds, as a note (plumbing test)."""

    code = "TST007"
    name = "context-probe"

    def run(self, tree, ctx):
        out = self.outcome()
        bc = ctx.build_context
        out.note(0, f"root={bc.root} lockfiles={','.join(sorted(bc.lockfiles()))}")
        return out


class KillsWorker(Pass):
    """Ends its process at once (a crash no `except` catches) on marked files."""

    code = "TST008"
    name = "kills-worker"

    def run(self, tree, ctx):
        import os

        if marked(tree):
            os._exit(70)
        return self.outcome()
