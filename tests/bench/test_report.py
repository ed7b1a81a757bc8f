"""The results files: a committed run's figures still give its committed Markdown, and files are named by run."""

import json
from pathlib import Path

import pytest

from bench import report

COMMITTED = Path(report.__file__).resolve().parent / "results"
# (run, quick, seconds per page, connections): the last full and quick runs in the history.
RUNS = [("20261125T153413Z", False, 10, 8), ("20261125T154829Z-quick", True, 3, 8)]


@pytest.mark.parametrize(("run", "quick", "duration", "connections"), RUNS)
def test_a_committed_run_renders_to_its_committed_markdown(run, quick, duration, connections):
    results = json.loads((COMMITTED / f"{run}.json").read_text())

    text = report.markdown(results, quick=quick, duration=duration, connections=connections)

    assert text == (COMMITTED / f"{run}.md").read_text()


@pytest.mark.parametrize(
    ("quick", "partial", "name"),
    [
        (False, False, "20261202T101500Z"),
        (True, False, "20261202T101500Z-quick"),
        (True, True, "20261202T101500Z-quick-partial"),
    ],
)
def test_the_results_files_are_named_by_start_scale_and_partial_run(tmp_path, monkeypatch, quick, partial, name):
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    results = {"pages": {}, "started": "2026-12-02T10:15:00Z", "rss_kb": {1234: 5678}}

    path = report.write(results, "| table |\n", quick=quick, partial=partial)

    assert path == tmp_path / f"{name}.json"
    assert json.loads(path.read_text()) == {"pages": {}, "started": "2026-12-02T10:15:00Z", "rss_kb": {"1234": 5678}}
    assert path.with_suffix(".md").read_text() == "| table |\n"
