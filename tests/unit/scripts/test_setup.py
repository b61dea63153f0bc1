"""The set-up itself: a missing system package stops `make test` with one clear line
(not as a pile of test errors), and a present one costs nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def ensure(tmp_path: Path, *packages: str, uid: int = 1000) -> subprocess.CompletedProcess:
    """Run ``ensure_debian_packages`` as a non-root user of a machine without apt-get: a PATH
    holding only ``dirname`` and an ``id`` that answers ``uid``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "id").chmod(0o755)
    if not (bin_dir / "dirname").exists():
        (bin_dir / "dirname").symlink_to("/usr/bin/dirname")
    env = {
        "PATH": str(bin_dir),
        "CHROMIUM": str(tmp_path / "no-chromium"),
        "HOME": str(tmp_path),
        "LOGS": str(tmp_path / "logs"),
    }
    script = f'. "{REPO}/scripts/system_packages.sh"; ensure_debian_packages {" ".join(packages)}'
    return subprocess.run(
        ["/bin/bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_missing_browser_stops_with_one_line_saying_what_to_install(tmp_path):
    result = ensure(tmp_path, "chromium")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "missing Debian packages: chromium; install them with: " "sudo apt-get install -y chromium"
    ]
    assert result.stdout == ""


def test_present_packages_are_silent(tmp_path):
    chromium = tmp_path / "no-chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    result = ensure(tmp_path, "chromium")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_test_command_checks_the_system_packages_before_anything_else():
    script = (REPO / "scripts" / "test.sh").read_text()
    assert script.index("ensure_debian_packages chromium") < script.index('scripts/setup.sh"')
    assert "\nmake test\n" in (REPO / ".ci" / "run").read_text()
    assert os.access(REPO / "scripts" / "test.sh", os.X_OK)
