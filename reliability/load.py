"""Many clients post comments while PostgreSQL is restarted: every acknowledged comment is stored exactly once.

Each client posts its own comments one after another, each with a fresh signed form token, as a reader's browser
would: it keeps the cookies its first post got (the note of its own comments), so from then on it is a returning
reader whose note grows with each comment. A post is acknowledged by the redirect (302) to the comment. On a 503 or
a broken connection the client posts the very same form again, as a reader pressing "back" and "post" would, until
it is acknowledged; some forms are sent twice at the same moment on purpose (a double click), and both posts must be
acknowledged. Half-way, PostgreSQL is stopped, kept down for a few seconds and started again. Afterwards the
database must hold each acknowledged comment exactly once.
"""

import http.client
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .servers import AppServer, PostgresCluster, RedisServer, app_environment, prepare_site

RETRY_PAUSE_SECONDS = 0.2
GIVE_UP_SECONDS = 120  # a post not acknowledged after this long counts as given up (and fails the check)
READER_COOKIES = ("sessionid", "own_comments")  # what makes a returning reader: kept from one post to the next


class PostLoad:
    def __init__(self, server: AppServer, slugs: list[str], *, clients: int, comments: int, retry_every: int):
        self.server, self.slugs = server, slugs
        self.clients, self.comments, self.retry_every = clients, comments, retry_every
        self.run_id = secrets.token_hex(4)
        self.lock = threading.Lock()
        self.responses: list[tuple[float, int | None]] = []  # (monotonic time, status or None: no connection)
        self.acknowledged: list[str] = []
        self.gave_up: list[str] = []
        self.refused: Counter = Counter()
        self.double_posts = Counter()
        self.sample_503 = ""
        self.finished = threading.Event()

    def body_prefix(self) -> str:
        return f"Reliability {self.run_id} "

    def send(self, path: str, form: dict, cookies: dict[str, str]) -> int | None:
        try:
            status, page = self.post(path, form, cookies)
        except OSError:
            status, page = None, ""
        with self.lock:
            self.responses.append((time.monotonic(), status))
            if status == 503 and not self.sample_503:
                self.sample_503 = page
        return status

    def post(self, path: str, form: dict, cookies: dict[str, str]) -> tuple[int, str]:
        """POST as a browser would: with the session cookie it was given, keeping a new one."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
            conn.request("POST", path, body=urlencode(form), headers=headers)
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if name in READER_COOKIES and morsel.value:
                        cookies[name] = morsel.value
            return response.status, response.read().decode()
        finally:
            conn.close()

    def post_until_acknowledged(self, path: str, form: dict, cookies: dict[str, str]) -> bool:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while time.monotonic() < deadline:
            status = self.send(path, form, cookies)
            if status == 302:
                return True
            if status not in (None, 503):
                with self.lock:
                    self.refused[status] += 1
                return False
            time.sleep(RETRY_PAUSE_SECONDS)
        with self.lock:
            self.gave_up.append(form["body"])
        return False

    def client(self, number: int, count: int) -> None:
        from comments.forms import new_form_token

        cookies: dict[str, str] = {}
        for sequence in range(count):
            form = {
                "author_name": f"Load client {number}",
                "author_email": f"load-{number}@example.com",
                "body": f"{self.body_prefix()}client {number} comment {sequence}: the main theme returns.",
                "favourite_track": "",
                "parent": "",
                "website": "",
                "form_token": new_form_token(),
            }
            path = f"/articles/{self.slugs[sequence % len(self.slugs)]}/comments/"
            at_once = 2 if sequence % self.retry_every == 0 else 1  # a double click: both acknowledged, one stored
            with ThreadPoolExecutor(max_workers=at_once) as clicks:
                sent = [clicks.submit(self.post_until_acknowledged, path, form, cookies) for _ in range(at_once)]
                answers = [click.result() for click in sent]
            if any(answers):
                with self.lock:
                    self.acknowledged.append(form["body"])
            if at_once > 1:
                with self.lock:
                    self.double_posts[all(answers)] += 1

    def run(self) -> None:
        counts = [self.comments // self.clients + (n < self.comments % self.clients) for n in range(self.clients)]
        try:
            with ThreadPoolExecutor(max_workers=self.clients) as pool:
                for future in [pool.submit(self.client, n, count) for n, count in enumerate(counts)]:
                    future.result()
        finally:
            self.finished.set()


def stored_counts(cluster: PostgresCluster, database: str, prefix: str) -> Counter:
    with cluster.connect(database) as connection:
        rows = connection.execute(
            "SELECT body, count(*) FROM comments_comment WHERE starts_with(body, %s) GROUP BY body", [prefix]
        ).fetchall()
    return Counter(dict(rows))


def restart_postgres_midway(cluster: PostgresCluster, load: PostLoad, *, at: int, down_seconds: float) -> dict:
    """Once ``at`` posts are acknowledged, stop PostgreSQL, keep it down, start it again; when each happened."""
    while len(load.acknowledged) < at:
        if load.finished.is_set():
            raise RuntimeError(f"the load ended with {len(load.acknowledged)} posts acknowledged, before the restart")
        time.sleep(0.05)
    print(f"Stopping PostgreSQL after {at} acknowledged posts, for {down_seconds:g} s", flush=True)
    stopping = time.monotonic()
    cluster.stop()
    time.sleep(down_seconds)
    cluster.start()
    print("PostgreSQL started again", flush=True)
    return {"stopping": stopping, "started": time.monotonic()}


def run(
    cluster: PostgresCluster,
    redis_server: RedisServer,
    workdir: Path,
    *,
    clients: int,
    comments: int,
    down_seconds: float = 3,
    retry_every: int = 20,
) -> dict:
    """The post load with a PostgreSQL restart half-way; the figures, with ``passed``."""
    database = "reliability_load"
    server, slugs = start_app_server(cluster, redis_server, database, workdir)
    load = PostLoad(server, slugs, clients=clients, comments=comments, retry_every=retry_every)
    try:
        times, duration = post_through_a_restart(cluster, load, at=comments // 2, down_seconds=down_seconds)
    finally:
        server.stop()
    stored = stored_counts(cluster, database, load.body_prefix())
    figures = load_figures(load, stored, times, duration, clients=clients, comments=comments)
    figures["passed"] = passed(figures, comments=comments)
    return figures


def start_app_server(
    cluster: PostgresCluster, redis_server: RedisServer, database: str, workdir: Path
) -> tuple[AppServer, list[str]]:
    """An app server on a new database with the demo site and no rate limit; the slugs of articles open to comments."""
    from django.conf import settings

    env = app_environment(
        database_url=cluster.create_database(database),
        redis_url=redis_server.url(1),
        secret_key=settings.SECRET_KEY,  # the form tokens are signed here, as the app would sign them
        COMMENTS_RATE_LIMIT="1000000000",
        COMMENTS_MIN_SECONDS_TO_POST="0",
    )
    slugs = prepare_site(env)
    return AppServer(env, log=workdir / "post-load-gunicorn.log").start(), slugs


def post_through_a_restart(
    cluster: PostgresCluster, load: PostLoad, *, at: int, down_seconds: float
) -> tuple[dict, float]:
    """Run the load while PostgreSQL is restarted once ``at`` posts are acknowledged; the restart's times and the
    load's duration."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as controller:
        restart = controller.submit(restart_postgres_midway, cluster, load, at=at, down_seconds=down_seconds)
        load.run()
        times = restart.result()
    return times, time.monotonic() - started


def status_name(status: int | None) -> str:
    return str(status or "no connection")


def load_figures(load: PostLoad, stored: Counter, times: dict, duration: float, *, clients: int, comments: int) -> dict:
    acknowledged = set(load.acknowledged)
    all_statuses = Counter(status_name(status) for _at, status in load.responses)
    return {
        "scenario": "post load with a PostgreSQL restart",
        "clients": clients,
        "comments_planned": comments,
        "acknowledged": len(acknowledged),
        "rows_found": sum(stored.values()),
        "duplicates": sum(count - 1 for count in stored.values() if count > 1),
        "lost": len(acknowledged - set(stored)),
        "stored_not_acknowledged": len(set(stored) - acknowledged),
        "gave_up": len(load.gave_up),
        "refused": {str(status): n for status, n in load.refused.items()},
        "double_posts": sum(load.double_posts.values()),
        "double_posts_acknowledged": load.double_posts[True],
        "requests": len(load.responses),
        "statuses": dict(all_statuses),
        "duration_seconds": round(duration, 1),
        "posts_per_second": round(len(acknowledged) / duration, 1),
        "outage": outage_figures(load, times, all_statuses),
    }


def outage_figures(load: PostLoad, times: dict, all_statuses: Counter) -> dict:
    """What posting clients got from PostgreSQL being stopped until the first post acknowledged after its start."""
    recovered = min((at for at, status in load.responses if status == 302 and at > times["started"]), default=None)
    outage_end = recovered or float("inf")
    during = Counter(status_name(status) for at, status in load.responses if times["stopping"] <= at < outage_end)
    return {
        "postgres_down_seconds": round(times["started"] - times["stopping"], 2),
        "seconds_to_recover_after_start": round(recovered - times["started"], 2) if recovered else None,
        "statuses": dict(during),
        "503": during["503"],
        "500": all_statuses["500"],
        "503_page_is_clear": "Back in a moment" in load.sample_503,
    }


def passed(figures: dict, *, comments: int) -> bool:
    return (
        figures["acknowledged"] == comments
        and figures["lost"] == 0
        and figures["duplicates"] == 0
        and figures["outage"]["500"] == 0
        and figures["outage"]["503"] > 0
        and figures["outage"]["503_page_is_clear"]
        and figures["double_posts"] == figures["double_posts_acknowledged"]
    )
