"""A double click: the same comment form sent several times at once gets the same redirect to the one comment it
stored, never a refusal.

The posts run truly at the same time, each in its own server thread with its own PostgreSQL connection. (SQLite's
in-memory test database is shared by the threads through one cache that refuses, rather than waits for, a
concurrent writer: no server has that.)
"""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest

from comments.forms import new_form_token
from comments.models import Comment
from tests.utils.discussion import post_url
from tests.utils.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLICKS = 15
AT_ONCE = 3  # a double click, and a third for a wider race


def post_at_once(address: str, path: str, form: dict, *, times: int = 2) -> list[tuple[int, str]]:
    """Send the same form ``times`` times at the same moment; each answer's (status, Location)."""
    host = urlsplit(address)
    start = threading.Barrier(times)
    answers = [None] * times

    def send(number: int) -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        connection.connect()
        start.wait()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", path, body=urlencode(form), headers=headers)
        response = connection.getresponse()
        answers[number] = (response.status, response.getheader("Location", ""))
        connection.close()

    threads = [threading.Thread(target=send, args=(number,)) for number in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.postgresql("concurrent writers on one database")
def test_a_form_sent_several_times_at_once_gets_the_same_redirect_to_one_comment(live_server, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    settings.COMMENTS_RATE_LIMIT = 1000
    article = ArticleFactory()

    answers = []
    for click in range(CLICKS):
        form = {
            "author_name": "Quick Finger",
            "author_email": "quick@example.com",
            "body": f"Double click number {click}: the finale is the best cue of the year.",
            "form_token": new_form_token(),
        }
        answers.append(post_at_once(live_server.url, post_url(article), form, times=AT_ONCE))

    stored = {comment.body: comment for comment in Comment.objects.filter(article=article)}
    assert len(stored) == CLICKS == Comment.objects.count()
    for click, (first, *others) in enumerate(answers):
        comment = stored[f"Double click number {click}: the finale is the best cue of the year."]
        assert others == [first] * (AT_ONCE - 1)
        assert first[0] == 302 and first[1].endswith(f"#{comment.anchor}")
