"""The contract (contract/) is the one place names shared between layers are written: it
agrees with domain.yml and the NLU data, and no package keeps a copy of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.core.constants import REQUESTED_SLOT, SESSION_START_METADATA_SLOT

import contract
from contract import intents, payloads, slots
from contract.widget import widget_defines

REPO = Path(__file__).resolve().parents[3]
# The layers whose shared names must come from contract/ (harness and tests may spell
# values out: they check them).
PYTHON_LAYERS = (
    "actions",
    "channels",
    "service",
    "webapp",
    "insights",
    "nlu_components",
    "knowledge_base",
    "scripts",
)
WIDGET_SRC = REPO / "site" / "widget" / "src"


@pytest.fixture(scope="module")
def domain() -> Dict:
    return yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))


def nlu_intents() -> Set[str]:
    """Every intent with examples in data/nlu (English and Spanish)."""
    names: Set[str] = set()
    for path in (REPO / "data" / "nlu").rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in item:
                names.add(item["intent"])
    return names


def domain_entities(domain: Dict) -> Set[str]:
    return {e if isinstance(e, str) else next(iter(e)) for e in domain["entities"]}


def test_every_slot_in_the_contract_is_a_domain_slot(domain):
    assert slots.DOMAIN_SLOTS <= set(domain["slots"])
    assert slots.US_STATE in domain_entities(domain)  # filled from the entity of that name


def test_the_callback_form_asks_the_contract_slots_in_order(domain):
    form = domain["forms"]["callback_form"]["required_slots"]
    assert tuple(form) == slots.CALLBACK_FORM_SLOTS


def test_fallback_stages_and_languages_are_the_domain_slot_values(domain):
    assert tuple(domain["slots"][slots.FALLBACK_STAGE]["values"]) == slots.FALLBACK_STAGES
    assert tuple(domain["slots"][contract.LANGUAGE]["values"]) == contract.LANGUAGES


def test_every_intent_in_the_contract_is_a_domain_intent_with_examples(domain):
    assert intents.DOMAIN_INTENTS <= set(domain["intents"])
    # Only the input guard's "too long" is never predicted: it is forced, not learned.
    assert intents.DOMAIN_INTENTS - nlu_intents() == {intents.INPUT_TOO_LONG}
    assert intents.DOMAIN_ENTITIES <= domain_entities(domain)


def test_the_topic_for_naming_mediation_is_a_knowledge_base_topic_with_examples(domain):
    from knowledge_base import default

    assert intents.WHAT_IS_MEDIATION_TOPIC in default().topics
    assert f"ask_{intents.WHAT_IS_MEDIATION_TOPIC}" in nlu_intents()


def test_rasa_own_names_are_rasa_s():
    assert intents.NLU_FALLBACK == DEFAULT_NLU_FALLBACK_INTENT_NAME
    assert slots.REQUESTED_SLOT == REQUESTED_SLOT
    assert slots.SESSION_STARTED_METADATA == SESSION_START_METADATA_SLOT


def test_the_socketio_events_are_those_credentials_yml_sets():
    credentials = yaml.safe_load((REPO / "credentials.yml").read_text(encoding="utf-8"))
    socketio = credentials["channels.socketio.SocketIOChannel"]
    assert socketio["user_message_evt"] == contract.SOCKETIO_USER_EVENT
    assert socketio["bot_message_evt"] == contract.SOCKETIO_BOT_EVENT


def test_every_payload_asks_a_domain_intent(domain):
    values = [
        payloads.HUMAN_HANDOFF,
        payloads.CONFIRM_ERASE,
        payloads.FEEDBACK,
        payloads.UNSUPPORTED_MESSAGE,
        payloads.SOMETHING_ELSE,
        *payloads.SWITCH_TO.values(),
        *payloads.START,
    ]
    # rasa-webchat's and Telegram's start payloads: the input guard reads them as "/greet".
    assert {v for v in values if v[1:] not in domain["intents"]} == {"/get_started", "/start"}
    assert set(payloads.SWITCH_TO) == set(contract.LANGUAGES)
    assert {p[1:] for p in payloads.SWITCH_TO.values()} == intents.LANGUAGE_SWITCH_INTENTS


def shared_values() -> Set[str]:
    """Values distinctive enough that a string literal equal to one, outside contract/, is
    a hand-kept copy (not "language" or "topic", which are also reply keys)."""
    values = {
        *(slots.DOMAIN_SLOTS - {contract.LANGUAGE}),
        slots.REQUESTED_SLOT,
        slots.SESSION_STARTED_METADATA,
        slots.CLARIFYING,
        slots.ASKED_AGAIN,
        intents.NLU_FALLBACK,
        intents.HUMAN_HANDOFF,
        intents.CONFIRM_ERASE,
        intents.UNSUPPORTED_MESSAGE,
        intents.INPUT_TOO_LONG,
        intents.CHOOSE_OPTION,
        intents.MORE_DETAIL,
        intents.GIVE_STATE,
        intents.SECOND_QUESTION_ENTITY,
        *intents.LANGUAGE_SWITCH_INTENTS,
        contract.CONVERSATION_ERASED,
        contract.SOCKETIO_USER_EVENT,
        contract.SOCKETIO_BOT_EVENT,
    }
    payload_values = {payloads.FEEDBACK, payloads.SOMETHING_ELSE, *payloads.START}
    return values | payload_values | {payloads.payload(v) for v in values}


def python_copies(path: Path, values: Set[str]) -> List[str]:
    """String literals in ``path`` equal to one of ``values`` (docstrings and comments are
    prose, never equal to a bare name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in values
    ]


def test_no_python_layer_keeps_a_copy_of_a_contract_name():
    values = shared_values()
    copies = [
        copy
        for layer in PYTHON_LAYERS
        for path in sorted((REPO / layer).rglob("*.py"))
        for copy in python_copies(path, values)
    ]
    assert copies == []


def test_the_widget_source_keeps_no_copy_of_what_the_build_writes():
    values = {str(v) for v in widget_defines(retention_days=1).values() if isinstance(v, str)}
    # Also keys of every {en, es} table, and a configuration key.
    values -= {contract.ENGLISH, contract.SPANISH, contract.LANGUAGE}
    literal = re.compile(r"""(["'`])(.*?)\1""")
    copies = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(WIDGET_SRC.glob("*.js"))
        for match in literal.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) in values
    ]
    assert copies == []
    # Every global the build defines is read by contract.js, and only there.
    names = set(widget_defines(retention_days=1))
    source = (WIDGET_SRC / "contract.js").read_text(encoding="utf-8")
    assert {n for n in names if re.search(rf"= {n};|: {n}\b", source)} == names
    for path in WIDGET_SRC.glob("*.js"):
        if path.name != "contract.js":
            assert not set(re.findall(r"\bIEP_[A-Z_]+\b", path.read_text())) & names, path.name


def test_every_connector_is_named_as_the_contract_names_its_channel():
    """Rasa names the messaging apps' channels; the styles and the report key on them."""
    from channels.messenger_app import MessengerAppInput
    from channels.reply_renderer import STYLES
    from channels.rest import RestChannel
    from channels.slack_app import SlackAppInput
    from channels.socketio import SocketIOChannel
    from channels.telegram_app import TelegramAppInput
    from channels.twilio_text import TwilioTextInput
    from contract import conversations as c

    connectors = {
        c.REST: RestChannel,
        c.SOCKETIO: SocketIOChannel,
        c.TELEGRAM: TelegramAppInput,
        c.TWILIO: TwilioTextInput,
        c.FACEBOOK: MessengerAppInput,
        c.SLACK: SlackAppInput,
    }
    assert {name: cls.name() for name, cls in connectors.items()} == {n: n for n in connectors}
    assert set(connectors) | {c.UNKNOWN} == c.CHANNELS
    assert set(connectors) <= set(STYLES)
