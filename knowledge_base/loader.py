"""Load and validate the knowledge base (``data/knowledge_base.yml``).

The knowledge base is the single source of every answer's text and of the list of
topics: the chat, the FAQ page, the generated domain and rules, and the tests all read
it through this module. A malformed file must stop the assistant at start-up, so every
problem is raised as ``KnowledgeBaseError`` naming the file, the entry and the field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import yaml
from pydantic import ValidationError

from contract.limits import retention_days
from knowledge_base import schema
from knowledge_base.schema import (
    FOLLOWUP_KINDS,
    Followups,
    HelpContact,
    Notice,
    Organisation,
    Phrase,
    Reference,
    RegulationSection,
    StateDirectories,
    StateNote,
    StateOffices,
    Topic,
)
from knowledge_base.states import NAMES as STATE_NAMES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "data" / "knowledge_base.yml"
# libyaml's loader when PyYAML has it: the same documents, read about ten times faster (every
# server start and every test that loads a knowledge base reads the whole file).
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PATH_ENV = "IEP_KB_PATH"


def contact_list(contacts: Iterable[Tuple[str, str]]) -> str:
    """(who, how) pairs as "- who: how" lines: a list in any markdown (rasa-webchat's too)
    and plain enough for the apps without markup; lines of "•" ran together into one
    paragraph in markdown."""
    return "\n".join(f"- {who}: {how}" for who, how in contacts)


# The area of the topics about other ways to settle a dispute (data/knowledge_base.yml).
OTHER_ROUTES_AREA = "other_routes"


class KnowledgeBaseError(ValueError):
    """The knowledge base file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class SourcePart:
    """One paragraph of the article, with where it sits ("Benefits ¶2")."""

    id: str
    summary: str
    section_title: str
    position: int  # 1-based position inside its section


@dataclass(frozen=True)
class ArticleSource:
    title: str
    url: str
    parts: Dict[str, SourcePart]


@dataclass(frozen=True)
class Area:
    """A group of topics, in display order (menus, the FAQ page)."""

    id: str
    title: str
    topics: Tuple[str, ...]
    es_title: str = ""  # the title in Spanish


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base, indexed for the assistant."""

    path: Path
    notice: Notice
    article: ArticleSource
    regulations: Dict[str, RegulationSection]  # by section number, e.g. "300.510"
    references: Dict[str, Reference]
    areas: Tuple[Area, ...]
    topics: Dict[str, Topic]
    starter_topics: Tuple[str, ...]
    followups: Followups
    state_notes: Tuple[StateNote, ...]
    help_contacts: Tuple[HelpContact, ...]
    state_directories: StateDirectories
    state_offices: Dict[str, StateOffices]  # by postal code; only checked rows
    organisation: Optional[Organisation]
    phrases: Dict[str, Phrase]

    def phrase(self, key: str, language: str = "en", **values: str) -> str:
        """A phrase in the parent's language, its {placeholders} filled in."""
        phrase = self.phrases[key]
        text = phrase.es if language == "es" else phrase.en
        return text.format(**values) if values else text

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def another_process(self, topic_id: str) -> bool:
        """The topic is about another way to settle a dispute (a resolution meeting, a
        facilitated IEP meeting, a State complaint, a 504 hearing), not mediation itself:
        a short question right after it ("do i have to go to it?") may mean that process."""
        return self.topics[topic_id].area == OTHER_ROUTES_AREA

    def answer_order(self, first: str, second: str) -> Tuple[str, str]:
        """Two topics asked in one message, in the order to answer and offer them: asked
        first, unless the second is an overview that states the first one's main point
        ("can they make us sign? … what rights do we have?"): its answer serves both."""
        overview = self.topics[second]
        if overview.overview and first in overview.related:
            return second, first
        return first, second

    def regulation_section(self, part_id: str) -> RegulationSection:
        """The section a regulation part such as "300.510(a)(1)" belongs to."""
        return self.regulations[part_id.split("(")[0]]

    def followup(self, topic_id: Optional[str], kind: str) -> str:
        """The topic that answers a follow-up of ``kind`` asked right after ``topic_id``
        (every kind has a default: the loader checks it)."""
        own = self.topics[topic_id].followups.get(kind) if topic_id in self.topics else None
        return own or str(getattr(self.followups, kind))

    def state_note(self, state: str, topic_id: str) -> Optional[StateNote]:
        """The verified note for this state and topic, if the knowledge base has one."""
        return next(
            (n for n in self.state_notes if n.state == state and topic_id in n.topics), None
        )

    def help_contacts_text(self) -> str:
        """The human-help contacts as a short bulleted list: the chat's when no state is
        known, and the Rasa server's own reply when the action server cannot be reached."""
        return contact_list((c.name, c.how) for c in self.help_contacts)

    def help_contacts_short(self) -> List[str]:
        """One short line per contact, for SMS (which links the full list)."""
        return [c.short or c.name for c in self.help_contacts]


def _entry_path(raw: Any, loc: Sequence[Any]) -> str:
    """A pydantic error location as 'topics[cost].answer' (entries named by their id)."""
    out, node, parent_key = "", raw, None
    for key in loc:
        if key == "__root__":
            continue
        if isinstance(key, int):
            name = str(key)
            if isinstance(node, list) and key < len(node) and isinstance(node[key], dict):
                name_key = schema.ENTRY_KEYS.get(parent_key or "")
                name = str(node[key].get(name_key, key)) if name_key else name
            out += f"[{name}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
        else:
            out += f".{key}" if out else str(key)
            node = node.get(key) if isinstance(node, dict) else None
            parent_key = key
    return out or "top level"


def _check(errors: List[str], condition: bool, where: str, message: str) -> None:
    if not condition:
        errors.append(f"{where}: {message}")


def _cross_references(data: schema.KnowledgeBaseFile) -> Iterator[str]:
    """Problems no single model can see: ids that point nowhere, unused article parts."""
    errors: List[str] = []
    topic_ids = [t.id for t in data.topics]
    topics = set(topic_ids)
    areas = {a.id for a in data.areas}
    article_parts = [p.id for s in data.sources.article.sections for p in s.parts]
    regulation_parts = {p.id for s in data.sources.regulations for p in s.parts}
    references = {r.id for r in data.sources.references}
    seen = set()
    for topic in data.topics:
        where = f"topics[{topic.id}]"
        _check(errors, topic.id not in seen, f"{where}.id", f"duplicate topic id {topic.id!r}")
        seen.add(topic.id)
        _check(errors, topic.area in areas, f"{where}.area", f"unknown area {topic.area!r}")
        cites = topic.source
        _check(
            errors,
            bool(cites.article or cites.regulation or cites.references),
            f"{where}.source",
            "must cite the article, the regulation or a reference",
        )
        for ref in cites.article:
            _check(
                errors,
                ref in article_parts,
                f"{where}.source.article",
                f"unknown article part {ref!r}",
            )
        for ref in cites.regulation:
            _check(
                errors,
                ref in regulation_parts,
                f"{where}.source.regulation",
                f"unknown regulation part {ref!r}",
            )
        for ref in cites.references:
            _check(
                errors,
                ref in references,
                f"{where}.source.references",
                f"unknown reference {ref!r}",
            )
        for ref in topic.related:
            _check(
                errors,
                ref in topics and ref != topic.id,
                f"{where}.related",
                f"unknown or self-referencing topic {ref!r}",
            )
        for field, english in (("details", topic.details), ("federal_note", topic.federal_note)):
            spanish = getattr(topic.es, field)
            _check(
                errors,
                bool(spanish) == bool(english),
                f"{where}.es.{field}",
                "missing Spanish form"
                if english
                else "Spanish form of an English field that is empty",
            )
        for kind in FOLLOWUP_KINDS:
            followup = topic.followups.get(kind)
            _check(
                errors,
                followup is None or followup in topics,
                f"{where}.followups.{kind}",
                f"unknown topic {followup!r}",
            )
    for kind in FOLLOWUP_KINDS:
        _check(
            errors,
            data.followups.get(kind) in topics,
            f"followups.{kind}",
            f"unknown topic {data.followups.get(kind)!r}",
        )
    for area in data.areas:
        _check(
            errors,
            any(t.area == area.id for t in data.topics),
            f"areas[{area.id}]",
            "has no topics",
        )
    used = {ref for t in data.topics for ref in t.source.article}
    unused = [p for p in article_parts if p not in used]
    _check(errors, not unused, "sources.article", f"parts used by no topic: {unused}")
    for ref in data.starter_topics:
        _check(errors, ref in topics, "starter_topics", f"unknown topic {ref!r}")
    for note in data.state_notes:
        where = f"state_notes[{note.state}]"
        for ref in note.topics:
            _check(errors, ref in topics, f"{where}.topics", f"unknown topic {ref!r}")
        for ref in note.references:
            _check(errors, ref in references, f"{where}.references", f"unknown reference {ref!r}")
    seen_states = set()
    for row in data.state_offices:
        where = f"state_offices[{row.state}]"
        _check(errors, row.state in STATE_NAMES, f"{where}.state", "unknown postal code")
        _check(errors, row.state not in seen_states, f"{where}.state", "listed twice")
        seen_states.add(row.state)
    yield from errors


def _with_retention(notice: Notice) -> Notice:
    """The notice with ``{retention_days}`` filled in: the period the Rasa server actually
    applies (``RETENTION_DAYS``), so what parents read is what happens."""
    days = str(retention_days())

    def filled(text: Any) -> Any:
        return text.copy(
            update={
                k: getattr(text, k).replace("{retention_days}", days) for k in ("privacy", "sms")
            }
        )

    return filled(notice).copy(update={"es": filled(notice.es)})


def _index(path: Path, data: schema.KnowledgeBaseFile) -> KnowledgeBase:
    parts: Dict[str, SourcePart] = {}
    for section in data.sources.article.sections:
        for position, part in enumerate(section.parts, 1):
            parts[part.id] = SourcePart(part.id, part.summary, section.title, position)
    topics = {t.id: t for t in data.topics}
    areas = tuple(
        Area(a.id, a.title, tuple(t.id for t in data.topics if t.area == a.id), a.es.title)
        for a in data.areas
    )
    return KnowledgeBase(
        path=path,
        notice=_with_retention(data.notice),
        article=ArticleSource(data.sources.article.title, data.sources.article.url, parts),
        regulations={s.section: s for s in data.sources.regulations},
        references={r.id: r for r in data.sources.references},
        areas=areas,
        topics=topics,
        starter_topics=tuple(data.starter_topics),
        followups=data.followups,
        state_notes=tuple(data.state_notes),
        help_contacts=tuple(data.help_contacts),
        state_directories=data.state_directories,
        state_offices={row.state: row for row in data.state_offices},
        organisation=data.organisation,
        phrases=dict(data.phrases),
    )


def load(path: Optional[Path] = None) -> KnowledgeBase:
    """Read, validate and return the knowledge base at ``path``."""
    path = Path(path or os.environ.get(PATH_ENV) or DEFAULT_PATH)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except OSError as exc:
        raise KnowledgeBaseError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{path}: top level: must be a mapping")
    try:
        data = schema.KnowledgeBaseFile.parse_obj(raw)
    except ValidationError as exc:
        problems = [f"{path}: {_entry_path(raw, e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise KnowledgeBaseError("\n".join(problems)) from None
    problems = [f"{path}: {p}" for p in _cross_references(data)]
    if problems:
        raise KnowledgeBaseError("\n".join(problems))
    return _index(path, data)


@lru_cache(maxsize=1)
def default() -> KnowledgeBase:
    """The knowledge base the running assistant uses, loaded once per process."""
    return load()
