"""Purging the edge: a failure never reaches a save, is retried later where the task backend can defer, and the
per-view slots an edge includes."""

import logging

import pytest
from django.core import signing
from django.tasks import default_task_backend, task_backends

from comments.forms import FORM_TOKEN_SALT
from pagecache.slots import slot
from pagecache.tasks import purge_surrogate_keys
from pagecache.views import signed_element
from reliability.servers import free_port
from tests.utils.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varnish_down(settings):
    settings.EDGE_CACHE_BACKEND = "varnish"
    settings.EDGE_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]  # nothing listens there
    settings.EDGE_CACHE_PURGE_TIMEOUT = 0.5


@pytest.fixture
def deferring_tasks(settings):
    """A task backend that keeps tasks, run_after included, instead of running them (Django's dummy backend)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    yield task_backends["default"]
    task_backends["default"].clear()


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


class TestSlotValues:
    def test_a_slots_value_alone(self, client):
        response = client.get("/slots/form_token")

        assert response["Content-Type"] == "text/plain" and response["Cache-Control"].endswith("s-maxage=1")
        assert signing.loads(response.content.decode(), salt=FORM_TOKEN_SALT)["t"]

    def test_the_element_that_holds_it(self, client):
        element = f'<input type="hidden" name="form_token" value="{slot("form_token")}">'

        response = client.get("/slots/form_token", {"element": signed_element(element)})

        token = response.content.decode().split('value="')[1].split('"')[0]
        assert response.content.decode() == element.replace(slot("form_token"), token)
        assert signing.loads(token, salt=FORM_TOKEN_SALT)

    def test_no_other_element_and_no_other_slot(self, client):
        assert client.get("/slots/form_token", {"element": "<script>alert(1)</script>"}).status_code == 404
        assert client.get("/slots/author_email").status_code == 404
