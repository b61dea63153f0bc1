"""The notice every conversation starts with, as the chat sends it and the widget's build
writes it (``scripts/build_site.py``): from the knowledge base, below both."""

from __future__ import annotations

from contract import ENGLISH, SPANISH
from knowledge_base.loader import KnowledgeBase


def notice_text(kb: KnowledgeBase, language: str = ENGLISH) -> str:
    """The line every conversation starts with: not legal advice, and what is kept."""
    notice = kb.notice.es if language == SPANISH else kb.notice
    return f"{notice.disclaimer} {notice.privacy}"
