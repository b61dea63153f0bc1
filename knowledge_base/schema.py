"""The shape of ``data/knowledge_base.yml``, as pydantic models.

Pydantic (1.10, installed with Rasa) checks types, required fields and per-field limits;
cross-references between entries (related topics, cited source parts, areas) are checked
by the loader, which knows the whole file. Models are immutable: the running assistant
shares one instance between requests.
"""

from __future__ import annotations

from datetime import date
from typing import Dict, List, Literal, Optional, Tuple
from urllib.parse import urlsplit

from pydantic import BaseModel, Extra, Field, constr, root_validator, validator

MAX_ANSWER_WORDS = 60
# Spanish says the same in more words (the limit for Spanish answers).
MAX_SPANISH_ANSWER_WORDS = 70
MAX_TITLE_CHARS = 40
MAX_STATE_NOTE_WORDS = 50
FOLLOWUP_KINDS = ("if_fails", "binding", "use_mediation")


SourceKind = Literal["guidance", "parent_center", "advocate", "research"]


def _at_most_words(text: str, limit: int) -> str:
    words = len(text.split())
    if words > limit:
        raise ValueError(f"{words} words, at most {limit} allowed")
    return text


def _not_empty(items, message: str):
    if not items:
        raise ValueError(message)
    return items


class Model(BaseModel):
    """Strict and frozen; text is stored with its whitespace folded to single spaces."""

    class Config:
        extra = Extra.forbid
        allow_mutation = False
        anystr_strip_whitespace = True
        min_anystr_length = 1

    @validator("*", pre=True)
    def _fold_whitespace(cls, value):  # noqa: N805 (pydantic validators take cls)
        return " ".join(value.split()) if isinstance(value, str) else value


class Part(Model):
    """One paragraph of a source, described in our own words."""

    id: str
    summary: str


class ArticleSection(Model):
    id: str
    title: str
    parts: List[Part] = Field(..., min_items=1)


class Article(Model):
    title: str
    publisher: str
    url: str
    sections: List[ArticleSection] = Field(..., min_items=1)


class RegulationSection(Model):
    """One section of 34 CFR; its parts' ids start with the section number."""

    section: str
    title: str
    url: str
    parts: List[Part] = Field(..., min_items=1)

    @validator("parts")
    def _parts_belong_to_section(cls, parts, values):  # noqa: N805
        section = values.get("section")
        for part in parts:
            if section and part.id.split("(")[0] != section:
                raise ValueError(f"part {part.id!r} is not in section {section!r}")
        return parts


class Reference(Model):
    """A named source that is not the regulation: guidance, a state rule, a parent center."""

    id: str
    title: str
    publisher: str
    kind: SourceKind
    url: str

    @validator("url")
    def _https(cls, url):  # noqa: N805
        if not url.startswith("https://"):
            raise ValueError("must be an https:// address")
        return url


class Sources(Model):
    article: Article
    regulations: List[RegulationSection] = Field(..., min_items=1)
    references: List[Reference] = []


class Citations(Model):
    """What a topic rests on: article parts, regulation parts, named references."""

    article: Tuple[str, ...] = ()
    regulation: Tuple[str, ...] = ()
    references: Tuple[str, ...] = ()


class FederalNote(Model):
    """Where federal law corrects or qualifies the article, with its citation."""

    text: str
    citation: str


class Followups(Model):
    """Which topic answers "and if that fails?", "is that binding?", "can we mediate that?"."""

    if_fails: Optional[str] = None
    binding: Optional[str] = None
    use_mediation: Optional[str] = None

    def get(self, kind: str) -> Optional[str]:
        return getattr(self, kind, None)


class SpanishTopic(Model):
    """A topic's parent-facing text in Spanish: the same facts, hedges and sources (the
    citations are the English entry's), written for a parent, not translated word for word."""

    title: str = Field(..., max_length=MAX_TITLE_CHARS)
    question: str
    answer: str
    details: Optional[str] = None  # present exactly when the English has details
    federal_note: Optional[str] = None  # the note's text; its citation is the English one

    @validator("answer")
    def _short(cls, answer):  # noqa: N805
        return _at_most_words(answer, MAX_SPANISH_ANSWER_WORDS)


class Topic(Model):
    """One knowledge-base entry: a question a parent asks and its answer."""

    id: str
    area: str
    title: str = Field(..., max_length=MAX_TITLE_CHARS)
    question: str
    answer: str
    details: str = ""
    source: Citations
    federal_note: Optional[FederalNote] = None
    related: Tuple[str, ...]
    followups: Followups = Followups()
    # An overview: the answer states the main point of each related topic, so asked in one
    # message with one of them, it answers both and comes first.
    overview: bool = False
    es: SpanishTopic

    class Config:
        min_anystr_length = 0  # details may be empty

    @validator("id", "area", "title", "question", "answer")
    def _text_given(cls, value):  # noqa: N805
        return _not_empty(value, "must be a non-empty string")

    @validator("related")
    def _some_related(cls, related):  # noqa: N805
        return _not_empty(related, "must list at least one related topic")

    @validator("answer")
    def _short(cls, answer):  # noqa: N805
        return _at_most_words(answer, MAX_ANSWER_WORDS)

    @property
    def article_refs(self) -> Tuple[str, ...]:
        return self.source.article

    @property
    def regulation_refs(self) -> Tuple[str, ...]:
        return self.source.regulation


class SpanishNote(Model):
    note: str

    @validator("note")
    def _short(cls, note):  # noqa: N805
        return _at_most_words(note, MAX_STATE_NOTE_WORDS)


class StateNote(Model):
    """A verified rule of one state for some topics, with where it comes from."""

    state: str = Field(..., regex=r"^[A-Z]{2}$")
    topics: Tuple[str, ...]
    note: str
    references: Tuple[str, ...]
    confidence: SourceKind
    es: SpanishNote

    @validator("topics", "references")
    def _some_ids(cls, ids):  # noqa: N805
        return _not_empty(ids, "must list at least one id")

    @validator("note")
    def _short(cls, note):  # noqa: N805
        return _at_most_words(note, MAX_STATE_NOTE_WORDS)


PHONE = r"^[0-9A-Za-z()+.\- ,]{7,40}$"
EVIDENCE_WORDS = 30


def _web_address(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ValueError("must be an http(s):// address")
    return url


class CheckedEntry(Model):
    """A name and address seen on a published page: where it was checked, when, and what
    the page said. Nothing in the state table is a guess."""

    name: str
    url: str
    checked_at: str
    checked_on: date
    evidence: str
    # Anything a reader should know about the page (an old copy, a partner that runs it).
    caution: Optional[str] = None

    @validator("url", "checked_at")
    def _address(cls, url):  # noqa: N805
        return _web_address(url)

    @validator("evidence")
    def _short_evidence(cls, text):  # noqa: N805
        return _at_most_words(text, EVIDENCE_WORDS)


class DisputeOffice(CheckedEntry):
    """The State education agency's dispute resolution office: its page on the agency's
    own site, and its phone only where that page prints one."""

    phone: Optional[constr(regex=PHONE)] = None  # type: ignore[valid-type]

    @validator("phone")
    def _digits(cls, phone):  # noqa: N805
        if phone is not None and sum(c.isdigit() for c in phone) < 7:
            raise ValueError("a phone number needs at least 7 digits")
        return phone

    @validator("checked_at")
    def _checked_on_its_own_site(cls, checked_at, values):  # noqa: N805
        url = values.get("url")
        if url and urlsplit(url).hostname != urlsplit(checked_at).hostname:
            raise ValueError("the office's page must be checked on the agency's own site")
        return checked_at


class ParentCenter(CheckedEntry):
    """The state's Parent Training and Information Center."""

    # Where a state has several centers: the part of the state this one serves.
    serves: Optional[str] = None
    serves_es: Optional[str] = None  # the same in Spanish (required with serves)

    @validator("serves_es", always=True)
    def _spanish_with_english(cls, serves_es, values):  # noqa: N805
        if bool(serves_es) != bool(values.get("serves")):
            raise ValueError("serves and serves_es go together")
        return serves_es


class StateOffices(Model):
    """Who a parent in one state can call: the dispute resolution office and the PTI."""

    state: str = Field(..., regex=r"^[A-Z]{2}$")
    office: Optional[DisputeOffice] = None
    parent_center: Optional[ParentCenter] = None

    @root_validator(skip_on_failure=True)
    def _something_checked(cls, values):  # noqa: N805
        if not values.get("office") and not values.get("parent_center"):
            raise ValueError("a row needs a checked office or parent center (else leave it out)")
        return values


class SpanishName(Model):
    name: str


class Directory(Model):
    """A national directory a parent is sent to when a state's row is missing."""

    name: str
    url: str
    es: SpanishName

    @validator("url")
    def _https(cls, url):  # noqa: N805
        if not url.startswith("https://"):
            raise ValueError("must be an https:// address")
        return url


class StateDirectories(Model):
    office: Directory
    parent_center: Directory


class Organisation(Model):
    """The organisation running this assistant: its own contacts come first in help."""

    name: str
    phone: Optional[constr(regex=PHONE)] = None  # type: ignore[valid-type]
    email: Optional[constr(regex=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")] = None  # type: ignore[valid-type]
    url: Optional[str] = None
    hours: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _reachable(cls, values):  # noqa: N805
        if not (values.get("phone") or values.get("email") or values.get("url")):
            raise ValueError("give at least a phone, an e-mail or a web address")
        return values


class SpanishTitle(Model):
    title: str


class AreaEntry(Model):
    id: str
    title: str
    es: SpanishTitle


class SpanishContact(Model):
    name: str
    how: str
    short: Optional[str] = Field(None, max_length=90)


class HelpContact(Model):
    """Human help a parent can turn to when the assistant cannot answer."""

    name: str
    how: str
    # One short line for SMS (the full list is linked): the name and what they do.
    short: Optional[str] = Field(None, max_length=90)
    es: SpanishContact


SMS_SEGMENT = 160
RETENTION_PLACEHOLDER = "{retention_days}"


class SpanishNotice(Model):
    disclaimer: str
    privacy: str
    sms: str

    @validator("sms")
    def _one_segment(cls, sms):  # noqa: N805
        # Filled with a 4-digit retention, accents and ¿ ¡ kept: one segment either way.
        filled = sms.replace(RETENTION_PLACEHOLDER, "9999")
        if len(filled) > SMS_SEGMENT:
            raise ValueError(f"{len(filled)} characters filled in, at most {SMS_SEGMENT}")
        return sms


class Notice(Model):
    """What every conversation starts with: not legal advice, and what is kept."""

    disclaimer: str
    privacy: str
    # The same in one SMS segment (160 GSM-7 characters): SMS parents pay per message.
    sms: constr(max_length=SMS_SEGMENT)  # type: ignore[valid-type]
    es: SpanishNotice


class DefaultFollowups(Followups):
    if_fails: str
    binding: str
    use_mediation: str


class Phrase(Model):
    """A short phrase the code puts around the knowledge base's texts, in both languages."""

    en: str
    es: str


class KnowledgeBaseFile(Model):
    """The whole file."""

    version: Literal[2]
    notice: Notice
    sources: Sources
    areas: List[AreaEntry] = Field(..., min_items=1)
    starter_topics: List[str] = Field(..., min_items=1)
    topics: List[Topic] = Field(..., min_items=1)
    followups: DefaultFollowups
    state_notes: List[StateNote] = []
    help_contacts: List[HelpContact] = Field(..., min_items=1)
    state_directories: StateDirectories
    state_offices: List[StateOffices] = []
    organisation: Optional[Organisation] = None
    phrases: Dict[str, Phrase]


# Keys that name an entry of a list, so errors can say topics[cost] instead of topics[3].
ENTRY_KEYS: Dict[str, str] = {
    "topics": "id",
    "areas": "id",
    "sections": "id",
    "regulations": "section",
    "references": "id",
    "state_notes": "state",
    "state_offices": "state",
    "parts": "id",
}
