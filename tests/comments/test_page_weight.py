"""The weight of a discussion: a card is sent up to a few hundred times a page, so its markup is kept lean."""

import re

import pytest
from django.test import Client

from tests.utils.discussion import accessible_name, card, comment_item, comment_items, reply_links, report_links
from tests.utils.factories import ArticleFactory, CommentFactory
from tests.utils.html import parse

pytestmark = pytest.mark.django_db

# A card's own markup, its text aside (the writer's name, the date, the body), with a Reply and a Report link, each
# number in it counted as one digit (the ids grow with the table: a card's id is written eight times): about 720
# bytes at first, 480 after a first diet, 342 since the name is written once and the card has no wrapper or class
# it can do without, 310 with the name in <b>, the body's blocks unwrapped, the date's minute in UTC and shorter
# shared labels (docs/PERFORMANCE.md, "Page weight"). Each byte more a card is 133 more on the 200-comment article.
CARD_MARKUP_BYTES = 325
CARD = re.compile(rb'<li (?:class="comment-pending" )?id="comment-\d+">.*?</article>', re.S)
NAME = "Ada Lovelace"


@pytest.fixture
def discussion_page():
    """An article with five threads of two comments: the page's HTML and its comments."""
    article = ArticleFactory()
    threads = CommentFactory.create_batch(5, article=article, author_name=NAME, body="Fine.")
    replies = [
        CommentFactory(article=article, parent=thread, thread=thread, depth=1, author_name=NAME, body="Yes.")
        for thread in threads
    ]
    return Client().get(article.get_absolute_url()).content, threads + replies


def test_each_comment_card_stays_within_its_markup_budget(discussion_page):
    page, comments = discussion_page
    cards = CARD.findall(page)

    assert len(cards) == len(comments) == 10
    for html in cards:
        text = re.search(rb"<p>.*</p>", html, re.S)[0]  # the body: its blocks, with no wrapper
        date = re.search(rb"<time [^>]*>([^<]*)</time>", html)[1]
        markup = len(re.sub(rb"\d+", b"0", html.replace(text, b"").replace(date, b"").replace(NAME.encode(), b"")))
        assert markup <= CARD_MARKUP_BYTES, (markup, html.decode())
        assert html.count(NAME.encode()) == 1, "the writer's name is written once and pointed at"
        assert not re.search(rb">\s+<", html.replace(text, b"")), "whitespace between a card's tags"


def test_the_lean_cards_keep_their_named_article_and_links(discussion_page):
    html, comments = discussion_page
    page = parse(html.decode())

    assert len(comment_items(page)) == len(comments)
    for comment in comments:
        item = comment_item(page, comment)
        (reply,), (report,) = reply_links(item), report_links(item)
        assert accessible_name(page, card(item)) == NAME
        assert accessible_name(page, reply) == f"Reply to {NAME}"
        assert accessible_name(page, report) == f"Report the comment by {NAME}"


def test_every_id_the_page_points_at_is_on_it_once(discussion_page):
    page = parse(discussion_page[0].decode())
    ids = [node.attrs["id"] for node in page.descendants() if node.attrs.get("id")]
    pointed_at = {label for node in page.descendants() for label in (node.attrs.get("aria-labelledby") or "").split()}

    assert len(ids) == len(set(ids))
    assert pointed_at <= set(ids)
    # The words the Reply and Report links share are on the page once, not once a card.
    assert discussion_page[0].count(b">Report the comment by<") == 1
