"""The limit on callback requests (issue 18, ``actions/callback_limit.py``): sliding one-hour
windows per key and in all, counted only when taken, memory bounded whatever the number of
keys, and limits read from the environment (a bad value means the default). A fake clock
stands in for time."""

from __future__ import annotations

import logging

import pytest

from actions import callback_limit
from actions.callback_limit import CLIENT, CONVERSATION, TOTAL, CallbackLimiter, Limits

HOUR = 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def conversation(name: str) -> list:
    return [(CONVERSATION, name)]


def test_three_an_hour_per_conversation_then_refused_until_the_first_leaves_the_window():
    clock = Clock()
    limiter = CallbackLimiter(Limits(per_key=3, total=30), clock=clock)
    for minute in (0, 10, 20):
        clock.now = 1000.0 + minute * 60
        assert limiter.check(conversation("a")) is None
        assert limiter.acquire(conversation("a")) is None
    clock.now = 1000.0 + 59 * 60
    assert limiter.check(conversation("a")) == CONVERSATION
    assert limiter.acquire(conversation("a")) == CONVERSATION
    clock.now = 1000.0 + HOUR  # the first request (minute 0) is an hour old: one free place
    assert limiter.acquire(conversation("a")) is None
    assert limiter.acquire(conversation("a")) == CONVERSATION  # minutes 10 and 20 still count
    clock.now = 1000.0 + HOUR + 20 * 60
    assert limiter.acquire(conversation("a")) is None
    assert limiter.acquire(conversation("a")) is None


def test_each_key_has_its_own_window_and_a_request_counts_against_all_of_its_keys():
    limiter = CallbackLimiter(Limits(per_key=3, total=30), clock=Clock())
    for name in ("a", "b", "c"):
        assert limiter.acquire([(CONVERSATION, name), (CLIENT, "tag-1")]) is None
    # Conversation "d" has sent nothing, but its client has sent three.
    assert limiter.acquire([(CONVERSATION, "d"), (CLIENT, "tag-1")]) == CLIENT
    assert limiter.acquire([(CONVERSATION, "d"), (CLIENT, "tag-2")]) is None
    assert limiter.acquire([(CONVERSATION, "e")]) is None  # no client tag: the conversation only
    # The same string in another scope is another key.
    assert limiter.acquire([(CONVERSATION, "tag-1")]) is None


def test_the_total_is_a_ceiling_over_all_keys_so_new_ids_do_not_get_past_it():
    clock = Clock()
    limiter = CallbackLimiter(Limits(per_key=3, total=5), clock=clock)
    for number in range(5):
        assert limiter.acquire(conversation(f"rotating-{number}")) is None
    assert limiter.check(conversation("rotating-5")) == TOTAL
    assert limiter.acquire(conversation("rotating-6")) == TOTAL
    clock.now += HOUR
    assert limiter.acquire(conversation("rotating-7")) is None


def test_the_conversation_is_named_first_when_several_limits_are_reached():
    limiter = CallbackLimiter(Limits(per_key=1, total=1), clock=Clock())
    keys = [(CONVERSATION, "a"), (CLIENT, "tag")]
    assert limiter.acquire(keys) is None
    assert limiter.check(keys) == CONVERSATION
    assert limiter.check([(CONVERSATION, "b"), (CLIENT, "tag")]) == CLIENT
    assert limiter.check(conversation("b")) == TOTAL


def test_a_check_counts_nothing_and_a_released_request_is_not_counted():
    limiter = CallbackLimiter(Limits(per_key=2, total=2), clock=Clock())
    for _ in range(10):
        assert limiter.check(conversation("a")) is None
    assert limiter.acquire(conversation("a")) is None
    limiter.release(conversation("a"))  # e.g. the mail server refused it
    assert limiter.acquire(conversation("a")) is None
    assert limiter.acquire(conversation("a")) is None
    assert limiter.acquire(conversation("a")) == CONVERSATION


def test_memory_stays_bounded_however_many_distinct_keys():
    clock = Clock()
    limiter = CallbackLimiter(Limits(per_key=3, total=10**9), clock=clock, max_keys=100)
    for number in range(100_000):
        limiter.check([(CONVERSATION, f"probe-{number}"), (CLIENT, f"tag-{number}")])
    assert len(limiter) == 0  # checking stores nothing
    for number in range(20_000):
        clock.now += 0.001
        assert limiter.acquire([(CONVERSATION, f"c-{number}"), (CLIENT, f"t-{number}")]) is None
    assert len(limiter) == 100  # the least recently used keys went first
    # The newest are still counted: "c-19999" has one request, so two more, then refused.
    assert limiter.acquire(conversation("c-19999")) is None
    assert limiter.acquire(conversation("c-19999")) is None
    assert limiter.acquire(conversation("c-19999")) == CONVERSATION


def test_keys_with_nothing_in_the_window_are_forgotten():
    clock = Clock()
    limiter = CallbackLimiter(Limits(per_key=3, total=100), clock=clock)
    for number in range(50):
        limiter.acquire(conversation(f"old-{number}"))
    assert len(limiter) == 50
    clock.now += HOUR + 1
    limiter.acquire(conversation("new"))
    assert len(limiter) == 1


def test_no_conversation_id_or_address_is_kept_in_memory():
    limiter = CallbackLimiter(clock=Clock())
    limiter.acquire([(CONVERSATION, "parent-secret-id"), (CLIENT, "tag-secret")])
    held = repr(limiter._keys)  # the hashed keys and their times
    assert "secret" not in held and "parent" not in held


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, Limits(per_key=3, total=30)),
        ({"CALLBACK_LIMIT_PER_HOUR": "5", "CALLBACK_LIMIT_TOTAL_PER_HOUR": "100"}, Limits(5, 100)),
        ({"CALLBACK_LIMIT_PER_HOUR": " 2 "}, Limits(2, 30)),
        ({"CALLBACK_LIMIT_PER_HOUR": "three"}, Limits(3, 30)),
        ({"CALLBACK_LIMIT_PER_HOUR": "2.5"}, Limits(3, 30)),
        ({"CALLBACK_LIMIT_PER_HOUR": "0"}, Limits(3, 30)),
        ({"CALLBACK_LIMIT_PER_HOUR": "-4"}, Limits(3, 30)),
        ({"CALLBACK_LIMIT_PER_HOUR": ""}, Limits(3, 30)),
        ({"CALLBACK_LIMIT_TOTAL_PER_HOUR": "lots"}, Limits(3, 30)),
        ({"CALLBACK_LIMIT_TOTAL_PER_HOUR": "1e3"}, Limits(3, 30)),
    ],
)
def test_limits_come_from_the_environment_and_a_bad_value_means_the_default(env, expected):
    assert callback_limit.limits_from(env) == expected


def test_a_bad_value_is_logged_once_without_the_value(caplog):
    with caplog.at_level(logging.WARNING, logger="actions.callback_limit"):
        callback_limit.limits_from({"CALLBACK_LIMIT_PER_HOUR": "x" * 50})
    [record] = caplog.records
    assert "CALLBACK_LIMIT_PER_HOUR" in record.getMessage() and "x" * 50 not in record.getMessage()


def test_the_shared_limiter_is_made_from_the_environment(monkeypatch):
    monkeypatch.setenv("CALLBACK_LIMIT_PER_HOUR", "7")
    monkeypatch.setenv("CALLBACK_LIMIT_TOTAL_PER_HOUR", "nonsense")
    callback_limit.reset()
    try:
        assert callback_limit.limiter().limits == Limits(per_key=7, total=30)
        assert callback_limit.limiter() is callback_limit.limiter()
    finally:
        callback_limit.reset()
