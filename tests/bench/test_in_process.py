"""The in-process reading of one kind of request: a GET through the site's WSGI application, as a browser sends it."""

import pytest

from bench.in_process import call
from soundtrack_site.wsgi import application
from tests.utils.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the application opens its own connection's transactions


def test_a_get_through_the_wsgi_application_gives_its_status_and_the_bytes_sent(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # the bench's (bench.servers.environment)
    article = ArticleFactory(title="Read in process")

    status, sent, _queries = call(application, article.get_absolute_url(), {"HTTP_ACCEPT_ENCODING": "gzip"})
    plain_status, plain_sent, _queries = call(application, article.get_absolute_url(), {})

    assert status == plain_status == "200 OK"
    assert 0 < sent < plain_sent / 2  # compressed, as a browser that takes gzip gets it
