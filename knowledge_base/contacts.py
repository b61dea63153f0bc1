"""Who a parent can reach, named: the organisation running the site, then the parent's
state's dispute resolution office and Parent Training and Information Center (PTI).

Built from the knowledge base's checked state table (``state_offices``); where a state has
no checked row, or no state is known, a parent is pointed to the national directories
(``state_directories``) instead, never to a guessed address. Plain functions over the
knowledge base, shared by the chat's replies (``actions/rendering.py``) and the FAQ's state
directory (``webapp/faq_states.py``): they live here, below both, so that neither layer
imports the other.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from contract import ENGLISH, SPANISH
from knowledge_base import KnowledgeBase
from knowledge_base.schema import Directory, DisputeOffice, ParentCenter
from knowledge_base.states import name_of, possessive, spanish_name

Contact = Tuple[str, str]  # (who, how to reach them and what they do)


def office(kb: KnowledgeBase, state: Optional[str]) -> Optional[DisputeOffice]:
    row = kb.state_offices.get(state or "")
    return row.office if row else None


def parent_center(kb: KnowledgeBase, state: Optional[str]) -> Optional[ParentCenter]:
    row = kb.state_offices.get(state or "")
    return row.parent_center if row else None


def organisation_contact(kb: KnowledgeBase) -> Optional[Contact]:
    """The organisation's own phone, e-mail, site and hours, if the knowledge base has them."""
    org = kb.organisation
    if org is None:
        return None
    ways = [w for w in (org.phone, org.email, org.url) if w]
    how = ", ".join(ways) + (f" ({org.hours})" if org.hours else "")
    return org.name, how


def _name(state: str, language: str) -> str:
    """The state's name as a sentence says it, in the parent's language."""
    return spanish_name(state) if language == SPANISH else name_of(state)


def _contact_name(kb: KnowledgeBase, phrase: str, state: str, language: str) -> str:
    """ "Pennsylvania's dispute resolution office" (or its parent center), in the language."""
    return kb.phrase(
        phrase, language, state_possessive=possessive(state), state=_name(state, language)
    )


def _look_it_up(kb: KnowledgeBase, phrase: str, directory: Directory, language: str) -> str:
    """Where to find a state's office or center the checked table lacks: the national
    directory that lists them."""
    return kb.phrase(
        phrase, language, directory=_directory_name(directory, language), url=directory.url
    )


def office_contact(kb: KnowledgeBase, state: str, language: str = ENGLISH) -> Contact:
    """The state's dispute resolution office with its page and phone, or where to find it."""
    found = office(kb, state)
    who = _contact_name(kb, "office_contact_name", state, language)
    if found is None:
        return who, _look_it_up(
            kb, "office_contact_how_unknown", kb.state_directories.office, language
        )
    phone = f", {found.phone}" if found.phone else ""
    return who, kb.phrase(
        "office_contact_how", language, name=found.name, url=found.url, phone=phone
    )


def parent_center_contact(kb: KnowledgeBase, state: str, language: str = ENGLISH) -> Contact:
    """The state's Parent Training and Information Center, or where to find it."""
    found = parent_center(kb, state)
    who = _contact_name(kb, "center_contact_name", state, language)
    if found is None:
        directory = kb.state_directories.parent_center
        return who, _look_it_up(kb, "center_contact_how_unknown", directory, language)
    serves = (
        f" ({kb.phrase('center_serves', language, serves=_serves(found, language))})"
        if found.serves
        else ""
    )
    return who, kb.phrase(
        "center_contact_how", language, name=found.name, serves=serves, url=found.url
    )


def _serves(center: ParentCenter, language: str) -> str:
    return (center.serves_es if language == SPANISH else center.serves) or ""


def _directory_name(directory: Directory, language: str) -> str:
    return directory.es.name if language == SPANISH else directory.name


def contacts(kb: KnowledgeBase, state: Optional[str], language: str = ENGLISH) -> List[Contact]:
    """Everyone a parent can turn to, in order: the organisation, then (the state known)
    that state's office and PTI in place of the generic ones, then the rest."""
    found: List[Contact] = []
    own = organisation_contact(kb)
    if own:
        found.append(own)
    spanish = language == SPANISH
    generic = [(c.es.name, c.es.how) if spanish else (c.name, c.how) for c in kb.help_contacts]
    if state:
        # The knowledge base lists the generic office first and the PTI second.
        found += [
            office_contact(kb, state, language),
            parent_center_contact(kb, state, language),
        ] + generic[2:]
    else:
        found += generic
    return found


def short_contacts(kb: KnowledgeBase, state: Optional[str], language: str = ENGLISH) -> List[str]:
    """One line each for SMS: who, and a phone where there is one (the link lists the rest)."""
    lines: List[str] = []
    org = kb.organisation
    if org is not None:
        lines.append(f"{org.name}: {org.phone or org.email or org.url}")
    if language == SPANISH:
        generic = [c.es.short or c.es.name for c in kb.help_contacts]
    else:
        generic = kb.help_contacts_short()
    if not state:
        return lines + generic
    found = office(kb, state)
    if found is not None and found.phone:
        lines.append(kb.phrase("sms_office", language, code=state, phone=found.phone))
    else:
        lines.append(generic[0])
    center = parent_center(kb, state)
    lines.append(
        kb.phrase("sms_center", language, code=state, name=center.name) if center else generic[1]
    )
    return lines + generic[2:]


# Topics whose answer, once the state is known, gives the office's page and phone and
# the parent center: the ones that ask "how do I start" or "who can help me".
WHO_TO_CONTACT_TOPICS = frozenset(
    {"request_mediation", "advocacy_services", "district_lawyer", "enforce_without_lawyer"}
)


def state_office_line(
    kb: KnowledgeBase, state: str, topic_id: str = "", language: str = ENGLISH
) -> str:
    """What follows an answer when the state is known but has no checked rule for the
    topic: who can confirm how it works there, named when the table has them (with the
    page, phone and parent center for the "who do I contact" topics)."""
    if topic_id in WHO_TO_CONTACT_TOPICS:
        return contact_sentence(kb, state, language)
    found = office(kb, state)
    if found is None:
        who = kb.phrase(
            "office_of_state",
            language,
            state_possessive=possessive(state),
            state=_name(state, language),
        )
    else:
        who = _the(found.name) if language != SPANISH else found.name
    return kb.phrase("rules_differ", language, who=who)


def contact_sentence(kb: KnowledgeBase, state: str, language: str = ENGLISH) -> str:
    """'In Pennsylvania, contact <office>: <page>, <phone>. Free help: <center>, <site>.'"""
    directories = kb.state_directories
    found, center = office(kb, state), parent_center(kb, state)
    name = _name(state, language)
    if found is not None:
        phone = f", {found.phone}" if found.phone else ""
        office_name = _the(found.name) if language != SPANISH else found.name
        line = kb.phrase(
            "contact_office", language, state=name, office=office_name, url=found.url, phone=phone
        )
    else:
        line = kb.phrase(
            "contact_unknown_office",
            language,
            state=name,
            directory=_directory_name(directories.office, language),
            url=directories.office.url,
        )
    if center is not None and center.serves:
        help_line = kb.phrase(
            "free_help_region",
            language,
            center=center.name,
            url=center.url,
            serves=_serves(center, language),
            directory_url=directories.parent_center.url,
        )
    elif center is not None:
        help_line = kb.phrase("free_help", language, center=center.name, url=center.url)
    else:
        help_line = kb.phrase("free_help_directory", language, url=directories.parent_center.url)
    return f"{line} {help_line}"


def _the(name: str) -> str:
    """'the Texas Education Agency, ...' inside a sentence."""
    return name if name.startswith("the ") else f"the {name}"


def organisation_status(kb: KnowledgeBase) -> str:
    """One line for `make run`: whether help names the organisation's own contacts."""
    own = organisation_contact(kb)
    if own is None:
        return "not set (add `organisation:` to data/knowledge_base.yml; docs/content-guide.md)"
    return f"{own[0]}: {own[1]} (listed first when a parent asks for a person)"


if __name__ == "__main__":
    from knowledge_base import default

    print(organisation_status(default()))
