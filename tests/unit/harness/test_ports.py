"""harness.ports: under pytest-xdist each worker hands out ports from its own block, never
the same one twice, so two workers' servers cannot race for a port."""

from __future__ import annotations

import socket

import pytest

from harness import ports


@pytest.mark.parametrize(
    "name, index", [("gw0", 0), ("gw1", 1), ("gw12", 12), ("", None), ("master", None)]
)
def test_the_worker_index_comes_from_xdist_s_worker_name(name, index):
    assert ports.worker_index(name) == index


def test_a_worker_takes_distinct_bindable_ports_from_its_own_block(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    monkeypatch.setattr(ports, "_handed_out", set())
    taken = [ports.free_port() for _ in range(50)]
    first = ports.BLOCK_START + ports.BLOCK_SIZE
    assert all(first <= port < first + ports.BLOCK_SIZE for port in taken)
    assert len(set(taken)) == len(taken)
    assert max(taken) < 32768  # below the kernel's ephemeral ports


def test_a_port_in_use_is_skipped(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setattr(ports, "_handed_out", set())
    monkeypatch.setattr(ports.random, "randrange", lambda _: 0)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports.BLOCK_START))
        busy.listen()
        assert ports.free_port() != ports.BLOCK_START


def test_outside_a_worker_the_kernel_chooses_and_never_twice(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setattr(ports, "_handed_out", set())
    taken = [ports.free_port() for _ in range(20)]
    assert len(set(taken)) == len(taken)
