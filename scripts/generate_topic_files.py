"""Write the Rasa files that list every topic, from the knowledge base.

A topic is one knowledge-base entry plus its NLU examples; the domain's topic intents
(between the markers in domain.yml) and the one-rule-per-topic file data/rules/topics.yml
are generated here, so they cannot drift from the knowledge base.

Usage: python scripts/generate_topic_files.py          # rewrite the files if needed
       python scripts/generate_topic_files.py --check  # exit 1 when they are out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, Iterable

from actions.followups import TOPIC_INTENT_PREFIX
from knowledge_base import load

ROOT = Path(__file__).resolve().parent.parent

DOMAIN = ROOT / "domain.yml"
RULES = ROOT / "data" / "rules" / "topics.yml"
BEGIN = "  # BEGIN topic intents: generated from data/knowledge_base.yml by scripts/generate_topic_files.py"  # noqa: E501 - one line in domain.yml
END = "  # END topic intents"


def topic_intents(topic_ids: Iterable[str]) -> str:
    lines = [BEGIN] + [f"  - {TOPIC_INTENT_PREFIX}{t}" for t in topic_ids] + [END]
    return "\n".join(lines)


def domain_text(current: str, topic_ids: Iterable[str]) -> str:
    """domain.yml with the block between the markers replaced."""
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{DOMAIN}: the topic-intent markers are missing")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + topic_intents(topic_ids) + tail


def rules_text(topic_ids: Iterable[str]) -> str:
    out = [
        'version: "3.1"',
        "",
        "# Generated from data/knowledge_base.yml by scripts/generate_topic_files.py: do not edit.",
        "# Every topic intent is answered from the knowledge base by one action.",
        "rules:",
    ]
    for topic in topic_ids:
        out += [
            f"- rule: answer {topic}",
            "  steps:",
            f"  - intent: {TOPIC_INTENT_PREFIX}{topic}",
            "  - action: action_answer_topic",
        ]
    return "\n".join(out) + "\n"


def expected_files() -> Dict[Path, str]:
    topic_ids = list(load().topics)
    return {
        DOMAIN: domain_text(DOMAIN.read_text(encoding="utf-8"), topic_ids),
        RULES: rules_text(topic_ids),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files out of date")
    args = parser.parse_args()
    stale = [
        p
        for p, text in expected_files().items()
        if not p.exists() or p.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(
                f"{path.relative_to(ROOT)} is out of date with the knowledge base; "
                f"run scripts/generate_topic_files.py",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path, text in expected_files().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
