"""How pytest-xdist hands out the tests of `make test` (``--dist loadscope``, two workers)."""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

from tests.stacks import SHARED_STACK_GROUPS


class SharedStackScheduling(LoadScopeScheduling):
    """``loadscope`` (a whole module per work unit, so its module-scoped servers start once
    on one worker), with the modules of ``SHARED_STACK_GROUPS`` in one work unit per stack.
    Work units go out in the collection's order (``--no-loadscope-reorder``), which
    tests/conftest.py sorts slowest tier first."""

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return SHARED_STACK_GROUPS.get(module) or super()._split_scope(nodeid)
