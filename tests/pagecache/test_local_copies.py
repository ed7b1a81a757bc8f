"""Each process keeps copies of the pages it served last, and sends one only while the shared cache holds the same."""

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from pagecache import lookup
from pagecache.stored import LocalCopies, StoredPage
from tests.utils.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


def test_a_page_stored_again_by_another_process_replaces_this_processs_copy(monkeypatch):
    article = ArticleFactory()
    client = Client()
    client.get(article.get_absolute_url())
    this_process = lookup.local_copies
    monkeypatch.setattr(lookup, "local_copies", LocalCopies(lookup.LOCAL_PAGES))  # another process, its own copies

    SectionFactory(article=article, heading="A section added since")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"  # it stores the new page

    monkeypatch.setattr(lookup, "local_copies", this_process)
    again = client.get(article.get_absolute_url())
    assert again["X-Page-Cache"] == "hit" and b"A section added since" in again.content


def test_a_copy_is_not_sent_once_the_shared_cache_has_lost_the_page():
    client = Client()
    with time_machine.travel("2026-06-01 12:00", tick=False):  # the stamps come back with the same time
        article = ArticleFactory()
        client.get(article.get_absolute_url())
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
        cache.clear()

        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_process_keeps_only_the_pages_it_sent_last():
    copies = LocalCopies(size=2)
    first, second, third = (StoredPage((), str(n), (), "", (b"page",)) for n in range(3))
    copies.keep("a", first)
    copies.keep("b", second)
    copies.keep("a", first)  # sent again: now the newest
    copies.keep("c", third)

    assert (copies.get("a"), copies.get("b"), copies.get("c")) == (first, None, third)
