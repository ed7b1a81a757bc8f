"""Reports that cannot be turned into a weapon (the outside scan's finding: three cookie-less reports from one
address used to take any approved comment off the page). Through the test client, with CSRF checks enforced as a
browser meets them."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, CommentReport
from tests.utils.factories import ArticleFactory, CommentFactory
from tests.utils.html import get_page, parse

pytestmark = pytest.mark.django_db

APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING


@pytest.fixture
def comment() -> Comment:
    return CommentFactory(article=ArticleFactory(), body="A fair point about the **brass**.")


def report_url(comment: Comment) -> str:
    return reverse("comments:report", args=[comment.pk])


def browser(**defaults) -> Client:
    """A new browser with no cookies, checking CSRF as Django does for real requests."""
    return Client(enforce_csrf_checks=True, **defaults)


def report_as_a_reader(client: Client, comment: Comment, **data):
    """Open the report page (which sets the CSRF cookie), then send its form."""
    form = get_page(client, report_url(comment)).find("form", method="post")
    token = form.find("input", name="csrfmiddlewaretoken").attrs["value"]
    return client.post(report_url(comment), {"reason": "abuse", "csrfmiddlewaretoken": token} | data, follow=True)


def messages_on(response) -> list[str]:
    return [item.text for item in parse(response).find_all("li", class_="message")]


def is_on_the_article_page(comment: Comment) -> bool:
    page = get_page(Client(), comment.article.get_absolute_url())
    return page.find_all("li", id=comment.anchor) != []


def test_three_cookie_less_reports_from_one_address_leave_the_comment_public(comment):
    answers = [browser().post(report_url(comment), {"reason": "abuse"}).status_code for _ in range(3)]

    assert answers == [403, 403, 403]
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (APPROVED, 0)
    assert is_on_the_article_page(comment)


def test_three_fresh_browsers_on_one_address_count_as_one_report(comment):
    responses = [report_as_a_reader(browser(REMOTE_ADDR="203.0.113.5"), comment) for _ in range(3)]

    assert [messages_on(response) for response in responses] == [
        ["Thank you: the moderators will look at this comment."],
        ["You have already reported this comment."],
        ["You have already reported this comment."],
    ]
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (APPROVED, 1)
    assert is_on_the_article_page(comment)


def test_readers_at_three_addresses_send_it_back_to_the_queue(comment):
    for n in range(3):
        report_as_a_reader(browser(REMOTE_ADDR=f"203.0.113.{n + 1}"), comment)

    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (PENDING, 3)
    assert not is_on_the_article_page(comment)


def test_behind_a_proxy_the_forwarded_client_address_is_what_counts(comment, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for forged in ("6.6.6.1", "6.6.6.2", "6.6.6.3"):  # one client forging the left part of the header
        report_as_a_reader(browser(**proxy, HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.9"), comment)
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (APPROVED, 1)
    assert list(CommentReport.objects.values_list("network", flat=True)) == ["198.51.100.9"]

    for client_address in ("198.51.100.10", "198.51.100.11"):
        report_as_a_reader(browser(**proxy, HTTP_X_FORWARDED_FOR=client_address), comment)

    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (PENDING, 3)


def test_another_sites_page_cannot_make_its_visitors_report(comment):
    visitor = browser(REMOTE_ADDR="203.0.113.20")
    visitor.get(report_url(comment))  # an earlier visit: the visitor has the site's CSRF cookie
    attacker = browser(REMOTE_ADDR="192.0.2.66")
    stolen = get_page(attacker, report_url(comment)).find("input", name="csrfmiddlewaretoken").attrs["value"]

    without_token = visitor.post(report_url(comment), {"reason": "abuse"}, headers={"origin": "https://evil.example"})
    with_the_attackers_token = visitor.post(report_url(comment), {"reason": "abuse", "csrfmiddlewaretoken": stolen})

    assert (without_token.status_code, with_the_attackers_token.status_code) == (403, 403)
    assert not CommentReport.objects.exists()


def test_an_address_over_the_report_limit_is_told_to_wait_and_keeps_its_note(settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = 1
    first, second = CommentFactory.create_batch(2, article=ArticleFactory())
    reader = browser(REMOTE_ADDR="203.0.113.30")
    report_as_a_reader(reader, first)

    response = report_as_a_reader(reader, second, note="Spoils the ending of the film.")

    assert response.status_code == 429
    page = parse(response)
    refusal = page.find("ul", class_="errorlist").text
    assert refusal.startswith("You have sent many reports recently: at most 1 every 60 minutes.")
    assert page.find("textarea", name="note").text == "Spoils the ending of the film."
    assert not second.reports.exists()
