import pytest


@pytest.fixture
def own_client():
    """Make a browser that posted the given comments, as its cookie notes them: ``own_client(comment)``."""
    from django.test import Client

    from tests.utils.discussion import remember_as_own

    def browser_that_posted(*comments) -> Client:
        client = Client()
        remember_as_own(client, *comments)
        return client

    return browser_that_posted
