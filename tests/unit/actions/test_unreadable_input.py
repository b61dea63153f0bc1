"""Recognising input the assistant cannot read: empty, unreadable (emoji, binary, symbols)
or in another language, so the reply says what went wrong."""

from __future__ import annotations

import pytest

from actions import unreadable_input


@pytest.mark.parametrize(
    "text, kind",
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("😀😀😀", "unreadable"),
        ("\x00\x01\x02\xff", "unreadable"),
        ("!!!???", "unreadable"),
        ("¿La mediación es gratis para mi hijo?", "other_language"),
        ("调解是免费的吗", "other_language"),
        ("is mediation free", "readable"),
        ("no", "readable"),
        ("<script>alert(1)</script>", "readable"),
    ],
)
def test_classify_input(text, kind):
    assert unreadable_input.classify(text) == kind
