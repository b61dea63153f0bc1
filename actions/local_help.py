"""Who a parent can reach, named: the organisation running the site, then the parent's
state's dispute resolution office and Parent Training and Information Center (PTI).

Built from the knowledge base's checked state table (``state_offices``); where a state has
no checked row, or no state is known, a parent is pointed to the national directories
(``state_directories``) instead, never to a guessed address. Plain functions over the
knowledge base, shared by the chat's replies (``actions/rendering.py``) and the FAQ's state
directory (``webapp/faq.py``).
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from knowledge_base import KnowledgeBase
from knowledge_base.schema import DisputeOffice, ParentCenter
from knowledge_base.states import name_of, possessive

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


def office_contact(kb: KnowledgeBase, state: str) -> Contact:
    """The state's dispute resolution office with its page and phone, or where to find it."""
    found = office(kb, state)
    if found is None:
        directory = kb.state_directories.office
        return (
            f"{possessive(state)} dispute resolution office",
            "runs mediation and answers process questions; find it on the state education "
            f"department's website, or through {directory.name}: {directory.url}",
        )
    phone = f", {found.phone}" if found.phone else ""
    return (
        f"{possessive(state)} dispute resolution office",
        f"{found.name}: runs mediation and answers process questions; {found.url}{phone}",
    )


def parent_center_contact(kb: KnowledgeBase, state: str) -> Contact:
    """The state's Parent Training and Information Center, or where to find it."""
    found = parent_center(kb, state)
    if found is None:
        directory = kb.state_directories.parent_center
        return (
            f"{possessive(state)} Parent Training and Information Center",
            f"free help for parents; find yours through {directory.name}: {directory.url}",
        )
    serves = f" (serves {found.serves})" if found.serves else ""
    return (
        f"{possessive(state)} Parent Training and Information Center",
        f"{found.name}{serves}: free help for parents, including getting ready for mediation; "
        f"{found.url}",
    )


def contacts(kb: KnowledgeBase, state: Optional[str]) -> List[Contact]:
    """Everyone a parent can turn to, in order: the organisation, then (the state known)
    that state's office and PTI in place of the generic ones, then the rest."""
    found: List[Contact] = []
    own = organisation_contact(kb)
    if own:
        found.append(own)
    generic = [(c.name, c.how) for c in kb.help_contacts]
    if state:
        # The knowledge base lists the generic office first and the PTI second.
        found += [office_contact(kb, state), parent_center_contact(kb, state)] + generic[2:]
    else:
        found += generic
    return found


def short_contacts(kb: KnowledgeBase, state: Optional[str]) -> List[str]:
    """One line each for SMS: who, and a phone where there is one (the link lists the rest)."""
    lines: List[str] = []
    org = kb.organisation
    if org is not None:
        lines.append(f"{org.name}: {org.phone or org.email or org.url}")
    generic = kb.help_contacts_short()
    if not state:
        return lines + generic
    found = office(kb, state)
    if found is not None and found.phone:
        lines.append(f"{state} dispute resolution office: {found.phone}")
    else:
        lines.append(generic[0])
    center = parent_center(kb, state)
    lines.append(f"{state} parent center: {center.name}" if center else generic[1])
    return lines + generic[2:]


# Topics whose answer, once the state is known, gives the office's page and phone and
# the parent center: the ones that ask "how do I start" or "who can help me".
WHO_TO_CONTACT_TOPICS = frozenset(
    {"request_mediation", "advocacy_services", "district_lawyer", "enforce_without_lawyer"}
)


def state_office_line(kb: KnowledgeBase, state: str, topic_id: str = "") -> str:
    """What follows an answer when the state is known but has no checked rule for the
    topic: who can confirm how it works there, named when the table has them (with the
    page, phone and parent center for the "who do I contact" topics)."""
    if topic_id in WHO_TO_CONTACT_TOPICS:
        return contact_sentence(kb, state)
    found = office(kb, state)
    if found is None:
        who = f"{possessive(state)} special education dispute resolution office"
    else:
        who = _the(found.name)
    return f"Rules can differ by state: {who} can confirm how this works there."


def contact_sentence(kb: KnowledgeBase, state: str) -> str:
    """'In Pennsylvania, contact <office>: <page>, <phone>. Free help: <center>, <site>.'"""
    directories = kb.state_directories
    found, center = office(kb, state), parent_center(kb, state)
    if found is not None:
        phone = f", {found.phone}" if found.phone else ""
        line = f"In {name_of(state)}, contact {_the(found.name)}: {found.url}{phone}."
    else:
        line = (
            f"In {name_of(state)}, look for the special education dispute resolution office "
            "on the state education department's website; "
            f"{directories.office.name}, has more: {directories.office.url}."
        )
    if center is not None and center.serves:
        return (
            f"{line} Free help: {center.name}, {center.url} (serves {center.serves}; "
            f"elsewhere: {directories.parent_center.url})."
        )
    if center is not None:
        return f"{line} Free help: {center.name}, {center.url}."
    return (
        f"{line} Free help: your Parent Training and Information Center, through "
        f"{directories.parent_center.url}."
    )


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
