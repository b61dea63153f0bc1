"""The project is an installed package: every first-party package is declared (in
pyproject.toml, for the install and for the import-order lint), no code edits sys.path,
scripts import the project from any directory, and the requirements are split into
runtime and development, both locked by constraints.txt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import tomli

REPO = Path(__file__).resolve().parents[3]
PYPROJECT = tomli.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# What the tests and the lint use and the servers never import.
DEV_TOOLS = {
    "pytest",
    "pytest-asyncio",
    "ruff",
    "mypy",
    "vulture",
    "playwright",
    "pypdfium2",
    "aiosmtpd",
}


def _top_level_packages() -> set:
    return {p.parent.name for p in REPO.glob("*/__init__.py")}


def _installable_packages() -> set:
    """Every package and sub-package (``service.stores``) but the tests: setuptools installs
    only the packages it is given, so a sub-package left out would be missing."""
    found = set()
    for package in _top_level_packages() - {"tests"}:
        for init in (REPO / package).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(REPO).parts))
    return found


def _pins(name: str) -> Dict[str, str]:
    """``package -> version`` of a requirements file's lines (comments skipped)."""
    pins: Dict[str, str] = {}
    for line in (REPO / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            package, _, version = line.partition("==")
            pins[package.lower().replace("_", "-")] = version
    return pins


def test_every_first_party_package_is_installed_but_the_tests():
    declared = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert declared == _installable_packages()
    assert _top_level_packages() - {"tests"} <= declared


def test_the_import_order_lint_knows_every_first_party_package():
    lint = PYPROJECT["tool"]["ruff"]["lint"]
    assert "I" in lint["select"]
    assert set(lint["isort"]["known-first-party"]) == _top_level_packages()


def test_no_code_edits_sys_path():
    edits: List[str] = []
    for package in sorted(_top_level_packages()):
        for path in (REPO / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"sys\.path\.(insert|append|extend)\(|sys\.path\s*[+]?=", text):
                edits.append(str(path.relative_to(REPO)))
    assert edits == [], edits


def test_a_script_run_as_a_file_from_elsewhere_imports_the_project(tmp_path):
    """`python scripts/x.py` puts scripts/, not the repository, on the path: the project's
    packages come from the install (scripts/setup.sh, `pip install -e .`)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_topic_files.py"), "--check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_project_is_installed_from_this_checkout(tmp_path):
    probe = "import actions, scripts; print(actions.__file__); print(scripts.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        str(REPO / "actions" / "__init__.py"),
        str(REPO / "scripts" / "__init__.py"),
    ]


def test_runtime_and_development_requirements_are_split_and_locked():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    locked = _pins("constraints.txt")
    assert not set(runtime) & set(dev)
    assert DEV_TOOLS <= set(dev)
    assert not DEV_TOOLS & set(runtime)
    for package, version in {**runtime, **dev}.items():
        assert version and locked.get(package) == version, package


def test_the_project_depends_on_the_runtime_requirements_only():
    """pyproject.toml reads requirements.txt, which setuptools takes only as plain lines."""
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["dependencies"] == {
        "file": ["requirements.txt"]
    }
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.startswith("-")]


def test_tests_and_lint_install_the_development_tools_and_run_does_not():
    scripts = REPO / "scripts"
    assert 'SETUP_DEV=1 . "$ROOT/scripts/setup.sh"' in (scripts / "test.sh").read_text()
    assert "SETUP_DEV=1 SETUP_SKIP_TRAIN=1 . " in (scripts / "lint.sh").read_text()
    assert "SETUP_DEV" not in (scripts / "run.sh").read_text()
    setup = (scripts / "setup.sh").read_text()
    assert "pip install --no-deps --no-build-isolation -e ." in setup
