"""Load and validate the knowledge base (``data/knowledge_base.yml``).

The knowledge base is the single source of every answer's text: the chat, the FAQ
page and the tests all read it through this module. A malformed file must stop the
assistant at start-up, so every problem is raised as ``KnowledgeBaseError`` naming
the file, the entry and the field.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "data" / "knowledge_base.yml"
PATH_ENV = "IEP_KB_PATH"

# Clients, the FAQ page and the evaluation address topics by these ids: they are a contract.
TOPIC_IDS: Tuple[str, ...] = (
    "what_is_mediation", "mediator_neutral", "mediator_selection", "cost", "voluntary",
    "confidentiality", "parent_rights", "benefits_overview", "benefit_understanding",
    "benefit_flexibility", "benefit_relationship", "benefit_mutual_agreement",
    "benefit_low_cost", "benefit_most_resolved", "mediation_vs_hearing", "scheduling",
    "duration", "district_attendees", "what_to_bring", "preparation", "outcomes_overview",
    "outcome_full_settlement", "outcome_partial_settlement", "outcome_try_again",
    "outcome_no_agreement", "agreement_binding", "discipline", "advocacy_services",
)
MAX_ANSWER_WORDS = 60
MAX_TITLE_CHARS = 40


class KnowledgeBaseError(ValueError):
    """The knowledge base file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class SourcePart:
    """One paragraph or bullet of a source, described in our own words."""

    id: str
    summary: str
    section_id: str = ""
    section_title: str = ""
    position: int = 0  # 1-based position inside its section, for "paragraph 2"


@dataclass(frozen=True)
class Source:
    """A document the answers rest on (the article, the federal regulation)."""

    key: str
    title: str
    url: str
    parts: Dict[str, SourcePart]


@dataclass(frozen=True)
class FederalNote:
    """Where federal law corrects or qualifies the article, with its citation."""

    text: str
    citation: str


@dataclass(frozen=True)
class Topic:
    """One knowledge-base entry: a question a parent asks and its answer."""

    id: str
    area: str
    title: str
    question: str
    answer: str
    details: str
    article_refs: Tuple[str, ...]
    regulation_refs: Tuple[str, ...]
    federal_note: Optional[FederalNote]
    related: Tuple[str, ...]


@dataclass(frozen=True)
class Area:
    """A group of topics, in display order (menus, the FAQ page)."""

    id: str
    title: str
    topics: Tuple[str, ...] = ()


@dataclass(frozen=True)
class HelpContact:
    """Human help a parent can turn to when the assistant cannot answer."""

    name: str
    how: str


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base."""

    path: Path
    article: Source
    regulation: Source
    areas: Tuple[Area, ...]
    topics: Dict[str, Topic]
    starter_topics: Tuple[str, ...]
    help_contacts: Tuple[HelpContact, ...]
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)


class _Reader:
    """Field access that names the file, entry and field in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{self.path}: {where}: {message}")

    def text(self, node: Dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return " ".join(value.split())

    def mapping(self, node: Any, where: str) -> Dict[str, Any]:
        if not isinstance(node, dict):
            raise self.fail(where, "must be a mapping")
        return node

    def items(self, node: Dict[str, Any], key: str, where: str) -> List[Any]:
        value = node.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}.{key}", "must be a non-empty list")
        return value

    def ids(self, node: Dict[str, Any], key: str, where: str) -> Tuple[str, ...]:
        value = node.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{where}.{key}", "must be a list of ids")
        return tuple(value)


def _article(r: _Reader, node: Dict[str, Any]) -> Source:
    where = "sources.article"
    parts: Dict[str, SourcePart] = {}
    for s_index, section in enumerate(r.items(node, "sections", where)):
        s_where = f"{where}.sections[{s_index}]"
        section = r.mapping(section, s_where)
        section_id = r.text(section, "id", s_where)
        section_title = r.text(section, "title", f"{where}.sections[{section_id}]")
        for p_index, part in enumerate(r.items(section, "parts", f"{where}.sections[{section_id}]"), 1):
            p_where = f"{where}.sections[{section_id}].parts[{p_index - 1}]"
            part = r.mapping(part, p_where)
            part_id = r.text(part, "id", p_where)
            if part_id in parts:
                raise r.fail(p_where, f"duplicate part id {part_id!r}")
            parts[part_id] = SourcePart(part_id, r.text(part, "summary", p_where),
                                        section_id, section_title, p_index)
    return Source("article", r.text(node, "title", where), r.text(node, "url", where), parts)


def _regulation(r: _Reader, node: Dict[str, Any]) -> Source:
    where = "sources.regulation"
    parts: Dict[str, SourcePart] = {}
    for index, part in enumerate(r.items(node, "parts", where)):
        p_where = f"{where}.parts[{index}]"
        part = r.mapping(part, p_where)
        part_id = r.text(part, "id", p_where)
        parts[part_id] = SourcePart(part_id, r.text(part, "summary", p_where))
    return Source("regulation", r.text(node, "title", where), r.text(node, "url", where), parts)


def _topic(r: _Reader, node: Any, index: int) -> Topic:
    node = r.mapping(node, f"topics[{index}]")
    topic_id = r.text(node, "id", f"topics[{index}]")
    where = f"topics[{topic_id}]"
    source = r.mapping(node.get("source"), f"{where}.source")
    note_node = node.get("federal_note")
    note = None
    if note_node is not None:
        note_node = r.mapping(note_node, f"{where}.federal_note")
        note = FederalNote(r.text(note_node, "text", f"{where}.federal_note"),
                           r.text(note_node, "citation", f"{where}.federal_note"))
    return Topic(
        id=topic_id,
        area=r.text(node, "area", where),
        title=r.text(node, "title", where),
        question=r.text(node, "question", where),
        answer=r.text(node, "answer", where),
        details=r.text(node, "details", where, required=False),
        article_refs=r.ids(source, "article", f"{where}.source"),
        regulation_refs=r.ids(source, "regulation", f"{where}.source"),
        federal_note=note,
        related=r.ids(node, "related", where),
    )


def _check_topic(r: _Reader, topic: Topic, kb_topics: Dict[str, Topic], area_ids: set,
                 article: Source, regulation: Source) -> None:
    where = f"topics[{topic.id}]"
    if topic.area not in area_ids:
        raise r.fail(f"{where}.area", f"unknown area {topic.area!r}")
    words = len(topic.answer.split())
    if words > MAX_ANSWER_WORDS:
        raise r.fail(f"{where}.answer", f"{words} words, at most {MAX_ANSWER_WORDS} allowed")
    if len(topic.title) > MAX_TITLE_CHARS:
        raise r.fail(f"{where}.title", f"{len(topic.title)} characters, at most {MAX_TITLE_CHARS}")
    if not topic.article_refs and not topic.regulation_refs:
        raise r.fail(f"{where}.source", "must cite the article or the regulation")
    for ref in topic.article_refs:
        if ref not in article.parts:
            raise r.fail(f"{where}.source.article", f"unknown article part {ref!r}")
    for ref in topic.regulation_refs:
        if ref not in regulation.parts:
            raise r.fail(f"{where}.source.regulation", f"unknown regulation part {ref!r}")
    if not topic.related:
        raise r.fail(f"{where}.related", "must list at least one related topic")
    for ref in topic.related:
        if ref not in kb_topics or ref == topic.id:
            raise r.fail(f"{where}.related", f"unknown or self-referencing topic {ref!r}")


def load(path: Optional[Path] = None) -> KnowledgeBase:
    """Read, validate and return the knowledge base at ``path``."""
    path = Path(path or os.environ.get(PATH_ENV) or DEFAULT_PATH)
    r = _Reader(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnowledgeBaseError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML: {exc}") from exc
    raw = r.mapping(raw, "top level")
    sources = r.mapping(raw.get("sources"), "sources")
    article = _article(r, r.mapping(sources.get("article"), "sources.article"))
    regulation = _regulation(r, r.mapping(sources.get("regulation"), "sources.regulation"))

    topics: Dict[str, Topic] = {}
    for index, node in enumerate(r.items(raw, "topics", "top level")):
        topic = _topic(r, node, index)
        if topic.id in topics:
            raise r.fail(f"topics[{index}].id", f"duplicate topic id {topic.id!r}")
        topics[topic.id] = topic
    missing = [t for t in TOPIC_IDS if t not in topics]
    unknown = [t for t in topics if t not in TOPIC_IDS]
    if missing or unknown:
        raise r.fail("topics", f"missing ids {missing}, unexpected ids {unknown}")

    areas: List[Area] = []
    for index, node in enumerate(r.items(raw, "areas", "top level")):
        node = r.mapping(node, f"areas[{index}]")
        area_id = r.text(node, "id", f"areas[{index}]")
        members = tuple(t.id for t in topics.values() if t.area == area_id)
        areas.append(Area(area_id, r.text(node, "title", f"areas[{area_id}]"), members))
    area_ids = {a.id for a in areas}
    for topic in topics.values():
        _check_topic(r, topic, topics, area_ids, article, regulation)
    for area in areas:
        if not area.topics:
            raise r.fail(f"areas[{area.id}]", "has no topics")

    used = {ref for t in topics.values() for ref in t.article_refs}
    unused = [p for p in article.parts if p not in used]
    if unused:
        raise r.fail("sources.article", f"parts used by no topic: {unused}")

    starters = r.ids(raw, "starter_topics", "top level")
    for ref in starters:
        if ref not in topics:
            raise r.fail("starter_topics", f"unknown topic {ref!r}")
    contacts = []
    for index, node in enumerate(r.items(raw, "help_contacts", "top level")):
        node = r.mapping(node, f"help_contacts[{index}]")
        contacts.append(HelpContact(r.text(node, "name", f"help_contacts[{index}]"),
                                    r.text(node, "how", f"help_contacts[{index}]")))
    return KnowledgeBase(path, article, regulation, tuple(areas), topics, starters,
                         tuple(contacts), raw)


@lru_cache(maxsize=1)
def default() -> KnowledgeBase:
    """The knowledge base the running assistant uses, loaded once per process."""
    return load()
