"""`make serve`'s stack (reliability/stack.py), started for real: Varnish in front of two app servers, a PostgreSQL
primary with its streaming replica, Redis and the task worker, each on a port of its own; a comment goes through
all of them."""

import html
import http.client
import json
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from reliability.mailservers import MailServer
from reliability.servers import ToolMissing, free_port, manage, wait_until
from reliability.stack import Ports, Stack

SECRET_KEY = "stack-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789"


@pytest.fixture(scope="module")
def mail():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(mail):
    if connection.vendor != "postgresql":
        pytest.skip("the stack runs PostgreSQL; its test runs once, in the PostgreSQL run")
    ports = Ports(
        varnish=free_port(),
        apps=(free_port(), free_port()),
        primary=free_port(),
        replica=free_port(),
        redis=free_port(),
    )
    overrides = {
        "EMAIL_URL": mail.url,
        "COMMENTS_MIN_SECONDS_TO_POST": "0",
        "COMMENTS_MODERATOR_EMAILS": "mod@example.org",
    }
    folder = Path(tempfile.mkdtemp(prefix="serve-"))  # not pytest's: PostgreSQL's own user must reach it
    folder.chmod(0o755)
    started = Stack(folder, SECRET_KEY, ports, workers_per_app=1, overrides=overrides)
    try:
        started.start()
    except ToolMissing as missing:
        pytest.fail(f"the stack needs {missing}")
    yield started
    started.stop()
    shutil.rmtree(folder, ignore_errors=True)


def request(stack, method, path, form=None):
    connection = http.client.HTTPConnection("127.0.0.1", stack.ports.varnish, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
    connection.request(method, path, body=urlencode(form) if form else None, headers=headers)
    response = connection.getresponse()
    answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    connection.close()
    return answer


def article_path(stack) -> str:
    _, _, home = request(stack, "GET", "/")
    return re.search(r'href="(/articles/[^"/]+/)"', home).group(1)


def test_varnish_serves_the_second_view_and_both_app_servers_take_the_misses(stack):
    stack.wait_for_tasks()  # the purges that loading the demo queued
    paths = ["/", "/feeds/rss/", "/sitemap.xml", "/robots.txt", article_path(stack)]

    first = [request(stack, "GET", path)[:2] for path in paths]
    second = [request(stack, "GET", path)[:2] for path in paths]

    assert {status for status, _ in first + second} == {200}
    assert [headers["x-cache"] for _, headers in second] == ["hit"] * len(paths)
    served = [len(re.findall(r'"GET ', app.log_text())) for app in stack.apps]
    assert all(served), f"each app server takes a share of the misses: {served}"


def search_titles(stack, query: str) -> list[str]:
    status, _, page = request(stack, "GET", f"/search/?q={query}")  # search pages are never cached: each renders
    assert status == 200
    return [html.unescape(title) for title in re.findall(r'<h2 class="card-title"><a [^>]*>([^<]+)</a>', page)]


def test_the_public_pages_read_from_the_replica(stack):
    stack.replica.wait_until_caught_up()
    title = search_titles(stack, "score")[0]
    stack.replica.pause_replay()
    try:
        with stack.primary.connect("soundtrack") as primary:  # behind the site's back: no page cache stamp moves
            primary.execute("UPDATE articles_article SET title = title || ' (renamed)' WHERE title = %s", [title])

        assert search_titles(stack, "score")[0] == title, "read from the replica, which has not replayed it"
    finally:
        stack.replica.resume_replay()
    stack.replica.wait_until_caught_up()
    wait_until(lambda: search_titles(stack, "score")[0] == f"{title} (renamed)", what="the replica replaying it")


def test_a_comment_posted_through_varnish_is_noticed_by_mail_and_shows_once_approved(stack, mail):
    path = article_path(stack)
    _, _, page = request(stack, "GET", path)
    values_url = re.search(r'data-values-url="([^"]+)"', page).group(1)  # the page Varnish keeps holds no token
    token = json.loads(request(stack, "GET", values_url)[2])["form_token"]  # as the form's script fetches it
    form = {"author_name": "Stack Reader", "author_email": "stack@example.org", "form_token": token}

    status, headers, _ = request(stack, "POST", f"{path}comments/", form | {"body": "Heard through every layer."})

    assert (status, headers["x-cache"]) == (302, "pass")
    wait_until(lambda: mail.messages, what="the task worker mailing the moderators", timeout=30)
    assert "Heard through every layer." not in request(stack, "GET", path)[2], "held for moderation"
    manage(
        stack.env,
        "shell",
        "--command",
        "from comments.models import Comment\nfrom comments.services import moderate\n"
        "moderate(Comment.objects.filter(author_email='stack@example.org'), to_status='approved', actor=None)",
    )
    wait_until(lambda: "Heard through every layer." in request(stack, "GET", path)[2], what="the purge", timeout=30)


def test_stopping_leaves_nothing_running_and_keeps_the_database(stack):
    stack.stop()

    assert all(process.poll() is not None for process in [app.process for app in stack.apps] + [stack.worker.process])
    assert stack.varnish.process.poll() is not None
    with pytest.raises(OSError):
        request(stack, "GET", "/")
    stack.start()
    assert "Heard through every layer." in request(stack, "GET", article_path(stack))[2]
