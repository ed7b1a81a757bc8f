"""The MusicBrainz client against a real HTTP server of recorded responses: its User-Agent, one request a second
(across clients sharing the cache), 503s waited out as Retry-After says, and each failure told in words.

Time stands still (the ``clock`` fixture) and the client's sleeps move it, so waits are exact and cost nothing;
the server notes the (travelled) time each request arrives."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches

from articles.musicbrainz import MusicBrainzClient, MusicBrainzError, RateLimiter, ReleaseNotFound
from articles.musicbrainz.client import RELEASE_INCLUDES, retry_after_seconds
from tests.utils.musicbrainz import Answer, busy, recorded, refused_url, release_mbid

MBID = release_mbid()


@pytest.fixture
def service(musicbrainz, clock, settings):
    """The client as the site builds it, whose sleeps move the stopped clock (and are noted)."""
    settings.MUSICBRAINZ_USER_AGENT = "SoundtrackNotes/1.0 ( https://soundtrack.example/ )"
    slept = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.shift(seconds)

    made = MusicBrainzClient.from_settings(sleep=sleep)
    made.slept = slept
    return made


def test_a_release_is_asked_for_with_its_includes_in_json_and_the_sites_user_agent(service, musicbrainz):
    musicbrainz.answer(MBID, recorded("release"))

    data = service.release(MBID)

    assert data["id"] == MBID
    [request] = musicbrainz.received
    assert request.path == f"/ws/2/release/{MBID}?inc={RELEASE_INCLUDES}&fmt=json"
    assert "work-level-rels" in request.path and "isrcs" in request.path
    assert request.headers["User-Agent"] == "SoundtrackNotes/1.0 ( https://soundtrack.example/ )"
    assert request.headers["Accept"] == "application/json"


def test_the_default_user_agent_names_the_site_and_its_address():
    from django.conf import settings

    user_agent = settings.MUSICBRAINZ_USER_AGENT

    assert user_agent == f"SoundtrackNotes/1.0 ( {settings.SITE_URL} )"


def test_two_requests_in_a_row_arrive_at_least_a_second_apart(service, musicbrainz):
    musicbrainz.answer(MBID, recorded("release"))

    service.release(MBID)
    service.release(MBID)

    first, second = musicbrainz.received
    assert second.at - first.at >= 1
    assert service.slept == [1.0]


def test_another_client_sharing_the_cache_waits_its_turn_too(service, musicbrainz):
    musicbrainz.answer(MBID, recorded("release"))
    other = MusicBrainzClient.from_settings(sleep=service.sleep)

    service.release(MBID)
    other.release(MBID)

    first, second = musicbrainz.received
    assert second.at - first.at >= 1


def test_the_limiter_gives_each_caller_its_own_slot_a_second_after_the_last():
    """Several processes (here, limiters) sharing the cache at the same instant go one a second, in turn."""
    waits = []
    limiters = [RateLimiter(cache=caches["ratelimit"], clock=lambda: 1000.25, sleep=waits.append) for _ in range(3)]

    for limiter in limiters:
        limiter.wait()

    assert waits == [0.75, 1.75, 2.75]


def test_the_limiter_gives_up_rather_than_keep_a_request_waiting_behind_many():
    waits = []
    limiters = [RateLimiter(cache=caches["ratelimit"], clock=lambda: 1000.0, sleep=waits.append) for _ in range(6)]

    for limiter in limiters[:5]:
        limiter.wait()
    with pytest.raises(MusicBrainzError, match="MusicBrainz is being asked too often just now"):
        limiters[5].wait()

    assert waits == [1.0, 2.0, 3.0, 4.0]


def test_the_limiter_does_not_wait_once_the_next_slot_has_come(clock):
    waits = []
    limiter = RateLimiter(cache=caches["ratelimit"], sleep=waits.append)

    limiter.wait()
    clock.shift(2)
    limiter.wait()

    assert waits == []  # NOW is a whole second: both slots start as they are asked for


def test_a_503_is_waited_out_as_retry_after_says_then_the_release_is_read(service, musicbrainz):
    musicbrainz.answer(MBID, busy(retry_after="3"), recorded("release"))

    data = service.release(MBID)

    assert data["id"] == MBID
    first, second = musicbrainz.received
    assert second.at - first.at >= 3
    assert service.slept[0] == 3.0


def test_a_503_without_retry_after_backs_off_twice_as_long_each_time(service, musicbrainz, settings):
    service.attempts = 3
    musicbrainz.answer(MBID, busy(retry_after=None), busy(retry_after=None), recorded("release"))

    service.release(MBID)

    assert service.slept == [1.0, 2.0]
    assert len(musicbrainz.received) == 3


def test_503_after_503_gives_up_with_a_clear_error_after_the_attempts_allowed(service, musicbrainz):
    musicbrainz.answer(MBID, busy(retry_after="1"))

    with pytest.raises(MusicBrainzError, match=r"^MusicBrainz is busy\. It asks to wait 1 seconds\. Try again"):
        service.release(MBID)

    assert len(musicbrainz.received) == service.attempts == 3


def test_a_retry_after_longer_than_the_site_waits_gives_up_at_once(service, musicbrainz):
    musicbrainz.answer(MBID, busy(retry_after="3600"), recorded("release"))

    with pytest.raises(MusicBrainzError, match="It asks to wait 3600 seconds"):
        service.release(MBID)

    assert len(musicbrainz.received) == 1
    assert service.slept == []


def test_an_unknown_release_is_not_found(service, musicbrainz):
    with pytest.raises(ReleaseNotFound, match="MusicBrainz has no release with this identifier"):
        service.release("00000000-0000-4000-8000-000000000000")


def test_another_error_is_named_by_its_status(service, musicbrainz):
    musicbrainz.answer(MBID, Answer(500, b"<html>Internal Server Error</html>"))

    with pytest.raises(MusicBrainzError, match=r"MusicBrainz answered with an error \(HTTP 500\)"):
        service.release(MBID)

    assert len(musicbrainz.received) == 1


def test_a_refused_connection_says_musicbrainz_could_not_be_reached(service):
    service.base_url = refused_url()

    with pytest.raises(MusicBrainzError, match="MusicBrainz could not be reached"):
        service.release(MBID)


def test_an_answer_slower_than_the_timeout_says_so(service, musicbrainz):
    service.timeout = 0.2
    musicbrainz.answer(MBID, Answer(hold=True))

    with pytest.raises(MusicBrainzError, match=r"MusicBrainz did not answer within 0\.2 seconds"):
        service.release(MBID)


def test_an_answer_that_is_not_json_says_so(service, musicbrainz):
    musicbrainz.answer(MBID, recorded("malformed"))

    with pytest.raises(MusicBrainzError, match="could not be read"):
        service.release(MBID)


def test_retry_after_may_be_seconds_or_a_date():
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    assert retry_after_seconds("7", now=now.timestamp()) == 7
    assert retry_after_seconds("Mon, 01 Jun 2026 12:00:30 GMT", now=now.timestamp()) == 30
    assert retry_after_seconds("Mon, 01 Jun 2026 11:00:00 GMT", now=now.timestamp()) == 0
    assert retry_after_seconds("soon", now=now.timestamp()) is None
    assert retry_after_seconds(None, now=(now + timedelta(1)).timestamp()) is None


def test_waits_that_would_outlast_the_deadline_give_up_with_a_message(service, musicbrainz):
    """Every attempt, wait and back-off end within the deadline: the editor's request never outlives the app
    server's timeout."""
    service.attempts, service.max_wait, service.deadline = 5, 5, 10
    musicbrainz.answer(MBID, busy(retry_after="4"))

    with pytest.raises(MusicBrainzError, match=r"^MusicBrainz is too slow to answer just now\. Try again"):
        service.release(MBID)

    assert service.slept == [4.0, 4.0]  # a third wait would end past the deadline
    assert len(musicbrainz.received) == 3
