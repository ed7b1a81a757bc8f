"""Small factories for the test suite: build the rows a test needs, nothing more.

Comments go straight into the database, without the moderation rules; to see what the rules decide, post through
``comments.services.create_comment`` instead.
"""

import ipaddress
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Composer, FeaturedTrack, Section, Track, Work
from comments.markup import render_comment
from comments.models import Comment, CommentReport


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def editor(**kwargs):
    return UserFactory(is_staff=True, groups=["Editors"], **kwargs)


def moderator(**kwargs):
    return UserFactory(is_staff=True, groups=["Moderators"], **kwargs)


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Work

    title = factory.Sequence(lambda n: f"Work {n}")
    year = 2017
    kind = Work.Kind.FILM


class ComposerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Composer

    name = factory.Sequence(lambda n: f"Composer {n}")
    bio = "A composer of *scores*."


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    work = factory.SubFactory(WorkFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Track {n}")
    duration = timedelta(minutes=3, seconds=30)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Why score {n} deserves more recognition")
    standfirst = "An *underrated* score."
    work = factory.SubFactory(WorkFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    heading = factory.Sequence(lambda n: f"Section {n}")
    body = "Some **bold** words about the music."


class FeaturedTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeaturedTrack

    article = factory.SubFactory(ArticleFactory)
    track = factory.LazyAttribute(lambda featured: TrackFactory(work=featured.article.work))
    note = "Listen for the *cello*."


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
