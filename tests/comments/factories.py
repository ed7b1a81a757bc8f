"""Factories for the discussion: comments straight into the database, without the moderation rules.

To see what the rules decide, post through ``comments.services.create_comment`` instead.
"""

import ipaddress

import factory

from comments.markup import render_comment
from comments.models import Comment, CommentReport
from tests.factories import ArticleFactory


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment; pass ``parent=`` for a reply (thread and depth follow the parent)."""

    class Meta:
        model = Comment

    article = factory.LazyAttribute(lambda comment: comment.parent.article if comment.parent else ArticleFactory())
    parent = None
    thread = factory.LazyAttribute(
        lambda comment: (comment.parent.thread or comment.parent) if comment.parent else None
    )
    depth = factory.LazyAttribute(lambda comment: comment.parent.depth + 1 if comment.parent else 0)
    author_name = factory.Sequence(lambda n: f"Listener {n}")
    author_email = factory.Sequence(lambda n: f"listener{n}@example.com")
    body = "The main theme stayed with me for days."
    body_html = factory.LazyAttribute(lambda comment: render_comment(comment.body))
    status = Comment.Status.APPROVED
    ip_address = "198.51.100.7"


class CommentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommentReport

    comment = factory.SubFactory(CommentFactory)
    reporter_key = factory.Sequence(lambda n: f"session:reader-{n}")
    ip_address = factory.Sequence(lambda n: str(ipaddress.ip_address("192.0.2.0") + n % 256 + (n // 256 << 8)))
    network = factory.SelfAttribute("ip_address")
    reason = CommentReport.Reason.SPAM
