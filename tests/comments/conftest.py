import pytest


@pytest.fixture
def own_client():
    """Make a browser that posted the given comments, as its session remembers them: ``own_client(comment)``."""
    from django.test import Client

    from comments.own_comments import SESSION_KEY

    def browser_that_posted(*comments) -> Client:
        client = Client()
        client.get("/")
        session = client.session
        session[SESSION_KEY] = [comment.pk for comment in comments]
        session.save()
        client.cookies["sessionid"] = session.session_key
        return client

    return browser_that_posted
