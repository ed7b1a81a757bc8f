import pytest

from reliability import redis_outage
from reliability.run import save

LIMIT = redis_outage.LIMIT


@pytest.fixture(scope="module")
def figures(throwaway, tmp_path_factory):
    cluster, redis_server = throwaway
    figures = redis_outage.run(
        cluster, redis_server, tmp_path_factory.mktemp("redis-outage"), readers=4, phase_seconds=3
    )
    save("read-load-redis-outage-small", figures)
    return figures


def test_pages_are_served_from_the_database_while_redis_is_down_and_the_outage_is_logged(figures):
    pages = figures["pages"]  # by phase; also "stopping", "starting" and "transition" when Redis changed mid-request

    assert {"before", "outage", "after"} <= set(pages)
    assert {phase: set(statuses) for phase, statuses in pages.items()} == {phase: {"200"} for phase in pages}
    assert figures["page_cache"]["outage"].get("hit", 0) == 0
    assert figures["outage_logged"]


def test_the_page_cache_works_again_once_redis_is_back_without_restarting_the_app(figures):
    assert figures["page_cache"]["after"]["hit"] > 0
    assert figures["seconds_to_first_cache_hit_after_restart"] is not None
    assert figures["app_servers_kept_running"]


def test_the_comment_rate_limit_fails_open_or_closed_as_configured_and_counts_again_after(figures):
    rate_limit = figures["rate_limit"]

    assert rate_limit["decisions"] == {
        "before (fail-open server)": [302] * LIMIT + [429],
        "outage (fail-open server)": [302, 302],
        "outage (fail-closed server)": [503, 503],
        "after (fail-closed server)": [302] * LIMIT + [429],
    }
    assert rate_limit["fail_closed_says_paused_and_keeps_text"]
    assert rate_limit["fail_open_logged"]
    assert rate_limit["fail_closed_logged"]
