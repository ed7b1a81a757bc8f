import pytest

from reliability import load
from reliability.run import save

CLIENTS, COMMENTS = 8, 300


@pytest.fixture(scope="module")
def figures(throwaway, tmp_path_factory):
    cluster, redis_server = throwaway
    figures = load.run(
        cluster, redis_server, tmp_path_factory.mktemp("post-load"), clients=CLIENTS, comments=COMMENTS, down_seconds=2
    )
    save("post-load-postgresql-restart-small", figures)
    return figures


def test_every_acknowledged_comment_is_stored_exactly_once_through_a_postgresql_restart(figures):
    assert {key: figures[key] for key in ("acknowledged", "rows_found", "duplicates", "lost", "gave_up")} == {
        "acknowledged": COMMENTS,
        "rows_found": COMMENTS,
        "duplicates": 0,
        "lost": 0,
        "gave_up": 0,
    }
    assert figures["refused"] == {}


def test_a_form_posted_twice_is_acknowledged_twice_and_stored_once(figures):
    assert figures["double_posts"] > 0
    assert figures["double_posts_acknowledged"] == figures["double_posts"]
    assert figures["duplicates"] == 0


def test_posts_during_the_postgresql_outage_get_the_503_page_and_never_a_500(figures):
    outage = figures["outage"]

    assert outage["503"] > 0
    assert outage["500"] == 0
    assert set(figures["statuses"]) == {"302", "503"}
    assert outage["503_page_is_clear"]
    assert outage["seconds_to_recover_after_start"] is not None
