"""Build the small offline English spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained English pipeline exists for spaCy 3.4 on the package registries, and
nothing may be downloaded at run time, so the set-up builds one from parts that are
installed with pip: a blank English tokenizer, the lookup lemmatizer whose tables ship
in ``spacy-lookups-data``, and an entity ruler that tags the domain's own terms.

Usage: python scripts/build_spacy_pipeline.py OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

# Domain terms a parent uses; tagged so the pipeline (and any later component) can
# tell an IEP-mediation word from an ordinary one. Label names are upper-case, as spaCy's.
DOMAIN_TERMS: dict[str, list[str]] = {
    "DISPUTE_PROCESS": [
        "mediation",
        "mediator",
        "due process",
        "due process hearing",
        "hearing officer",
        "resolution meeting",
        "state complaint",
        "settlement",
    ],
    "SPECIAL_ED": [
        "IEP",
        "IEP meeting",
        "special education",
        "special ed",
        "sped",
        "IDEA",
        "FAPE",
        "504 plan",
        "IEE",
        "LRE",
        "stay put",
    ],
    "SCHOOL_BODY": [
        "school district",
        "district",
        "LEA",
        "SELPA",
        "state education agency",
        "Parent Training and Information Center",
        "PTI",
    ],
}


def build(output: Path) -> None:
    """Assemble the pipeline and save it to ``output``."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    ruler.add_patterns(
        [
            {"label": label, "pattern": term}
            for label, terms in DOMAIN_TERMS.items()
            for term in terms
        ]
    )
    nlp.meta["name"] = "iep_offline"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = (
        "Blank English + lookup lemmatizer + domain entity ruler (built offline)"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(Path(sys.argv[1]))
