"""Varnish restarted under read load: no HTTP error reaches a reader, and its hit ratio comes back."""

import pytest

from reliability import varnish_restart
from reliability.run import save
from reliability.servers import ToolMissing


@pytest.fixture(scope="module")
def figures(throwaway, tmp_path_factory):
    cluster, redis_server = throwaway
    try:
        figures = varnish_restart.run(
            cluster, redis_server, tmp_path_factory.mktemp("varnish-restart"), readers=4, phase_seconds=3
        )
    except ToolMissing as missing:
        pytest.fail(str(missing))
    save("read-load-varnish-restart-small", figures)
    return figures


def test_no_http_error_reaches_a_reader_before_during_or_after_the_restart(figures):
    answers = figures["answers"]  # by phase; "restarting" and "transition" while varnishd was down or came back

    assert figures["http_errors"] == 0
    assert set(answers["before"]) == set(answers["after"]) == {"200"}
    assert figures["connection_failures_outside_restart"] == 0
    assert figures["app_kept_running"]


def test_the_cache_starts_empty_after_the_restart_and_its_hit_ratio_recovers(figures):
    before, cold, recovered = (figures[f"hit_ratio_{moment}"] for moment in ("before", "right_after", "recovered"))

    assert cold["misses"] > 0, "a restarted Varnish has nothing in its cache"
    assert recovered["hit_ratio"] >= before["hit_ratio"] * 0.95
    assert figures["passed"]
