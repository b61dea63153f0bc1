"""Where an answer comes from, as one short line: the article's paragraphs, the federal
regulation's sections and the named references. Shared by the chat's replies
(``actions/rendering.py``) and the FAQ (``webapp/faq.py``); it lives with the knowledge base
it reads so that neither layer imports the other.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Sequence

from contract import ENGLISH
from knowledge_base.loader import KnowledgeBase
from knowledge_base.schema import Topic


def _ranges(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def article_citation(kb: KnowledgeBase, topic: Topic) -> str:
    """'Benefits ¶2, 5' style pointers into the article's outline, in outline order."""
    by_section: Dict[str, List[int]] = {}
    order = list(kb.article.parts)
    for ref in sorted(topic.article_refs, key=order.index):
        part = kb.article.parts[ref]
        by_section.setdefault(part.section_title, []).append(part.position)
    return "; ".join(f"{title} ¶{_ranges(nums)}" for title, nums in by_section.items())


def regulation_citation(topic: Topic) -> str:
    """'34 CFR 300.506(a), (b)(4); 300.510': each section named once, then its paragraphs."""
    by_section: Dict[str, List[str]] = {}
    for ref in topic.regulation_refs:
        section, paren, rest = ref.partition("(")
        by_section.setdefault(section, []).append(paren + rest)
    cited = []
    for section, paragraphs in by_section.items():
        named = [p for p in paragraphs if p]
        cited.append(section + (named[0] + "".join(f", {p}" for p in named[1:]) if named else ""))
    return "34 CFR " + "; ".join(cited)


def reference_titles(kb: KnowledgeBase, reference_ids: Iterable[str]) -> str:
    """'CADRE; Wisconsin Special Education Mediation System': named sources, in order."""
    return "; ".join(kb.references[r].title for r in reference_ids)


def source_line(kb: KnowledgeBase, topic: Topic, language: str = ENGLISH) -> str:
    """One short plain line saying where the answer comes from (the same sources in both
    languages: their titles are names)."""
    bits = []
    if topic.article_refs:
        bits.append(f"“{kb.article.title}” ({article_citation(kb, topic)})")
    if topic.regulation_refs:
        bits.append(regulation_citation(topic))
    if topic.source.references:
        bits.append(reference_titles(kb, topic.source.references))
    return kb.phrase("source", language, sources="; ".join(bits))
