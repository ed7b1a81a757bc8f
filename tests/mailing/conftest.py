from pathlib import Path

import pytest

from mailing import lists
from mailing.messages import compose

TEMPLATES = Path(__file__).parent / "templates"


class ExampleList:
    """A kind of mailing list of the tests' own, registered as an app registers its kinds."""

    def __init__(self):
        self.subscribed: set[tuple[str, str]] = set()

    def describe(self, key: str) -> str | None:
        return f"example mail number {key}" if key else "every example mail"

    def unsubscribe(self, email: str, key: str) -> None:
        self.subscribed = {(e, k) for e, k in self.subscribed if not (e == email and (k == key or not key))}


@pytest.fixture
def example_list():
    example = ExampleList()
    lists.register("example", describe=example.describe, unsubscribe=example.unsubscribe)
    yield example
    lists._kinds.pop("example")


@pytest.fixture
def example_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]},
        *settings.TEMPLATES[1:],
    ]


@pytest.fixture
def example():
    """An email of the example templates, to ``to``."""

    def make(to="reader@example.org", **kwargs):
        context = {"name": "Ana", "title": 'Dune\'s "drums" & <voices>', "link": "https://soundtrack.example/a/dune/"}
        return compose(to=to, subject="An example", template="example", context=context, **kwargs)

    return make
