"""The privacy line parents read (issue 11) says what the assistant does: contact details
and long numbers hidden on the server, the configured retention period, and how to delete
the conversation; the SMS form says the same in one segment."""

from __future__ import annotations

from channels.sms import is_gsm7, segments
from contract.limits import retention_days
from knowledge_base import load


def test_the_privacy_line_states_redaction_retention_and_erasure(kb):
    privacy = kb.notice.privacy
    assert f"deleted {retention_days()} days after your last message" in privacy
    for said in ("e-mail addresses", "phone numbers", "ID numbers", '"delete my conversation"'):
        assert said in privacy
    assert "{" not in privacy and "until the organisation deletes it" not in privacy


def test_the_sms_notice_says_it_in_one_segment(kb):
    sms = kb.notice.sms
    assert f"kept {retention_days()} days" in sms and '"delete my conversation"' in sms
    assert "hidden" in sms and "not legal advice" in sms
    assert len(sms) <= 160 and is_gsm7(sms) and segments(sms) == 1


def test_the_configured_period_is_the_one_stated(monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "365")
    kb = load()
    assert "deleted 365 days after" in kb.notice.privacy and "kept 365 days" in kb.notice.sms
    assert segments(kb.notice.sms) == 1
    monkeypatch.setenv("RETENTION_DAYS", "30")
    assert "deleted 30 days after" in load().notice.privacy
