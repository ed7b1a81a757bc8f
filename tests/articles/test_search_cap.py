"""Past the cap on ranked search results, the count says so rather than pretending to be exact."""

import pytest
from django.urls import reverse

from articles.search import postgres
from tests.utils.clock import ago
from tests.utils.factories import ArticleFactory
from tests.utils.html import get_page

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql("the cap applies to PostgreSQL full-text search")]


def summary(client) -> str:
    return get_page(client, reverse("articles:search", query={"q": "cello"})).find("p", class_="search-summary").text


def test_the_count_says_more_when_the_cap_was_hit(client, committed, monkeypatch):
    with committed():
        for days in range(3):
            ArticleFactory(title=f"The cello, part {days}", publish_at=ago(days=days + 1))
    assert summary(client) == "3 articles for “cello”"

    monkeypatch.setattr(postgres, "SEARCH_MAX_RESULTS", 2)

    assert summary(client) == "2+ articles for “cello”"
