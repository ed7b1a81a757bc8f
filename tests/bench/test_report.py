"""The results files: a committed run's figures still give its committed Markdown, and files are named by run."""

import json
from pathlib import Path

import pytest

from bench import report

COMMITTED = Path(report.__file__).resolve().parent / "results"
# (run, quick, seconds per page, connections): the last full and quick runs from before the bare app, and the
# first quick run with it.
RUNS = [
    ("20261125T153413Z", False, 10, 8),
    ("20261125T154829Z-quick", True, 3, 8),
    ("20261202T211655Z-quick", True, 3, 8),
]
WITH_BARE_APP = "20261202T211655Z-quick"


@pytest.mark.parametrize(("run", "quick", "duration", "connections"), RUNS)
def test_a_committed_run_renders_to_its_committed_markdown(run, quick, duration, connections):
    results = json.loads((COMMITTED / f"{run}.json").read_text())

    text = report.markdown(results, quick=quick, duration=duration, connections=connections)

    assert text == (COMMITTED / f"{run}.md").read_text()


def test_a_run_with_the_bare_app_shows_its_figures_and_reads_every_page_against_it_first():
    results = json.loads((COMMITTED / f"{WITH_BARE_APP}.json").read_text())

    lines = report.markdown(results, quick=True, duration=3, connections=8).splitlines()

    assert "| bare Django app | req/s | p50 ms | p99 ms | errors | bytes |" in lines
    assert "| Bare Django app, 135,170 bytes | 315 | 21.5 | 52.7 | 0 | 135170 |" in lines
    assert "| page | req/s | × bare app | × ceiling | p50 ms | p99 ms | errors | SQL queries | bytes |" in lines
    assert "| Article, 200 comments | 120 | 0.38 | 0.95 | 63.8 | 111.0 | 0 | 0 cached / 1 miss | 135170 |" in lines
    assert "| Comment POST (16 clients) | 14 | | 0.11 | 817.0 | 1621.6 | 0 | 9 |  |" in lines  # no page, no bare app


def test_a_run_from_before_the_bare_app_has_no_bare_app_column():
    results = json.loads((COMMITTED / "20261125T154829Z-quick.json").read_text())

    text = report.markdown(results, quick=True, duration=3, connections=8)

    assert "bare" not in text
    assert "| page | req/s | × ceiling | p50 ms | p99 ms | errors | SQL queries | bytes |" in text.splitlines()


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
