"""The search page as a reader's client sees it."""

from django.urls import reverse

from tests.utils.html import get_page


def search_url(query: str, **params) -> str:
    return reverse("articles:search", query={"q": query, **params})


def result_titles(client, query: str, **params) -> list[str]:
    page = get_page(client, search_url(query, **params))
    return [result.find("h2").text for result in page.find_all("li", class_="search-result")]
