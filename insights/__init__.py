"""Insights for the organisation running the assistant: what parents ask, what goes
unanswered, which answers were marked unhelpful. Read from the tracker store, never
written to; used by ``make report`` (scripts/report.py) and the site's /insights/ page."""
