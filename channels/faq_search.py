"""FAQ search over the assistant's own NLU, without exposing the rest of the server.

A Rasa input channel only to reuse the running server and its loaded model: it adds one
route, GET /webhooks/faq_search/search?q=..., which parses the query with the NLU and
returns the best knowledge-base topics. It never starts a conversation, stores nothing
and needs no `--enable-api` (the full Rasa HTTP API stays off).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from contract.intents import NLU_FALLBACK
from knowledge_base import default as default_kb
from knowledge_base.intents import topic_for_intent

MAX_QUERY = 300
MAX_RESULTS = 5
MIN_CONFIDENCE = 0.05


def rank_topics(parse: Dict[str, Any], limit: int = MAX_RESULTS) -> List[Dict[str, Any]]:
    """Topics in an NLU parse result, best first; empty when the best guess is no topic
    with more confidence than any topic (say, an out-of-scope question)."""
    kb = default_kb()
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != NLU_FALLBACK]
    results: List[Dict[str, Any]] = []
    for index, entry in enumerate(ranking):
        topic = topic_for_intent(entry.get("name"), kb.topics)
        if topic is None:
            if index == 0:
                return []
            continue
        if entry.get("confidence", 0.0) < MIN_CONFIDENCE or len(results) == limit:
            break
        results.append(
            {
                "topic": topic,
                "title": kb.topic(topic).title,
                "question": kb.topic(topic).question,
                "score": round(float(entry["confidence"]), 4),
            }
        )
    return results


class FaqSearchInput(InputChannel):
    """Read-only NLU search for the FAQ page."""

    @classmethod
    def name(cls) -> Text:
        return "faq_search"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("faq_search_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/search", methods=["GET"])
        async def search(request: Request) -> HTTPResponse:
            query = (request.args.get("q") or "").strip()[:MAX_QUERY]
            results: List[Dict[str, Any]] = []
            if query:
                parse = await request.app.ctx.agent.parse_message(query)
                results = rank_topics(parse)
            # CORS comes from the server (service/http/response_headers.py), once.
            return response.json(
                {"query": query, "results": results}, headers={"Cache-Control": "no-store"}
            )

        return blueprint
