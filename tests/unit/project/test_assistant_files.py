"""The Rasa project files agree with the knowledge base and with each other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import yaml

from channels import input_guard
from knowledge_base import load
from scripts import generate_topic_files

REPO = Path(__file__).resolve().parents[3]
TOPIC_IDS = list(load().topics)
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
# Responses the action server sends by name, from any of its modules.
ACTION_SERVER_SOURCE = "\n".join(
    path.read_text(encoding="utf-8") for path in sorted((REPO / "actions").glob("*.py"))
)


def _nlu_examples() -> Dict[str, List[str]]:
    examples: Dict[str, List[str]] = {}
    for path in sorted((REPO / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                lines = [
                    line[2:].strip()
                    for line in block["examples"].splitlines()
                    if line.startswith("- ")
                ]
                examples.setdefault(block["intent"], []).extend(lines)
    return examples


def _rule_intents() -> Dict[str, str]:
    mapping = {}
    for path in (REPO / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            steps = rule["steps"]
            if "intent" in steps[0]:  # not the rules that continue a question or a form
                mapping[steps[0]["intent"]] = steps[1]["action"]
    return mapping


def test_every_topic_has_an_intent_examples_and_an_answer_rule():
    examples, rules = _nlu_examples(), _rule_intents()
    for topic in TOPIC_IDS:
        intent = f"ask_{topic}"
        assert intent in DOMAIN["intents"], intent
        assert len(examples.get(intent, [])) >= 20, intent
        assert rules.get(intent) == "action_answer_topic", intent


def test_generated_topic_intents_and_rules_match_the_knowledge_base():
    result = subprocess.run(
        [sys.executable, "scripts/generate_topic_files.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_a_topic_added_to_the_knowledge_base_makes_the_generated_files_stale():
    """Drift is caught: the generator's output changes with the list of topics."""
    domain = (REPO / "domain.yml").read_text(encoding="utf-8")
    ids = TOPIC_IDS + ["interpreters"]
    assert "  - ask_interpreters\n" in generate_topic_files.domain_text(domain, ids)
    assert "  - ask_interpreters\n" not in domain
    assert "intent: ask_interpreters" in generate_topic_files.rules_text(ids)


def test_every_domain_intent_has_examples_and_a_rule():
    """Every intent NLU can predict has examples; the one the input guard sets instead of
    NLU (a message too long to read) has none, so NLU can never predict it."""
    examples, rules = _nlu_examples(), _rule_intents()
    for intent in DOMAIN["intents"]:
        if intent == input_guard.TOO_LONG_INTENT:
            assert not examples.get(intent)
            assert intent in rules
            continue
        assert examples.get(intent), f"{intent} has no NLU examples"
        assert intent in rules, f"{intent} has no rule"


def test_out_of_scope_covers_near_and_far_questions():
    oos = " ".join(_nlu_examples()["out_of_scope"]).lower()
    for near in ("bulli", "bus", "evaluat", "iep meeting", "record", "interpreter", "comp ed"):
        assert near in oos, near
    assert len(_nlu_examples()["out_of_scope"]) >= 200


def test_no_example_is_labelled_with_two_intents():
    seen: Dict[str, str] = {}
    for intent, lines in _nlu_examples().items():
        for line in lines:
            key = re.sub(r"[^a-z0-9 ]", "", line.lower()).strip()
            assert seen.setdefault(key, intent) == intent, (line, seen[key], intent)


def test_responses_used_by_actions_exist_and_domain_actions_are_implemented():
    used = set(re.findall(r'"(utter_[a-z_]+)"', ACTION_SERVER_SOURCE))
    assert used and used <= set(DOMAIN["responses"])
    implemented = set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', ACTION_SERVER_SOURCE))
    assert implemented == set(DOMAIN["actions"])


def test_rasa_data_validate_is_clean():
    """`rasa data validate` finds no errors, and warns only about responses that the custom
    actions send (its check looks for responses in stories and rules only)."""
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    warned = [
        line for line in (result.stdout + result.stderr).splitlines() if "UserWarning" in line
    ]
    used = set(re.findall(r'"(utter_[a-z_]+)"', ACTION_SERVER_SOURCE)) | {
        "utter_default",
        input_guard.UNAVAILABLE_RESPONSE,
    }
    # A form asks for each slot with utter_ask_<slot>, which the validator does not know.
    used |= {
        f"utter_ask_{s}" for f in DOMAIN.get("forms", {}).values() for s in f["required_slots"]
    }
    unexpected = [
        w
        for w in warned
        if not any(f"'{u}' is not used in any story or rule" in w for u in used)
        and f"'{input_guard.TOO_LONG_INTENT}' is listed in the domain" not in w
    ]
    assert unexpected == []


def test_under_make_test_a_missing_model_fails_the_run_instead_of_skipping(tmp_path):
    env = {**os.environ, "IEP_REQUIRE_MODEL": "1", "IEP_MODEL": str(tmp_path / "none.tar.gz")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/unit/channels/test_app_settings.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "no trained model" in result.stdout + result.stderr


def _plain(text: str) -> str:
    """Text without entity markup ("[Ohio](us_state)" -> "Ohio"), trimmed and lower-cased."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip().lower()


def test_no_conversation_test_turn_is_a_training_example():
    """The conversation tests measure phrasings the model has not seen."""
    trained = {_plain(e) for examples in _nlu_examples().values() for e in examples}
    turns = [
        step["user"]
        for path in (REPO / "tests" / "conversations").glob("*.yml")
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]
        for step in story["steps"]
        if "user" in step
    ]
    assert len(turns) > 40
    assert [t.strip() for t in turns if _plain(t) in trained] == []


def test_config_uses_the_contract_answer_threshold():
    """The actions sum intents against the same bar the NLU applies (contract/nlu.py)."""
    from contract.nlu import AMBIGUITY_THRESHOLD, ANSWER_THRESHOLD

    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    by_name = {c["name"].rsplit(".", 1)[-1]: c for c in config["pipeline"]}
    assert by_name["FallbackClassifier"]["threshold"] == ANSWER_THRESHOLD
    assert by_name["FallbackClassifier"]["ambiguity_threshold"] == AMBIGUITY_THRESHOLD
    assert by_name["VagueMediationClassifier"]["topic_confident"] == ANSWER_THRESHOLD
