"""One report: read the period's conversations, compute the figures, group the questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa

from insights import clusters, metrics, store, turns
from insights.period import Period


@dataclass
class Report:
    insights: metrics.Insights
    clusters: List[clusters.Cluster]


def build(engine: sa.engine.Engine, period: Period) -> Report:
    """The figures and the question groups for ``period``, from a read-only engine."""
    events = store.events_of_active_senders(engine, period.start, period.end)
    figures = metrics.compute(turns.read_turns(events), period)
    questions = figures.declined + figures.not_helpful
    return Report(figures, clusters.cluster_by_language(questions))


def build_from_config(period: Period, endpoints: Optional[Path] = None) -> Report:
    """The report from the tracker store the Rasa server uses (endpoints.yml), read-only."""
    engine = store.open_read_only(store.tracker_store_config(endpoints))
    try:
        return build(engine, period)
    finally:
        engine.dispose()
