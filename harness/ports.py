"""Free TCP ports for the servers the tests and benchmarks start.

A port is chosen, then bound later by another process (the server), so two processes that
choose at once can pick the same one. Under pytest-xdist (``make test`` runs two workers)
each worker therefore takes its ports from a block of its own (``PYTEST_XDIST_WORKER`` is
``gw0``, ``gw1``…), below Linux's ephemeral range (32768-60999) where the kernel picks the
ports of outgoing connections and of ``bind(0)``; a single process asks the kernel.
"""

from __future__ import annotations

import os
import random
import socket
from typing import Optional, Set

BLOCK_START = 20000  # above the cluster tests' fixed ports (18xxx), below the ephemeral range
BLOCK_SIZE = 1000
_handed_out: Set[int] = set()


def worker_index(worker: Optional[str] = None) -> Optional[int]:
    """0 for pytest-xdist's ``gw0``, 1 for ``gw1``…; None outside a worker."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "") if worker is None else worker
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else None


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nothing listens on now, and not handed out before by this process."""
    index = worker_index()
    if index is None:
        while True:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    first = BLOCK_START + (index % 12) * BLOCK_SIZE  # 12 blocks end at 32000
    offset = random.randrange(BLOCK_SIZE)  # two runs at once (two checkouts) rarely meet
    for step in range(BLOCK_SIZE):
        port = first + (offset + step) % BLOCK_SIZE
        if port not in _handed_out and _bindable(port):
            _handed_out.add(port)
            return port
    _handed_out.clear()  # every port of the block was handed out once: start over
    return free_port()
