"""The comment cards: the nested list of comments under an article, rendered fast enough for the pages the page
cache cannot serve.

A comment's card looks the same to every reader who did not write it: it is rendered once, cached under a key
made from everything it shows, and a page fetches all its cards with one ``get_many``. The cards of the reader's
own comments (edit and delete links, no report link, a pending notice) are rendered for them on each request.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pagecache.fragments import fragment_key

from .models import Comment
from .threads import Node

CARD_TEMPLATE = "comments/card.html"
CONFIRMATION_TEMPLATE = "comments/confirmation.html"
CARD_TIMEOUT = 7 * 24 * 60 * 60


def _walk(nodes: list[Node]):
    for node in nodes:
        yield node
        yield from _walk(node.replies)


class CommentList:
    """The nested ``<ol>`` of comments: one ``<li>`` per comment, its replies in an ``<ol>`` inside it (known by
    its place, ``li[id^=comment-] > ol``, as the item is by its id and the card's body as its own blocks between
    the name and date and the links: no class or wrapper repeated on every one)."""

    def __init__(self, roots: list[Node], *, page: int, comments_open: bool, confirmation: tuple | None = None):
        """``confirmation``: (a comment's pk, the messages that thank its writer), shown at the top of its item."""
        self.roots = roots
        self.confirmation = confirmation
        self.context = {"page": page, "comments_open": comments_open, "max_depth": settings.COMMENTS_MAX_DEPTH}
        self.time_zone = timezone.get_current_timezone_name()  # the card shows local times
        self.template = get_template(CARD_TEMPLATE)

    def card_key(self, comment: Comment) -> str:
        """A key that changes whenever anything the card shows changes: an edit, a moderation decision, a renamed
        track, a thread moving to another page, even a row changed behind the application's back (so nothing has
        to remember to invalidate it)."""
        featured = comment.favourite_track
        shown = (
            comment.pk,
            comment.status,
            comment.depth,
            comment.author_name,
            comment.created_at,
            comment.edited_at,
            comment.body_html,
            featured and (featured.position, featured.track.title),
            self.time_zone,
            *self.context.values(),
        )
        return fragment_key("comment-card", templates=(CARD_TEMPLATE,), shown=shown)

    def _render_card(self, node: Node) -> str:
        context = self.context | {"comment": node.comment, "own": node.own, "editable": node.editable}
        return self.template.render(context)

    def cards(self) -> dict[int, SafeString]:
        """Each comment's card by pk: the reader's own rendered now, the others from the cache or rendered once."""
        nodes = list(_walk(self.roots))
        html = {node.comment.pk: self._render_card(node) for node in nodes if node.own}
        keys = {node.comment.pk: self.card_key(node.comment) for node in nodes if not node.own}
        cached = cache.get_many(keys.values())
        missing = {
            key: self._render_card(node) for node in nodes if (key := keys.get(node.comment.pk)) and key not in cached
        }
        cache.set_many(missing, CARD_TIMEOUT)
        cached |= missing
        html |= {pk: cached[key] for pk, key in keys.items()}
        # Only this class puts cards in the cache, rendered by the card template (comment_html sanitizes the body).
        return {pk: mark_safe(card) for pk, card in html.items()}  # noqa: S308

    def render(self) -> SafeString:
        self._cards = self.cards()
        return self._items(self.roots)

    def _items(self, nodes: list[Node]) -> SafeString:
        return format_html_join("", "{}", ((self._item(node),) for node in nodes))

    def _item(self, node: Node) -> SafeString:
        comment = node.comment
        confirmed_id, confirmation = self.confirmation or (None, [])
        item = '<li id="{}">{}{}{}</li>' if comment.is_public else '<li class="comment-pending" id="{}">{}{}{}</li>'
        return format_html(
            item,
            comment.anchor,
            render_to_string(CONFIRMATION_TEMPLATE, {"messages": confirmation}) if comment.pk == confirmed_id else "",
            self._cards[comment.pk],
            format_html("<ol>{}</ol>", self._items(node.replies)) if node.replies else "",
        )
