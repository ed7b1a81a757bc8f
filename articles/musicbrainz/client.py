"""The MusicBrainz web service, as its rules ask (https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting): a
User-Agent naming the site and a contact, at most one request a second from all the site's processes together,
and a 503 (busy, or over the limit) waited out as its ``Retry-After`` says before trying again."""

import http.client
import json
import math
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import DatabaseError
from redis.exceptions import RedisError

RELEASE_INCLUDES = "recordings+artist-credits+isrcs+work-rels+work-level-rels+artist-rels+recording-level-rels"
MAX_RESPONSE_BYTES = 5 * 1024 * 1024  # a release of a few hundred tracks, with every relationship, is far smaller
BUSY_STATUSES = (429, 503)


class MusicBrainzError(Exception):
    """A release could not be read from MusicBrainz; the message says why, in words for the editor."""


class ReleaseNotFound(MusicBrainzError):
    pass


class RateLimiter:
    """At most one request per ``interval`` seconds among every process that shares ``cache``.

    Each request takes a turn of its own, the first free one from now on, in the cache (``add`` is atomic in
    Redis and the database's table), and is sent at the turn's start: turns are ``interval`` apart, so requests
    are too, whichever process or thread sends them. With the next ``horizon`` turns taken, it gives up rather
    than keep an editor's request waiting."""

    def __init__(
        self,
        *,
        cache: BaseCache,
        key: str = "musicbrainz:turn",
        interval: float = 1.0,
        horizon: int = 5,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.cache, self.key, self.interval, self.horizon = cache, key, interval, horizon
        self.clock, self.sleep = clock, sleep

    def wait(self) -> None:
        now = self.clock()
        first = math.ceil(now / self.interval)
        keep = math.ceil(self.horizon * self.interval) + 60
        for turn in range(first, first + self.horizon):
            try:
                taken = self.cache.add(f"{self.key}:{turn}", True, timeout=keep)
            except (RedisError, OSError, DatabaseError) as error:  # the shared counters cannot be reached
                raise MusicBrainzError(
                    "The site cannot pace its requests to MusicBrainz just now. Try again in a minute."
                ) from error
            if taken:
                if (delay := turn * self.interval - now) > 0:
                    self.sleep(delay)
                return
        raise MusicBrainzError("MusicBrainz is being asked too often just now. Try again in a minute.")


TOO_SLOW = "MusicBrainz is too slow to answer just now. Try again in a minute."


class MusicBrainzClient:
    def __init__(
        self,
        *,
        base_url: str,
        user_agent: str,
        timeout: float,
        attempts: int,
        max_wait: float,
        limiter: RateLimiter,
        deadline: float = 20,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url, self.user_agent, self.timeout = base_url.rstrip("/"), user_agent, timeout
        self.attempts, self.max_wait, self.limiter, self.sleep = max(1, attempts), max_wait, limiter, sleep
        self.deadline = deadline

    @classmethod
    def from_settings(cls, *, sleep: Callable[[float], None] = time.sleep) -> "MusicBrainzClient":
        return cls(
            base_url=settings.MUSICBRAINZ_URL,
            user_agent=settings.MUSICBRAINZ_USER_AGENT,
            timeout=settings.MUSICBRAINZ_TIMEOUT,
            attempts=settings.MUSICBRAINZ_ATTEMPTS,
            max_wait=settings.MUSICBRAINZ_MAX_WAIT_SECONDS,
            deadline=settings.MUSICBRAINZ_DEADLINE_SECONDS,
            limiter=RateLimiter(cache=caches["ratelimit"], sleep=sleep),
            sleep=sleep,
        )

    def release(self, mbid: str) -> dict:
        """The release's JSON, with its tracks, their recordings, ISRCs, works and the works' composers."""
        return self.get(f"/ws/2/release/{quote(mbid)}?inc={RELEASE_INCLUDES}&fmt=json", what="release")

    def get(self, path: str, *, what: str) -> dict:
        """The JSON at ``path``. An editor waits for it: every attempt, wait and back-off together end by
        ``deadline`` seconds (the limiter's own wait aside), well within the app server's timeout."""
        request = Request(self.base_url + path, headers={"User-Agent": self.user_agent, "Accept": "application/json"})
        give_up_at = time.time() + self.deadline
        for attempt in range(1, self.attempts + 1):
            self.limiter.wait()
            if (remaining := give_up_at - time.time()) <= 0:
                raise MusicBrainzError(TOO_SLOW)
            try:
                with urlopen(request, timeout=min(self.timeout, remaining)) as response:
                    body = response.read(MAX_RESPONSE_BYTES + 1)
            except HTTPError as error:
                with error:
                    delay = self._retry_delay(error, attempt, what=what)
                if time.time() + delay >= give_up_at:
                    raise MusicBrainzError(TOO_SLOW) from error
                self.sleep(delay)
                continue
            except TimeoutError as error:
                raise MusicBrainzError(f"MusicBrainz did not answer within {self.timeout:g} seconds.") from error
            except (URLError, OSError, http.client.HTTPException) as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, TimeoutError):
                    raise MusicBrainzError(f"MusicBrainz did not answer within {self.timeout:g} seconds.") from error
                raise MusicBrainzError(f"MusicBrainz could not be reached ({reason}).") from error
            return self._json(body, what=what)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_delay(self, error: HTTPError, attempt: int, *, what: str) -> float:
        """How long to wait before the next attempt after ``error``; raise if there should be none."""
        if error.code == 404:
            raise ReleaseNotFound(f"MusicBrainz has no {what} with this identifier.") from error
        if error.code not in BUSY_STATUSES:
            raise MusicBrainzError(f"MusicBrainz answered with an error (HTTP {error.code}).") from error
        asked = retry_after_seconds(error.headers.get("Retry-After"), now=time.time())
        if attempt >= self.attempts or (asked or 0) > self.max_wait:
            wait = f" It asks to wait {math.ceil(asked)} seconds." if asked else ""
            raise MusicBrainzError(f"MusicBrainz is busy.{wait} Try again in a minute.") from error
        backoff = 2.0 ** (attempt - 1)  # 1, 2, 4... seconds when it does not say
        return min(self.max_wait, asked if asked is not None else backoff)

    def _json(self, body: bytes, *, what: str) -> dict:
        if len(body) > MAX_RESPONSE_BYTES:
            raise MusicBrainzError(f"MusicBrainz's answer is too large to be a {what}.")
        try:
            data = json.loads(body)
        except ValueError as error:  # not JSON, or not UTF-8
            raise MusicBrainzError(f"MusicBrainz's answer could not be read (not JSON: {error}).") from error
        if not isinstance(data, dict):
            raise MusicBrainzError(f"MusicBrainz's answer is not a {what}.")
        return data


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait: a number of seconds or an HTTP date; None if it has none."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None
