"""Purging the edge: a failure never reaches a save, is retried later where the task backend can defer; and what a
page the edge keeps holds in its per-view slots (nothing: its script fetches them)."""

import gzip
import logging

import pytest
from django.core import signing
from django.tasks import default_task_backend

from comments.forms import FORM_TOKEN_SALT
from pagecache.slots import slot
from pagecache.tasks import purge_surrogate_keys
from reliability.servers import free_port
from tests.utils.discussion import comment_form, comment_form_data
from tests.utils.factories import ArticleFactory, WorkFactory
from tests.utils.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def varnish_down(settings):
    settings.EDGE_CACHE_BACKEND = "varnish"
    settings.EDGE_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]  # nothing listens there
    settings.EDGE_CACHE_PURGE_TIMEOUT = 0.5


def test_an_editors_save_succeeds_when_varnish_is_down_and_the_failure_is_logged(
    varnish_down, caplog, django_capture_on_commit_callbacks
):
    work = WorkFactory()
    work.title = "Saved all the same"

    with caplog.at_level(logging.WARNING, logger="pagecache.tasks"), django_capture_on_commit_callbacks(execute=True):
        work.save()

    work.refresh_from_db()
    assert work.title == "Saved all the same"
    assert "given up" in caplog.text and f"work-{work.pk}" in caplog.text
    assert not default_task_backend.supports_defer, "development's immediate backend: nothing to retry on"


def test_a_failed_purge_is_retried_later_with_a_growing_delay(varnish_down, deferring_tasks, settings):
    purge_surrogate_keys.call(["work-1"])
    purge_surrogate_keys.call(["work-1"], attempt=2)

    first, second = deferring_tasks.results
    assert (first.kwargs, second.kwargs) == ({"attempt": 2}, {"attempt": 3})
    assert first.args == [["work-1"]]
    assert second.task.run_after - first.task.run_after > first.task.run_after - first.enqueued_at


def test_a_purge_is_given_up_after_its_last_attempt(varnish_down, deferring_tasks, settings, caplog):
    settings.EDGE_CACHE_PURGE_ATTEMPTS = 3

    purge_surrogate_keys.call(["work-1"], attempt=3)

    assert deferring_tasks.results == []
    assert "attempt 3 of 3), given up" in caplog.text


def test_nothing_is_enqueued_without_an_edge(deferring_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        WorkFactory().save()

    assert deferring_tasks.results == []


class TestPagesTheEdgeKeeps:
    def test_an_articles_form_comes_without_a_token_to_the_edge_and_with_one_to_anyone_else(self, client, settings):
        settings.PAGE_CACHE_SECONDS = 300
        article = ArticleFactory()
        asked = [
            client.get(article.get_absolute_url(), **headers)
            for headers in ({}, {"HTTP_SURROGATE_CAPABILITY": 'varnish="Surrogate/1.0"'}, {})
        ]

        tokens = [comment_form_data(parse(response.content.decode()))["form_token"] for response in asked]
        assert [response["X-Page-Cache"] for response in asked] == ["miss", "hit", "hit"]
        assert tokens[1] == "" and slot("form_token") not in asked[1].content.decode()
        assert all(signing.loads(tokens[i], salt=FORM_TOKEN_SALT) for i in (0, 2)) and tokens[0] != tokens[2]
        assert comment_form(parse(asked[1].content.decode())).attrs["data-values-url"] == "/comments/form/"

    def test_the_edges_gzip_copy_has_no_token_either(self, client, settings):
        settings.PAGE_CACHE_SECONDS = 300
        article = ArticleFactory()
        client.get(article.get_absolute_url())
        edge = {"HTTP_SURROGATE_CAPABILITY": 'varnish="Surrogate/1.0"', "HTTP_ACCEPT_ENCODING": "gzip"}

        response = client.get(article.get_absolute_url(), **edge)

        assert response["Content-Encoding"] == "gzip" and response["X-Page-Cache"] == "hit"
        page = gzip.decompress(response.content).decode()
        assert comment_form_data(parse(page))["form_token"] == "" and slot("form_token") not in page
