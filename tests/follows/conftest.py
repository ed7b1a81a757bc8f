import re

import pytest
from taggit.models import Tag

from tests.utils.factories import ArticleFactory, ComposerFactory, WorkFactory

CONFIRM_LINK = re.compile(r"(http://127\.0\.0\.1:8000(/follow/confirm/[^/\s]+/))")


@pytest.fixture
def composer(db):
    return ComposerFactory(name="Mica Levi")


@pytest.fixture
def work(db):
    return WorkFactory(title="Under the Skin", year=2013)


@pytest.fixture
def tag(db):
    return Tag.objects.create(name="strings")


@pytest.fixture
def ask_to_follow(client, django_capture_on_commit_callbacks):
    """Post the follow form of a composer, work or tag, the confirmation task run as the commit would run it."""

    def ask(kind, slug, email="reader@example.org", frequency="daily", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/follow/{kind}/{slug}/", {"email": email, "frequency": frequency}, **extra)

    return ask


@pytest.fixture
def confirmation_path():
    """The path of the confirmation link in a mail."""

    def path_in(message) -> str:
        from tests.utils.mail import text_of

        return CONFIRM_LINK.search(text_of(message))[2]

    return path_in


@pytest.fixture
def article_about():
    """A published article about a work, crediting composers and tagged, published at ``at``."""

    def make(*, at, work=None, composers=(), tags=(), **kwargs):
        article = ArticleFactory(publish_at=at, **({"work": work} if work else {}), **kwargs)
        article.composers.set(composers)
        article.tags.set(list(tags))
        return article

    return make
