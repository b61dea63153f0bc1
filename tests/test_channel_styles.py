"""Per-app shaping: buttons within limits, numbered options, splitting, markup."""
from __future__ import annotations

import pytest

from channels import styles as cs

BUTTONS = [{"title": f"Question number {i} about mediation", "payload": f"/ask_{i}"}
           for i in range(1, 16)]


@pytest.mark.parametrize("channel, count, title_len", [
    ("facebook", 13, 20), ("telegram", 6, 40), ("slack", 5, 75), ("rest", 10, 80)])
def test_buttons_fit_each_apps_limits(channel, count, title_len):
    shaped = cs.shape(channel, "Hello.", BUTTONS)
    assert len(shaped["buttons"]) == count
    assert all(len(b["title"]) <= title_len for b in shaped["buttons"])
    assert shaped["buttons"][0]["payload"] == "/ask_1"


def test_sms_gets_a_numbered_list_instead_of_buttons():
    shaped = cs.shape("twilio", "Pick one.", BUTTONS[:3])
    assert "buttons" not in shaped
    assert shaped["text"].endswith("Reply 1, 2 or 3:\n1. Question number 1 about mediation\n"
                                   "2. Question number 2 about mediation\n"
                                   "3. Question number 3 about mediation")


def test_long_text_splits_at_sentence_boundaries_in_order():
    sentences = [f"Sentence {i} says something useful about mediation." for i in range(60)]
    text = " ".join(sentences)
    parts = cs.split_text(text, 300)
    assert all(len(p) <= 300 for p in parts) and len(parts) > 5
    assert " ".join(parts) == text
    assert all(p.endswith(".") for p in parts)


def test_a_sentence_longer_than_a_message_is_cut_at_a_space():
    parts = cs.split_text("word " * 500, 100)
    assert all(0 < len(p) <= 100 for p in parts)
    assert " ".join(parts).split() == ["word"] * 500


def test_markup_per_app():
    assert cs.format_text(cs.STYLES["slack"], "**Free** <b>&") == "*Free* &lt;b&gt;&amp;"
    assert cs.format_text(cs.STYLES["twilio"], "**Free** now") == "Free now"


def test_unknown_channel_gets_the_default_style():
    assert cs.style_for("cmdline") is cs.DEFAULT_STYLE and cs.style_for(None) is cs.DEFAULT_STYLE
