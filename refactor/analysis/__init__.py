"""Facts about a tree that passes ask for, computed on demand.

``facts(tree)`` gives the one ``Facts`` object of a tree. A tree is
immutable, so a fact computed once stays true: each is computed on first
use and kept for as long as the tree lives (the cache is keyed by the
tree's identity and emptied when it is collected; it never hashes a tree
by value, and never keeps one alive). Nothing passes state between passes.

Importing this package is cheap: the modules doing the work are imported
when a fact is first asked for.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Union

from ..syntax.nodes import Arg, From

if TYPE_CHECKING:
    from ..syntax.nodes import Dockerfile, Instruction, Stage
    from .expand import Expansion, Need, Scope
    from .image import ImageConfig, StageState, StageStates
    from .stages import StageGraph, StageInfo

_CACHE: dict[int, Facts] = {}


def facts(tree: Dockerfile) -> Facts:
    """The facts of ``tree``: the same object for as long as the tree lives."""
    key = id(tree)
    found = _CACHE.get(key)
    if found is not None and found._tree() is tree:
        return found
    made = Facts(tree)
    _CACHE[key] = made
    weakref.finalize(tree, _evict, key, made)
    return made


def _evict(key: int, made: Facts) -> None:
    if _CACHE.get(key) is made:  # the id may already serve a newer tree
        del _CACHE[key]
    # What the memo holds may refer to itself (a RUN's site and its commands):
    # let it go now, by reference counting, instead of in the collector's
    # next full pass with everything reachable from it.
    for value in made.memo.values():
        release = getattr(value, "release", None)
        if release is not None:
            release()
    made.memo.clear()


StageLike = Union[int, "Stage", "StageInfo"]


class Facts:
    """What is known about one tree; every attribute is computed once."""

    def __init__(self, tree: Dockerfile) -> None:
        self._tree = weakref.ref(tree)  # the cache must not keep the tree alive
        # Derived facts other modules keep per tree (the recognisers' RUN sites).
        self.memo: dict = {}

    @property
    def tree(self) -> Dockerfile:
        tree = self._tree()
        if tree is None:
            raise ReferenceError("the tree of these facts was collected")
        return tree

    @cached_property
    def _globals(self):
        from .stages import global_scopes

        return global_scopes(self.tree)

    @cached_property
    def stages(self) -> StageGraph:
        """Every stage with its FROM parent, ``--from`` and mount edges."""
        from .stages import stage_graph

        return stage_graph(self.tree, self._globals[0])

    @cached_property
    def states(self) -> StageStates:
        """Per stage, the state before each instruction and after the last."""
        from .image import stage_states

        return stage_states(self.tree, self.stages)

    @cached_property
    def final_config(self) -> ImageConfig | None:
        """The final image's config (None for a file without FROM)."""
        final = self.stages.final
        return None if final is None else self.states.final(final.index).config

    def stage_state(self, stage: StageLike) -> StageState:
        """A stage's image once all its instructions ran."""
        return self.states.final(_index(stage))

    def state_before(self, ins: Instruction) -> StageState:
        return self.states.before(ins)

    def state_after(self, ins: Instruction) -> StageState:
        return self.states.after(ins)

    def scope_before(self, ins: Instruction) -> Scope:
        """The variables an instruction's words are expanded with.

        FROM lines see the global ARGs; a global ARG sees those before it.
        """
        if isinstance(ins, From):
            return self.stages.global_scope
        before_global = self._globals[1].get(id(ins))
        if before_global is not None:
            return before_global
        return self.states.before(ins).scope

    def expander(self, ins: Instruction | None = None) -> Callable[[str], Expansion]:
        """``word -> Expansion`` in the scope before ``ins`` (FROM lines' scope when None)."""
        from .expand import expand

        scope = self.stages.global_scope if ins is None else self.scope_before(ins)
        escape = self.tree.escape
        return lambda word: expand(word, scope, escape)

    def run_environment(self, ins: Instruction) -> Callable[[str], str | None]:
        """``name -> value`` as a RUN's shell sees it before ``ins``: the ARGs
        and ENVs in scope, ``""`` for a name surely unset, None when the value
        is not known here (an ARG without default, the base image's ENV).
        This is the lookup ``refactor.analysis.shell`` expands words with."""
        scope = self.scope_before(ins)

        def lookup(name: str) -> str | None:
            var = scope.lookup(name)
            return "" if var is None else var.value

        return lookup

    def args_needed(self, word_or_names: str | Iterable[str], ins: Instruction) -> tuple[Need, ...]:
        """What a new stage must declare so that the variables of a word (or
        the given names) keep the values they have before ``ins``.

        For RUN text, BuildKit expands nothing: the shell reads the
        variables. Pass the names the shell analysis found, or the text
        itself (its ``$X`` are found as BuildKit's lexer reads them).
        """
        from .expand import needs, references

        escape = self.tree.escape
        names = references(word_or_names, escape) if isinstance(word_or_names, str) else tuple(word_or_names)
        return needs(names, self.scope_before(ins), self._declared_in, escape)

    def _declared_in(self, var) -> Scope:
        """The scope ``var``'s value was expanded with."""
        node = var.node
        scope = self.scope_before(node)
        if isinstance(node, Arg) and self.stages.stage_of(node) is not None:
            # The names of one ARG are set one after the other.
            after = self.state_after(node).scope
            for word in node.value:
                name = word.partition("=")[0]
                if name == var.name:
                    break
                earlier = after.get(name)
                if earlier is not None and earlier.node is node:
                    scope = scope.set(earlier)
        return scope


def _index(stage: StageLike) -> int:
    return stage if isinstance(stage, int) else stage.index


__all__ = ["Facts", "facts"]
