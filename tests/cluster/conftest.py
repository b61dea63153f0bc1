"""The ``cluster`` marker: end-to-end tests against the real scale-out (scripts/cluster.sh)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cluster: starts PostgreSQL, Redis, nginx and several Rasa instances "
        "(scripts/cluster.sh); installs the Debian packages when run as root",
    )
