"""A change may rewrite an image setting its pass does not declare in
``changes_image`` only as it says, value for value (``Edit.resolve``): the
split resolving ``npm start`` to the node command it runs changes CMD."""

from __future__ import annotations

import pytest

from refactor.engine import Status, refactor_text
from refactor.passes import SAFE, Pass


def _rewrites_cmd(code: str, declared):
    class RewritesCmd(Pass):
        """Replaces the CMD with `CMD ["node", "server.js"]`, declaring ``declared``."""

        name = "rewrites-cmd"

        def run(self, tree, ctx):
            out = self.outcome()
            cmd = tree.instructions[-1]
            if tuple(cmd.value) != ("node", "server.js"):
                edit = out.edit(
                    cmd, tree.instruction('CMD ["node", "server.js"]'), message="resolve", applicability=SAFE
                )
                if declared is not None:
                    edit.resolve("cmd", *declared)
            return out

    RewritesCmd.code = code
    return RewritesCmd


TEXT = 'FROM node:22\nCMD ["npm", "start"]\n'


def test_an_undeclared_cmd_change_fails_the_file():
    r = refactor_text(TEXT, "D", [_rewrites_cmd("TST060", None)])
    assert r.status is Status.FAILED
    assert "TST060 changed the final image's CMD without declaring it" in r.error


def test_a_cmd_change_declared_value_for_value_is_made():
    r = refactor_text(TEXT, "D", [_rewrites_cmd("TST061", (("npm", "start"), ("node", "server.js")))])
    assert r.status is Status.CHANGED
    assert r.output == 'FROM node:22\nCMD ["node", "server.js"]\n'


@pytest.mark.parametrize(
    "declared",
    [
        (("npm", "start"), ("node", "other.js")),  # says it becomes something else
        (("yarn", "start"), ("node", "server.js")),  # says it was something else
    ],
)
def test_a_declaration_that_does_not_match_the_image_fails_the_file(declared):
    r = refactor_text(TEXT, "D", [_rewrites_cmd("TST062", declared)])
    assert r.status is Status.FAILED
    assert "changed the final image's CMD without declaring it" in r.error


def test_only_contract_settings_can_be_declared():
    from refactor.passes import Edit

    with pytest.raises(ValueError, match="unknown image setting"):
        Edit(1, "m", applicability=SAFE).resolve("labels", (), ())
