"""How `make test` runs pytest in parallel: two pytest-xdist workers, a whole module (or a
group of modules sharing a stack) per work unit, the slowest tiers handed out first."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO, RUN_ORDER, TESTS, TIERS, pytest_collection_modifyitems
from tests.scheduling import SharedStackScheduling
from tests.stacks import SHARED_STACK_GROUPS
from tests.unit.project.test_tiers import FakeItem


def test_the_run_takes_the_slowest_tier_first_and_keeps_each_module_s_order():
    names = ["unit/a/test_1.py", "e2e/test_2.py", "unit/b/test_3.py", "cluster/test_4.py"]
    names += ["browser/test_5.py", "e2e/test_6.py"]
    items = [FakeItem(TESTS / name, nodeid=name) for name in names]
    pytest_collection_modifyitems(items)  # type: ignore[arg-type]
    assert [i.nodeid for i in items] == [
        "cluster/test_4.py",
        "browser/test_5.py",
        "e2e/test_2.py",
        "e2e/test_6.py",
        "unit/a/test_1.py",
        "unit/b/test_3.py",
    ]
    assert sorted(RUN_ORDER) == sorted(TIERS)


def split_scope(nodeid: str) -> str:
    return SharedStackScheduling._split_scope(object.__new__(SharedStackScheduling), nodeid)


def test_a_work_unit_is_a_module_or_the_modules_that_share_a_stack():
    assert split_scope("tests/e2e/test_e2e_rest.py::test_x[a]") == "tests/e2e/test_e2e_rest.py"
    for module, group in SHARED_STACK_GROUPS.items():
        assert split_scope(f"{module}::test_x") == group


def test_each_grouped_module_uses_its_group_s_stack_and_each_such_stack_has_a_group():
    for module, fixture in SHARED_STACK_GROUPS.items():
        assert re.search(rf"\b{fixture}\b", (REPO / module).read_text()), (module, fixture)
    stacks = (TESTS / "stacks.py").read_text()
    for fixture in set(SHARED_STACK_GROUPS.values()):
        assert f"def {fixture}(" in stacks
    grouped = re.compile(r"\b(" + "|".join(set(SHARED_STACK_GROUPS.values())) + r")\b")
    users = {
        str(path.relative_to(REPO))
        for path in TESTS.rglob("test_*.py")
        if path != Path(__file__) and grouped.search(path.read_text())
    }
    assert users == set(SHARED_STACK_GROUPS)


def test_make_test_runs_two_workers_a_module_at_a_time_in_the_collection_s_order():
    script = (REPO / "scripts" / "test.sh").read_text()
    assert '-n "${TEST_WORKERS:-2}" --dist loadscope --no-loadscope-reorder tests' in script
