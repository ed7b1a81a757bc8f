"""The verdicts: a committed run's figures give its committed ratios and targets; an error page stops the run."""

import copy
import json
from pathlib import Path

import pytest

from bench import targets

COMMITTED = Path(targets.__file__).resolve().parent / "results"


def committed(run: str) -> dict:
    return json.loads((COMMITTED / f"{run}.json").read_text())


@pytest.mark.parametrize("run", ["20261125T100630Z", "20261125T153413Z", "20261125T154829Z-quick"])
def test_a_committed_run_gives_its_committed_ratios_and_targets(run):
    results = committed(run)
    measured = copy.deepcopy(results)
    for figures in measured["pages"].values():
        del figures["ratio"]
    measured["targets"] = []

    targets.evaluate(measured, partial=False)

    assert measured == results


def test_a_partial_run_gets_ratios_and_no_verdicts():
    results = committed("20261125T154829Z-quick")
    results["pages"] = {key: results["pages"][key] for key in ("ceiling", "article_signed_in")}

    targets.evaluate(results, partial=True)

    assert results["targets"] == []
    assert results["pages"]["article_signed_in"]["ratio"] == 0.179  # 220.3 / 1228.4 req/s


def test_a_page_answering_an_error_stops_the_run_and_a_missed_target_does_not():
    results = committed("20261125T154829Z-quick")
    results["targets"][0]["met"] = False
    targets.check_harness(results)

    results["pages"]["tag"]["status"] = 500
    with pytest.raises(SystemExit, match="Tag: HTTP 500"):
        targets.check_harness(results)
