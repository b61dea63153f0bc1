"""`make benchmark` prints each dev set again with the labels of eval/dev_label_updates.tsv,
judging every row by the scorer's own rule; the dev files themselves never change."""

from __future__ import annotations

import csv
import json

import pytest

import scripts.benchmark as benchmark

# The scorer's rule, as ../shared/eval/score.py has it, in a stand-in file: the real one is
# not beside a fresh clone.
FAKE_SCORE = """
NO_TOPIC = {"out_of_scope"}

def judge(accept, topics, messages):
    wanted = set(accept.split("|"))
    if not messages:
        return "silent"
    if wanted & NO_TOPIC:
        return "correct" if not topics or topics[0] in wanted else "wrong"
    if not topics:
        return "declined"
    return "correct" if topics[0] in wanted else "wrong"

def pct(n, d):
    return f"{100.0 * n / d:5.1f}%" if d else "  n/a"
"""


def _results(tmp_path, rows):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"questions": rows}), encoding="utf-8")
    return path


def _row(id_, accept, got, verdict):
    return {"id": id_, "accept": accept, "got": got, "verdict": verdict}


ENGLISH_ROWS = [
    _row("dev001", "cost", ["privacy"], "wrong"),
    _row("dev002", "out_of_scope", ["-"], "correct"),
]


@pytest.fixture
def updates(tmp_path, monkeypatch):
    """The stand-in scorer beside a label-updates file holding ``rows`` ("id\taccept\treason")."""
    (tmp_path / "score.py").write_text(FAKE_SCORE, encoding="utf-8")
    monkeypatch.setattr(benchmark, "LABEL_UPDATES", tmp_path / "updates.tsv")

    def write(*rows: str) -> None:
        text = "id\taccept\treason\n" + "".join(f"{r}\n" for r in rows)
        (tmp_path / "updates.tsv").write_text(text, encoding="utf-8")

    return write


def test_a_spanish_row_is_judged_again_with_its_updated_label(tmp_path, updates, capsys):
    updates("es_dev039\twhat_is_mediation|what_can_be_mediated\tnew topic")
    results = _results(
        tmp_path,
        [
            _row("es_dev039", "what_is_mediation", ["what_can_be_mediated"], "wrong"),
            _row("es_dev040", "cost", ["cost"], "correct"),
            _row("dev001", "cost", ["privacy"], "wrong"),  # the English set: not this run's
        ],
    )
    benchmark.rescore_with_label_updates(tmp_path, results, prefix="es_dev")
    printed = capsys.readouterr().out
    assert "1 labels updated" in printed
    assert "in-scope   n=  2 correct 100.0%" in printed


def test_without_updates_for_its_rows_a_set_is_not_printed_twice(tmp_path, updates, capsys):
    updates("es_dev039\twhat_can_be_mediated\tnew topic")
    benchmark.rescore_with_label_updates(tmp_path, _results(tmp_path, ENGLISH_ROWS))
    assert capsys.readouterr().out == ""


def test_an_update_the_dev_file_already_holds_is_not_counted(tmp_path, updates, capsys):
    updates("dev001\tcost|privacy\tnew topic", "dev002\tout_of_scope\tsame")
    benchmark.rescore_with_label_updates(tmp_path, _results(tmp_path, ENGLISH_ROWS))
    printed = capsys.readouterr().out
    assert "1 labels updated" in printed
    assert "correct 100.0%" in printed and "declined-correctly 100.0%" in printed


def test_every_updated_label_names_known_topics_and_says_why():
    from knowledge_base.loader import default

    topics = set(default().topics) | {"out_of_scope"}
    with benchmark.LABEL_UPDATES.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert any(r["id"].startswith("es_dev") for r in rows)
    for row in rows:
        assert set(row["accept"].split("|")) <= topics, row["id"]
        assert len(row["reason"]) > 20, row["id"]
