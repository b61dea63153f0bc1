"""Find the questions inside a long message.

Parents often tell their story first and ask somewhere in the middle, or ask two things
at once. Classifying the whole message then averages a story and a question into
something vague. These helpers cut a message into sentence-sized segments and say which
of them are questions, so the classifier can also look at each one on its own.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from contract.intents import REQUEST_MEDIATION_TOPIC, WHAT_IS_MEDIATION_TOPIC
from knowledge_base.intents import TOPIC_INTENT_PREFIX
from nlu_components.languages import fold

Ranking = List[Dict[str, Any]]

_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+|\n+|\s+-{1,2}\s+|;\s+|(?<=\?)(?=[^\s?])|\.{3,}\s*"
    r"|,\s+(?=(?:would|could|can|should|is|are|does|do|did|will|what|how|why|who|when|where)\s)"
    # "how does it work and is it free": a second question joined by "and"/"or". Only an
    # auxiliary followed by its subject, or a wh-word, starts one ("and is refusing" does not).
    r"|\s+(?=(?:and|or)\s+(?:(?:is|are|does|do|can|could|should|will|would|did)\s+"
    r"(?:it|i|we|they|this|that|mediation|the|my|he|she|there|you)\b|"
    r"(?:what|how|who|when|where|why)\s))",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(and |but |so |also |plus |then |ok |okay |oh |well |and also )?"
    r"(who|whom|whose|what|whats|what's|when|where|why|how|which|is|isn't|are|aren't|am|"
    r"can|can't|could|would|will|won't|should|shall|do|does|did|don't|doesn't|may|might|"
    r"must|has|have|if|any)\b",
    re.IGNORECASE,
)
MIN_WORDS = 3


def segments(text: str) -> List[str]:
    """The message's sentences (and clauses split by dashes or semicolons), in order,
    each at least ``MIN_WORDS`` words; a short piece is joined to the one before it."""
    return _join_short([p.strip() for p in _BOUNDARY.split(text or "") if p and p.strip()])


def _join_short(
    pieces: List[str], stands_alone: Callable[[str], bool] = lambda piece: False
) -> List[str]:
    """The pieces in order, a piece shorter than ``MIN_WORDS`` words joined to its
    neighbour, unless ``stands_alone`` says it is whole (a two-word Spanish question)."""
    out: List[str] = []

    def short(piece: str) -> bool:
        return len(piece.split()) < MIN_WORDS and not stands_alone(piece)

    for piece in pieces:
        if out and short(piece):
            out[-1] = f"{out[-1]} {piece}"
        elif not out or not short(out[-1]):
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} {piece}"
    return out


def asking(
    parts: Sequence[str], is_a_question: Callable[[str], bool], names_subject: Callable[[str], bool]
) -> List[Tuple[str, bool]]:
    """(segment, is a real question) for each segment worth reading alone: the questions,
    and the statements that name the subject ("a friend said something about mediation")."""
    pairs = [(s, is_a_question(s)) for s in parts]
    return [(s, real) for s, real in pairs if real or names_subject(s)]


def questions_first(asking: Sequence[Tuple[str, bool]]) -> List[str]:
    """The segments to classify alone: real questions first, in the order asked, then
    statements kept only because they name mediation.

    "The school wants mediation. Do I have to go?" asks whether mediation is voluntary;
    read in message order, the statement (clearly "what is mediation") would be taken as
    the first question and the real one only offered. ``asking``: (segment, is a real
    question) pairs."""
    return [s for s, real in asking if real] + [s for s, real in asking if not real]


def without_statements(rankings: Sequence[Ranking], real_questions: int) -> List[Ranking]:
    """The rankings of ``questions_first``'s segments (real questions first, then
    statements that only name mediation), without the statements when a real question
    points to a topic, however unsurely.

    "My advocate said we can ask for mediation. Will he stay at his school while we do
    that?": the statement reads clearly as "how do I ask for mediation"; the question, at
    0.55 for stay-put, is what the parent asked. A statement decides only when the
    questions point nowhere ("...a friend mentioned mediation. what do I do")."""
    if any(r and r[0]["name"].startswith(TOPIC_INTENT_PREFIX) for r in rankings[:real_questions]):
        return list(rankings[:real_questions])
    return list(rankings)


def is_question(segment: str) -> bool:
    """A segment that asks something: it ends with '?' or starts like a question. Not the
    other half of an either-or question ("does the mediator write it | or do we have to do
    it ourselves?"): read alone, "do we have to…" is another topic's question."""
    segment = segment.strip()
    if re.match(r"or\s", segment, re.IGNORECASE):
        return False
    return segment.endswith("?") or bool(_QUESTION_START.match(segment))


# Spanish (issue 21): sentences also start at "¿", and questions open with these words
# (accent-folded, as parents often write them: "que", "como", "xq", "se puede").
_SPANISH_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+|\n+|\s+-{1,2}\s+|;\s+|(?<=\?)(?=[^\s?])|\.{3,}\s*|\s*(?=¿)"
    # "cuánto cuesta y cuánto tiempo dura?": a second question joined by "y"/"o" and a
    # question word ("y que" is left out: "dice que sí y que no" is no question).
    r"|\s+(?=(?:y|o)\s+(?:c[oó]mo|cu[aá]nt[oa]s?|cu[aá]ndo|d[oó]nde|qui[eé]n(?:es)?|"
    r"cu[aá]l(?:es)?|por\s+qu[eé])\s)",
    re.IGNORECASE,
)
_SPANISH_QUESTION_START = re.compile(
    r"^[¿\s]*(y |pero |entonces |o sea |oiga |una pregunta,? |pregunta,? )?"
    r"(que|q|k|como|cuando|donde|quien|quienes|cual|cuales|cuanto|cuanta|cuantos|cuantas|"
    r"por que|porque|xq|pq|para que|puedo|puede|pueden|podemos|podria|podrian|se puede|"
    r"tengo que|tiene que|tienen que|tenemos que|hay|es|son|debo|debe|deben|deberia|"
    r"existe|sera|necesito|quisiera saber|quiero saber|alguien sabe|me pueden|me puede|"
    r"sabe|saben)\b",
    re.IGNORECASE,
)


def spanish_segments(text: str) -> List[str]:
    """``segments`` for a Spanish message: its sentences, each at least ``MIN_WORDS`` words
    or a two-word question."""
    pieces = [p.strip() for p in _SPANISH_BOUNDARY.split(text or "") if p and p.strip()]
    return _join_short(pieces, _two_word_question)


def _two_word_question(piece: str) -> bool:
    """ "cuánto cuesta", "es gratis?", "eso cuesta?": Spanish asks in two words where English
    needs three ("does that cost anything?")."""
    return len(piece.split()) == 2 and (
        piece.rstrip().endswith("?") or bool(_SPANISH_QUESTION_START.match(fold(piece)))
    )


_TAIL_QUESTION = re.compile(r"[,;:]\s*([^,;:]+\?+)\s*$")
_CHOICES = re.compile(r"^[¿\s]*(el|la|los|las|un|una|unos|unas)\b.*\so\s")


def spanish_tail_question(text: str) -> Optional[str]:
    """The short question a Spanish message ends with after a comma ("necesito ayuda con
    la mediacion para mi hijo, es gratis?"): too short to be a sentence of its own, yet
    often the whole question."""
    match = _TAIL_QUESTION.search(text or "")
    if not match:
        return None
    tail = match.group(1).strip()
    # Choices are not a question: "¿quién escribe el acuerdo, el mediador o el abogado?"
    # ends in two names that point to a topic of their own but ask nothing alone.
    if _CHOICES.match(fold(tail)):
        return None
    return tail if 2 <= len(tail.split()) <= 8 else None


def is_spanish_question(segment: str) -> bool:
    """A Spanish segment that asks: it ends with '?' or opens like a question (the caller
    folds accents: "cómo" is matched as "como")."""
    segment = segment.strip()
    return segment.endswith("?") or bool(_SPANISH_QUESTION_START.match(segment))


# What a message that only names mediation reads: never the answer when a clear question
# inside the message asks something else.
_VAGUE_MENTION = TOPIC_INTENT_PREFIX + WHAT_IS_MEDIATION_TOPIC
_ASKS_FOR_MEDIATION = TOPIC_INTENT_PREFIX + REQUEST_MEDIATION_TOPIC


def _asks_whether_mediation_covers_the_story(question: Ranking, whole: Ranking) -> bool:
    """A sure "can I ask for mediation?" closing a message whose whole reading is another
    topic: it asks whether mediation covers what the story names ("a 504 plan, not an
    IEP… can I ask for mediation?"), which that topic answers, not how to ask."""
    return (
        question[0]["name"] == _ASKS_FOR_MEDIATION
        and whole[0]["name"].startswith(TOPIC_INTENT_PREFIX)
        and whole[0]["name"] not in (_ASKS_FOR_MEDIATION, _VAGUE_MENTION)
    )


def choose_ranking(
    ranking: Ranking,
    question_rankings: Sequence[Ranking],
    config: Dict[str, Any],
) -> Tuple[Ranking, Optional[str]]:
    """The ranking to use for a message, and a second topic question, if any, from the
    whole message's ranking and one ranking per question inside it (both classifiers).

    Two clear questions about different topics: the first one asked is answered and the
    second offered. One clear question inside an unclear message, or inside a story: it
    decides; so does a sure question (``second_question_confident``) inside a message
    whose whole reading is less sure than that: the story around a question pulls the
    whole message towards its own words. A clear question also decides over a whole
    reading of "what is mediation", which is what a sentence that only names mediation
    reads ("una señora me dijo de la mediacion. como la pido?"). A sure "can I ask for
    mediation?" does not decide over a whole reading of another topic: it asks whether
    mediation covers the story. ``config``:
    question_confident, second_question_confident, whole_message_confident, story_intents."""
    asked = [
        r
        for r in question_rankings
        if r[0]["name"].startswith(TOPIC_INTENT_PREFIX)
        and r[0]["confidence"] >= float(config["question_confident"])
    ]
    if not asked:
        return ranking, None
    distinct: List[Ranking] = []
    for r in asked:
        if all(r[0]["name"] != d[0]["name"] for d in distinct):
            distinct.append(r)
    clear = [
        r for r in distinct if r[0]["confidence"] >= float(config["second_question_confident"])
    ]
    if len(clear) >= 2:
        return clear[0], clear[1][0]["name"]
    unclear = ranking[0]["confidence"] < float(config["whole_message_confident"])
    if unclear or ranking[0]["name"] in config["story_intents"]:
        ranking = max(asked, key=lambda r: r[0]["confidence"])
    elif (
        clear
        and (
            ranking[0]["confidence"] < float(config["second_question_confident"])
            or ranking[0]["name"] == _VAGUE_MENTION
        )
        and not _asks_whether_mediation_covers_the_story(clear[0], ranking)
    ):
        ranking = clear[0]
    primary = ranking[0]["name"]
    second = next((r[0]["name"] for r in clear if r[0]["name"] != primary), None)
    return ranking, second if primary.startswith(TOPIC_INTENT_PREFIX) else None


# A closing request for help that names nothing ("what do I do?", "any advice?", "¿qué
# hago?"), matched on the folded text. After a story it asks what to do about the story.
_GENERIC_ASK = re.compile(
    r"(?:^|[\s.!?,;:]+)[¿¡]?"
    r"(?:(?:so|ok|okay|and|but|now|please|pls|plz|y|pues|entonces|ahora)\s+)*"
    r"(?:what\s+(?:do|can|should|shall|would)\s+(?:i|we)\s+do"
    r"(?:\s+(?:now|next|about\s+(?:it|this|that)))?"
    r"|what\s+(?:are|r)\s+(?:my|our)\s+options|what\s+now|now\s+what|what\s+next"
    r"|where\s+do\s+(?:i|we)\s+go\s+from\s+here|any\s+(?:advice|ideas|suggestions|help)"
    r"|(?:can|could)\s+(?:i|we)\s+do\s+anything|is\s+there\s+anything\s+(?:i|we)\s+can\s+do"
    r"|help(?:\s+(?:me|us))?"
    r"|que\s+(?:hago|hacemos|puedo\s+hacer|podemos\s+hacer|debo\s+hacer|debemos\s+hacer)"
    r"|que\s+opciones\s+tengo|algun\s+consejo|ayuda|ayudenme"
    r"|(?:puedo|podemos)\s+hacer\s+algo|hay\s+algo\s+que\s+(?:pueda|puedo|podamos)\s+hacer)"
    r"(?:\s+(?:now|please|pls|plz|ahora|por\s+favor))?[\s.!?]*$"
)


def story_before_generic_ask(text: str) -> Optional[str]:
    """The story a message tells before it closes with a request for help that names
    nothing ("they cut his speech. what can i do"), or None: it closes otherwise, or the
    story is shorter than ``MIN_WORDS`` words.

    Read whole, such a message leaned to out of scope ("what do I do" closes many of the
    near-domain stories it must decline), although the story alone read as a dispute."""
    folded = fold(text or "")
    match = _GENERIC_ASK.search(folded)
    if not match:
        return None
    # Folding keeps one character per character for the letters parents type; where it
    # did not (a ligature), the folded story is read instead.
    source = text if len(folded) == len(text) else folded
    story = source[: match.start()].strip()
    return story if len(story.split()) >= MIN_WORDS else None


def story_over_generic_ask(
    text: str,
    ranking: Ranking,
    second: Optional[str],
    read_alone: Callable[[str], Ranking],
    config: Dict[str, Any],
) -> Tuple[Ranking, Optional[str]]:
    """The message's ranking and second topic question, or the ranking of the story before a
    closing request for help (``story_before_generic_ask``) when the whole message names no
    topic surely and the story alone surely reads as one of ``story_intents`` (a parent
    describing a dispute: "that is what mediation is for"). ``read_alone`` ranks a part of
    the message as each question inside it is ranked (both classifiers)."""
    story = story_before_generic_ask(text)
    top = ranking[0] if ranking else {"name": "", "confidence": 0.0}
    sure = float(config["whole_message_confident"])
    if not story or (
        str(top["name"]).startswith(TOPIC_INTENT_PREFIX) and float(top["confidence"]) >= sure
    ):
        return ranking, second
    story_ranking = read_alone(story)
    story_top = story_ranking[0] if story_ranking else {"name": "", "confidence": 0.0}
    if story_top["name"] in config["story_intents"] and float(story_top["confidence"]) >= sure:
        return list(story_ranking), None
    return ranking, second


def asked_topics(question_rankings: Sequence[Ranking], plausible: float) -> List[str]:
    """The topic intent each question inside a message leans to (at least ``plausible``),
    in the order asked, each once: what "Did you mean…" offers when the whole message
    reads as out of scope. The whole story's own ranking is no guide then: its topics sit
    at a few hundredths each ("…a friend said something about mediation but I have no
    money for a lawyer. what do I do" ranked "enforcing it without a lawyer" and
    "discipline" first, while its mediation sentence alone reads "do I need a lawyer")."""
    found: List[str] = []
    for ranking in question_rankings:
        top = ranking[0] if ranking else {}
        name = str(top.get("name") or "")
        if (
            name.startswith(TOPIC_INTENT_PREFIX)
            and float(top.get("confidence") or 0.0) >= plausible
            and name not in found
        ):
            found.append(name)
    return found
