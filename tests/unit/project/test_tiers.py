"""The test tiers: tests/ mirrors the code, each folder is a marker, and `make test-fast`
runs the unit tier without training, root or a browser."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List

import pytest
import tomli

from tests.conftest import REPO, TESTS, TIERS, pytest_collection_modifyitems


@dataclass
class FakeItem:
    """What the tier hook reads and writes on a collected test."""

    path: Path
    nodeid: str = "x"
    markers: List[Any] = field(default_factory=list)

    def add_marker(self, marker: Any) -> None:
        self.markers.append(marker)


@pytest.mark.parametrize("tier", TIERS)
def test_a_test_gets_the_marker_of_its_tier_folder(tier):
    item = FakeItem(TESTS / tier / "sub" / "test_x.py")
    pytest_collection_modifyitems([item])  # type: ignore[list-item]
    assert [m.name for m in item.markers] == [tier]


def test_a_test_outside_every_tier_stops_the_run():
    with pytest.raises(pytest.UsageError, match="tests/<tier>/"):
        pytest_collection_modifyitems([FakeItem(TESTS / "test_x.py")])  # type: ignore[list-item]


def test_every_tier_is_a_registered_marker_and_markers_are_strict():
    config = tomli.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_config = config["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in pytest_config["addopts"]
    assert sorted(m.split(":")[0] for m in pytest_config["markers"]) == sorted(TIERS)


def test_no_test_file_lies_outside_a_tier_and_no_folder_lacks_its_init():
    assert not list(TESTS.glob("test_*.py"))
    for path in TESTS.rglob("test_*.py"):
        assert path.relative_to(TESTS).parts[0] in TIERS, path
        assert (path.parent / "__init__.py").exists(), path


def test_unit_folders_mirror_packages_of_the_project():
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")}
    folders = {p.name for p in (TESTS / "unit").iterdir() if (p / "__init__.py").exists()}
    assert folders - {"project"} <= packages
    for init in (TESTS / "unit").glob("*/*/**/__init__.py"):
        folder = init.parent.relative_to(TESTS / "unit")
        assert (REPO / folder / "__init__.py").exists(), f"tests/unit/{folder} mirrors no package"


def test_the_fast_command_runs_the_unit_tier_without_training_or_system_packages():
    script = (REPO / "scripts" / "test_fast.sh").read_text(encoding="utf-8")
    assert 'SETUP_DEV=1 SETUP_SKIP_TRAIN=1 . "$ROOT/scripts/setup.sh"' in script
    assert "-m unit" in script
    assert "ensure_debian_packages" not in script
    assert os.access(REPO / "scripts" / "test_fast.sh", os.X_OK)
    assert "test-fast:\n\t@scripts/test_fast.sh\n" in (REPO / "Makefile").read_text()
