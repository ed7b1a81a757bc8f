"""The verdicts: a committed run's figures give its committed ratios and targets; an error page stops the run."""

import copy
import json
from pathlib import Path

import pytest

from bench import hanging_mail, targets

COMMITTED = Path(targets.__file__).resolve().parent / "results"


def committed(run: str) -> dict:
    return json.loads((COMMITTED / f"{run}.json").read_text())


@pytest.mark.parametrize(
    "run", ["20261125T100630Z", "20261125T153413Z", "20261125T154829Z-quick", "20261202T211655Z-quick"]
)
def test_a_committed_run_gives_its_committed_ratios_and_targets(run):
    results = committed(run)
    measured = copy.deepcopy(results)
    for figures in measured["pages"].values():
        del figures["ratio"]
        figures.pop("bare_ratio", None)
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


def with_bare_app(bare_rps: float, *, bare_bytes: int = 133946) -> dict:
    """The last quick run from before the bare app, as if a bare page of the article's size had been measured
    beside it (every page read against that one page) and the article's weight with it."""
    results = committed("20261125T154829Z-quick")
    results["bare"] = {
        "133946": {
            "label": "Bare Django app, 133,946 bytes",
            "path": "/?bytes=133946",
            "status": 200,
            "bytes": bare_bytes,
            "rps": bare_rps,
            "p50_ms": 2.5,
            "p99_ms": 6.0,
            "errors": 0,
        }
    }
    for figures in results["pages"].values():
        figures["bare_bytes"] = 133946
    results["page_weight"] = {"html_bytes": 133946, "encoding": None, "wire_bytes": None, "gzip_bytes": 18250}
    return results


def verdicts(results: dict) -> dict[str, tuple[str, bool]]:
    return {target["target"]: (target["measured"], target["met"]) for target in results["targets"]}


def test_a_run_with_the_bare_app_reads_every_page_against_it_and_keeps_the_ceiling_ratio():
    results = with_bare_app(2282.0)

    targets.evaluate(results, partial=False)

    article = results["pages"]["article"]
    assert (article["bare_ratio"], article["ratio"]) == (0.5, 0.929)  # 1141.0 / 2282.0 and / 1228.4 req/s
    assert results["pages"]["ceiling"]["bare_ratio"] == 0.538
    found = verdicts(results)
    assert found["Anonymous article (200 comments) from the page cache ≥ 0.8× bare app of its size"] == ("0.50×", False)
    assert found["Sitemap, signed in ≥ 0.25× bare app of its size"] == ("0.10×", False)
    assert found["Moderation queue p50 < 100 ms, one client"] == ("41.5 ms", True)
    assert found["Search: Crmson (misspelt): p95 < 30 ms, one client"] == ("24.1 ms", True)
    assert found["Uncached article (200 comments) p50 < 15 ms, one client"] == ("7.3 ms", True)
    assert found["Article (200 comments) ≤ 80 KB of HTML"] == ("133.9 KB", False)
    assert found["Article (200 comments) ≤ 20 KB on the wire, compressed"] == (
        "not compressed (gzip would send 18.2 KB)",
        False,
    )
    assert found["Worker RSS within 5% over 3,705 requests"] == ("+0.0% at most", True)
    assert not any("ceiling" in target for target in found)  # the ceiling is a reference, no longer a target


def test_each_page_is_read_against_the_bare_page_measured_beside_it():
    results = with_bare_app(2282.0)
    results["bare"]["133946-1"] = {**results["bare"]["133946"], "rps": 1141.0}  # the machine slower by then
    for key, figures in results["pages"].items():
        del figures["bare_bytes"]
        figures["bare_key"] = "133946-1" if key == "article" else "133946"

    targets.evaluate(results, partial=True)
    targets.check_harness(results)  # each bare page of the size it asked for, whatever its key

    assert results["pages"]["article"]["bare_ratio"] == 1.0  # 1141.0 / 1141.0
    assert results["pages"]["ceiling"]["bare_ratio"] == 0.538  # 1228.4 / 2282.0


def test_a_quick_run_meets_a_throughput_target_within_its_margin_for_noise_and_a_latency_target_without():
    full, quick = with_bare_app(1630.0), with_bare_app(1630.0)  # the cached article at 0.7× the bare app
    quick["noise_margin"] = 0.2
    quick["single_client"]["moderation"]["p50_ms"] = 110.0

    targets.evaluate(full, partial=False)
    targets.evaluate(quick, partial=False)

    assert verdicts(full)["Anonymous article (200 comments) from the page cache ≥ 0.8× bare app of its size"] == (
        "0.70×",
        False,
    )
    assert verdicts(quick)[
        "Anonymous article (200 comments) from the page cache ≥ 0.8× bare app of its size "
        "(quick run: ≥ 0.64×, a 20% margin for noise)"
    ] == ("0.70×", True)
    assert verdicts(quick)[
        "Comment POST ≥ 200/s with 16 clients, none lost (quick run: ≥ 160/s, a 20% margin for noise)"
    ] == ("112/s, 0 lost, 0 errors", False)
    assert verdicts(quick)["Moderation queue p50 < 100 ms, one client"] == ("110.0 ms", False)


def test_a_partial_run_with_the_bare_app_gets_both_ratios_and_no_verdicts():
    results = with_bare_app(2282.0)
    results["pages"] = {key: results["pages"][key] for key in ("ceiling", "article_signed_in")}

    targets.evaluate(results, partial=True)

    assert results["targets"] == []
    assert results["pages"]["article_signed_in"]["bare_ratio"] == 0.097  # 220.3 / 2282.0 req/s


def test_a_bare_page_not_of_the_size_asked_for_stops_the_run():
    targets.check_harness(with_bare_app(2282.0))

    with pytest.raises(SystemExit, match="Bare Django app, 133,946 bytes: HTTP 200, 1000 bytes"):
        targets.check_harness(with_bare_app(2282.0, bare_bytes=1000))


def test_posts_while_the_mail_server_hangs_are_judged_on_each_posts_own_time_with_the_queued_figure_shown():
    figures = {
        "p99_ms": 240.0,  # 16 clients on 5 workers: mostly the queue
        "errors": 0,
        "unqueued": {"rps": 90.0, "p50_ms": 30.0, "p99_ms": 70.0, "errors": 0},
        "mail_connections_held": 1,
        "notice_tasks": ["RUNNING"],
    }

    label, measured, met = hanging_mail.target(figures)

    assert met and "4 clients" in label and measured == "70.0 ms (16 clients: 240.0 ms), 0 errors"
    assert not hanging_mail.target(figures | {"unqueued": figures["unqueued"] | {"p99_ms": 120.0}})[2]
    assert not hanging_mail.target(figures | {"errors": 1})[2]
    assert not hanging_mail.target(figures | {"notice_tasks": ["SUCCESSFUL"]})[2]  # the worker was not stuck
