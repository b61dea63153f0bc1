"""The knowledge base: one YAML file, validated, shared by the action server, the Rasa
server (FAQ search), the site builder and the tests."""

from knowledge_base.loader import (
    DEFAULT_PATH,
    Area,
    KnowledgeBase,
    KnowledgeBaseError,
    default,
    load,
)
from knowledge_base.schema import MAX_ANSWER_WORDS, MAX_TITLE_CHARS, Topic

__all__ = [
    "DEFAULT_PATH",
    "Area",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "MAX_ANSWER_WORDS",
    "MAX_TITLE_CHARS",
    "Topic",
    "default",
    "load",
]
