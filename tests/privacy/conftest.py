import re
from types import SimpleNamespace

import pytest

from tests.utils.factories import ArticleFactory, CommentFactory


@pytest.fixture
def discussion():
    """Ada's comments among others': a thread she began that Ben answered and she answered back, and a comment of
    hers nobody answered, on another article."""
    article = ArticleFactory(title="The Glass Orchard")
    ada = {"author_name": "Ada", "author_email": "ada@example.org", "ip_address": "192.0.2.10"}
    thread = CommentFactory(article=article, body="The choir!", notify_replies=True, user_agent="Firefox", **ada)
    ben = CommentFactory(parent=thread, author_name="Ben", author_email="ben@example.org", body="Yes, the choir.")
    answer = CommentFactory(parent=ben, body="Glad you agree.", **ada | {"author_email": "Ada@Example.org"})
    alone = CommentFactory(article=ArticleFactory(title="Dune"), body="Those drums.", **ada)
    return SimpleNamespace(article=article, thread=thread, ben=ben, answer=answer, alone=alone)


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Post the privacy request form as a reader does, running what the request leaves for after its commit (the
    task that emails the link runs at once in the tests)."""

    def post(email: str, what: str = "export", client=client):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/privacy/request/", {"email": email, "what": what})

    return post


@pytest.fixture
def link_in(settings):
    """The path of the privacy link in an email's plain text: ``link_in(message)``."""
    from tests.utils.mail import text_of

    def path(message) -> str:
        return re.search(re.escape(settings.SITE_URL) + r"(/privacy/\S+/)", text_of(message))[1]

    return path
