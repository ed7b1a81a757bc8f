"""The weight of a discussion: a card is sent up to a few hundred times a page, so its markup is kept lean."""

import re

import pytest
from django.test import Client

from tests.utils.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

# A card's own markup, its text aside (the writer's name three times, the date, the body): about 720 bytes before
# it was made lean, 480 since (docs/PERFORMANCE.md).
CARD_MARKUP_BYTES = 520
CARD = re.compile(rb'<li class="comment" id="comment-\d+">.*?</article>', re.S)


def test_each_comment_card_stays_within_its_markup_budget():
    article = ArticleFactory()
    threads = CommentFactory.create_batch(5, article=article, author_name="Ada Lovelace", body="Fine.")
    for thread in threads:
        CommentFactory(article=article, parent=thread, thread=thread, depth=1, author_name="Ada Lovelace", body="Yes.")

    page = Client().get(article.get_absolute_url()).content
    cards = CARD.findall(page)

    assert len(cards) == 10
    for card in cards:
        text = re.search(rb"<div>(.*)</div>", card, re.S)[1]
        date = re.search(rb"<time [^>]*>([^<]*)</time>", card)[1]
        markup = len(card) - len(text) - len(date) - 3 * len(b"Ada Lovelace")
        assert markup <= CARD_MARKUP_BYTES, card.decode()
        assert not re.search(rb">\s+<", card.replace(text, b"")), "whitespace between a card's tags"
