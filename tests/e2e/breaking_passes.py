"""A pass that writes a rewrite which parses but does not build, for the
`--verify` tests: the engine's checks accept it; only building shows it
is wrong. Loaded through tests.run_msb (cli_helpers.msb(..., extra_passes=...))."""

from refactor.passes import SAFE, Pass
from refactor.syntax.nodes import Run


class BreaksTheBuild(Pass):
    """Replaces the last RUN of the file with one that fails."""

    code = "TST101"
    name = "breaks-the-build"

    def run(self, tree, ctx):
        out = self.outcome()
        runs = [i for i in tree.instructions if isinstance(i, Run)]
        if runs and runs[-1].rest != "exit 3":
            out.edit(runs[-1], tree.instruction("RUN exit 3"), message="break the build", applicability=SAFE)
        return out
