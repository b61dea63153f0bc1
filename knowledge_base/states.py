"""US states and territories: recognise one in a parent's message, and name it.

Full names ("Pennsylvania", and near misses of the long ones: "pensylvania"), common
abbreviations ("Calif.", "Penn.") and postal codes ("PA"). A postal code counts only when
written in capitals, and codes that are also everyday words ("IN", "OR", "ME", "OK", "HI")
only when they stand alone, so "I'm in OR out" never becomes Oregon.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Dict, List, Optional, Tuple

NAMES: Dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "the District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "the U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "the Northern Mariana Islands",
}

# Other ways parents write a state, lower case; matched as whole words.
ALIASES: Dict[str, str] = {
    "district of columbia": "DC",
    "washington dc": "DC",
    "washington d.c.": "DC",
    "d.c.": "DC",
    "washington state": "WA",
    "virgin islands": "VI",
    "northern mariana islands": "MP",
    "calif.": "CA",
    "calif": "CA",
    "cali": "CA",
    "penn.": "PA",
    "penna.": "PA",
    "mass.": "MA",
    "wash.": "WA",
    "wisc.": "WI",
    "minn.": "MN",
    "mich.": "MI",
    "ariz.": "AZ",
    "colo.": "CO",
    "conn.": "CT",
    "fla.": "FL",
    "ill.": "IL",
    "ind.": "IN",
    "tenn.": "TN",
    "tex.": "TX",
    "okla.": "OK",
    "ore.": "OR",
    "oreg.": "OR",
    "nebr.": "NE",
    "nev.": "NV",
    "ala.": "AL",
    "ark.": "AR",
    "kans.": "KS",
    "miss.": "MS",
    "mo.": "MO",
    "mont.": "MT",
    "wyo.": "WY",
    "n.y.": "NY",
    "n.j.": "NJ",
    "n.c.": "NC",
    "s.c.": "SC",
    "n.m.": "NM",
    "n.d.": "ND",
    "s.d.": "SD",
    "w.va.": "WV",
    "va.": "VA",
    "ga.": "GA",
    "ky.": "KY",
    "md.": "MD",
    "del.": "DE",
    "vt.": "VT",
    "r.i.": "RI",
}
# How Spanish-speaking parents name states (issue 21), with and without accents.
SPANISH_NAMES: Dict[str, str] = {
    "nueva york": "NY",
    "nueva jersey": "NJ",
    "nuevo méxico": "NM",
    "nuevo mexico": "NM",
    "nuevo hampshire": "NH",
    "carolina del norte": "NC",
    "carolina del sur": "SC",
    "dakota del norte": "ND",
    "dakota del sur": "SD",
    "virginia occidental": "WV",
    "pensilvania": "PA",
    "tejas": "TX",
    "luisiana": "LA",
    "misuri": "MO",
    "misisipi": "MS",
    "hawái": "HI",
    "hawai": "HI",
    "oregón": "OR",
    "míchigan": "MI",
    "kansás": "KS",
    "arkansás": "AR",
    "distrito de columbia": "DC",
    "washington d. c.": "DC",
    "islas vírgenes": "VI",
    "islas virgenes": "VI",
    "samoa americana": "AS",
}
ALIASES.update(SPANISH_NAMES)
# How a Spanish sentence names a state, where it differs from the English name.
_SPANISH_PREFERRED: Dict[str, str] = {
    "NY": "Nueva York",
    "NJ": "Nueva Jersey",
    "NM": "Nuevo México",
    "NH": "Nuevo Hampshire",
    "NC": "Carolina del Norte",
    "SC": "Carolina del Sur",
    "ND": "Dakota del Norte",
    "SD": "Dakota del Sur",
    "WV": "Virginia Occidental",
    "PA": "Pensilvania",
    "LA": "Luisiana",
    "MO": "Misuri",
    "MS": "Misisipi",
    "HI": "Hawái",
    "OR": "Oregón",
    "DC": "el Distrito de Columbia",
    "VI": "las Islas Vírgenes de EE. UU.",
    "AS": "Samoa Americana",
    "MP": "las Islas Marianas del Norte",
}
# Postal codes that are also common English words: only a message of just the code counts.
_WORDLIKE_CODES = {
    "IN",
    "OR",
    "ME",
    "OK",
    "HI",
    "AS",
    "OH",
    "DE",
    "LA",
    "MA",
    "PA",
    "CO",
    "ID",
    "AL",
    "GA",
    "MO",
    "MI",
    "IA",  # Spanish "una IA" (an AI)
}


def _phrases() -> List[Tuple[str, str]]:
    pairs = [(name.lower().removeprefix("the "), code) for code, name in NAMES.items()]
    pairs += list(ALIASES.items())
    return sorted(
        pairs, key=lambda p: -len(p[0])
    )  # longest first: "west virginia" before "virginia"


_PHRASES = _phrases()
_PHRASE_RE = re.compile(
    r"(?<![a-z])(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?![a-z])"
)
_CODE_RE = re.compile(r"(?<![A-Za-z])([A-Z]{2})(?![A-Za-z])")
_CODE_OF = dict(_PHRASES)
# Misspellings parents type ("pensylvania", "tennesee"): long one-word names only, where a
# near miss cannot be another everyday word.
_FUZZY_NAMES = {name: code for name, code in _PHRASES if " " not in name and len(name) >= 8}
_WORD_RE = re.compile(r"[a-z]{7,}")
FUZZY_MIN_RATIO = 0.9


def _misspelled_states(lowered: str, taken: List[Tuple[int, int]]) -> List[Tuple[str, int, int]]:
    found = []
    for match in _WORD_RE.finditer(lowered):
        word = match.group(0)
        if word in _CODE_OF or any(s <= match.start() < e for s, e in taken):
            continue
        for name, code in _FUZZY_NAMES.items():
            if (
                name[0] == word[0]
                and abs(len(name) - len(word)) <= 2
                and SequenceMatcher(None, word, name).ratio() >= FUZZY_MIN_RATIO
            ):
                found.append((code, match.start(), match.end()))
                break
    return found


def find_states(text: str) -> List[Tuple[str, int, int]]:
    """Every state named in ``text``: (postal code, start, end), in order."""
    found: List[Tuple[str, int, int]] = []
    lowered = (text or "").lower()
    for match in _PHRASE_RE.finditer(lowered):
        found.append((_CODE_OF[match.group(1)], match.start(), match.end()))
    taken = [(s, e) for _, s, e in found]
    found += _misspelled_states(lowered, taken)
    taken = [(s, e) for _, s, e in found]
    stripped = (text or "").strip(" .!?")
    for match in _CODE_RE.finditer(text or ""):
        code = match.group(1)
        if code not in NAMES or any(s <= match.start() < e for s, e in taken):
            continue
        if code in _WORDLIKE_CODES and stripped != code and not _code_in_context(text, match):
            continue
        found.append((code, match.start(), match.end()))
    return sorted(found, key=lambda f: f[1])


def _code_in_context(text: str, match: "re.Match[str]") -> bool:
    """'PA mom here', 'we're in PA', 'TX parent': a word-like code used as a place."""
    before = text[: match.start()].lower().rstrip()
    after = text[match.end() :].lower().lstrip()
    follows_a_place_word = before.endswith((" in", "from", "live in", "moved to"))
    opens_a_self_description = before == "" and after.split(" ")[0] in {
        "mom",
        "dad",
        "parent",
        "here",
        "family",
        "mother",
        "father",
        "district",
        "school",
    }
    return follows_a_place_word or opens_a_self_description


def known_state(value: object) -> Optional[str]:
    """The postal code ``value`` stands for ("PA", " pa "), or None for anything else: an
    invented code ("XX"), markup, a number, None. What the ``us_state`` slot, the actions
    and the insights report accept as a state."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if code in NAMES else None


def name_of(code: str) -> str:
    """'Pennsylvania' for 'PA'; 'the District of Columbia' for 'DC'."""
    return NAMES[code]


def possessive(code: str) -> str:
    """ "Pennsylvania's", used in "<State>'s dispute resolution office"."""
    name = NAMES[code]
    return name[0].upper() + name[1:] + "'s"


def spanish_name(code: str) -> str:
    """'Pensilvania' for 'PA'; the English name where Spanish uses it ('Texas')."""
    return _SPANISH_PREFERRED.get(code) or NAMES[code]
