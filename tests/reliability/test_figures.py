"""The scenarios' figures and verdicts, from made-up responses: no servers, so these run on SQLite too."""

from collections import Counter

from reliability import load, redis_outage
from reliability.redis_outage import LIMIT, Readers


def post_load(responses, acknowledged, double_posts=(True, True)) -> load.PostLoad:
    made_up = load.PostLoad(None, [], clients=2, comments=len(acknowledged), retry_every=1)
    made_up.responses = responses
    made_up.acknowledged = acknowledged
    made_up.double_posts = Counter(double_posts)
    made_up.sample_503 = "<h1>Back in a moment</h1>"
    return made_up


def test_the_outage_lasts_from_the_stop_to_the_first_acknowledged_post_after_the_start():
    responses = [(1.0, 302), (2.0, 302), (2.5, None), (3.0, 503), (4.0, 503), (4.5, 302), (5.0, 302), (6.0, 500)]
    posts = post_load(responses, ["a", "b", "c", "d"])

    figures = load.load_figures(
        posts, Counter({"a": 1, "b": 1, "c": 1, "d": 1}), {"stopping": 2.2, "started": 4.2}, 10.0, clients=2, comments=4
    )

    assert figures["outage"] == {
        "postgres_down_seconds": 2.0,
        "seconds_to_recover_after_start": 0.3,
        "statuses": {"no connection": 1, "503": 2},
        "503": 2,
        "500": 1,
        "503_page_is_clear": True,
    }
    assert figures["statuses"] == {"302": 4, "no connection": 1, "503": 2, "500": 1}
    assert not load.passed(figures, comments=4)  # a 500, anywhere in the run


def test_a_comment_stored_twice_is_a_duplicate_and_one_never_stored_is_lost():
    posts = post_load([(1.0, 302), (3.0, 503), (4.0, 302)], ["a", "b", "c"])

    figures = load.load_figures(
        posts, Counter({"a": 2, "b": 1, "x": 1}), {"stopping": 2.0, "started": 3.5}, 2.0, clients=2, comments=3
    )

    assert (figures["duplicates"], figures["lost"], figures["stored_not_acknowledged"]) == (1, 1, 1)
    assert (figures["double_posts"], figures["double_posts_acknowledged"]) == (2, 2)
    assert figures["posts_per_second"] == 1.5
    assert not load.passed(figures, comments=3)


def readers(statuses: dict[str, dict], cache: dict[str, dict], first_hit: float | None) -> Readers:
    made_up = Readers([], [], 0)
    made_up.statuses = {phase: Counter(counts) for phase, counts in statuses.items()}
    made_up.cache = {phase: Counter(counts) for phase, counts in cache.items()}
    made_up.first_hit_after_restart = first_hit
    return made_up


def probes(paused: bool = True) -> dict[str, list[dict]]:
    def answers(*statuses):
        return [{"status": status, "says_paused": paused, "keeps_text": True} for status in statuses]

    return {
        "before (fail-open server)": answers(*[302] * LIMIT, 429),
        "outage (fail-open server)": answers(302, 302),
        "outage (fail-closed server)": answers(503, 503),
        "after (fail-closed server)": answers(*[302] * LIMIT, 429),
    }


def outage_figures(reading: Readers, probed: dict, *, open_log: str = "Cache unavailable; failing open") -> dict:
    return redis_outage.outage_figures(
        reading,
        probed,
        readers=4,
        phase_seconds=3,
        restarted=100.0,
        servers_kept_running=True,
        open_log=open_log,
        closed_log="Cache unavailable; failing closed",
    )


def test_a_redis_outage_read_through_from_the_database_and_rate_limited_as_configured_passes():
    statuses = {phase: {"200": 50} for phase in ("before", "outage", "after")}
    cache = {"before": {"hit": 50}, "outage": {"none": 50}, "after": {"miss": 5, "hit": 45}}

    figures = outage_figures(readers(statuses, cache, first_hit=101.234), probes())

    assert figures["seconds_to_first_cache_hit_after_restart"] == 1.23
    assert figures["rate_limit"]["decisions"]["outage (fail-closed server)"] == [503, 503]
    assert figures["passed"]


def test_a_redis_outage_fails_on_an_error_page_a_cache_hit_no_recovery_or_a_silent_fail_open():
    statuses = {phase: {"200": 50} for phase in ("before", "outage", "after")}
    cache = {"before": {"hit": 50}, "outage": {"none": 50}, "after": {"hit": 50}}

    assert not outage_figures(readers({**statuses, "outage": {"200": 49, "500": 1}}, cache, 101.0), probes())["passed"]
    assert not outage_figures(readers(statuses, {**cache, "outage": {"hit": 1}}, 101.0), probes())["passed"]
    assert not outage_figures(readers(statuses, cache, None), probes())["passed"]
    assert not outage_figures(readers(statuses, cache, 101.0), probes(), open_log="Cache unavailable")["passed"]
    assert not outage_figures(readers(statuses, cache, 101.0), probes(paused=False))["passed"]
