"""Write the insights report (HTML) and the declined questions (TSV) for a period, from
the tracker store, read-only (insights/).

Usage: make report REPORT_ARGS="--since 2026-11-01 --until 2026-11-30 --out var/report"
   or: .venv/bin/python -m scripts.report [--since D] [--until D] [--out DIR] [--endpoints FILE]
Without dates: the last 30 days. The tracker store is the one in endpoints.yml (or the file
named by --endpoints or $ENDPOINTS), as the Rasa server uses it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contract import LANGUAGE_NAMES
from insights import html_report, tsv
from insights.period import parse_period
from insights.report import build_from_config
from insights.turns import ANSWERED, CLARIFIED, DECLINED
from knowledge_base import default as default_kb

REPO = Path(__file__).resolve().parent.parent

TSV_NAME = "declined.tsv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", help="first day, YYYY-MM-DD (default: 29 days before --until)")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "report")
    parser.add_argument("--endpoints", type=Path, help="default: $ENDPOINTS or endpoints.yml")
    args = parser.parse_args()
    try:
        period = parse_period(args.since, args.until)
    except ValueError as error:
        parser.error(str(error))
    try:
        report = build_from_config(period, args.endpoints)
    except (OSError, ValueError, KeyError) as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    page = html_report.render(report.insights, report.clusters, default_kb(), tsv_href=TSV_NAME)
    (args.out / "report.html").write_text(page, encoding="utf-8")
    (args.out / TSV_NAME).write_text(tsv.declined_tsv(report.clusters, period), encoding="utf-8")
    figures = report.insights
    print(
        f"report: {period.since} to {period.until}: {figures.conversations} conversations, "
        f"{figures.messages} messages, {figures.questions} questions "
        f"({figures.share(ANSWERED):.0%} answered, {figures.share(CLARIFIED):.0%} clarified, "
        f"{figures.share(DECLINED):.0%} declined), {len(report.clusters)} question groups"
    )
    for language, part in figures.languages.items():
        declined = part.outcomes[DECLINED]
        print(
            f"  {LANGUAGE_NAMES[language]}: {part.conversations} conversations, "
            f"{part.messages} messages, {part.questions} questions "
            f"({part.outcomes[ANSWERED]} answered, {declined} declined)"
        )
    print(f"  {args.out / 'report.html'}\n  {args.out / TSV_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
