"""The demo discussion: what `make run` shows under the demo article, and what it leaves for moderators."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.demo import DEMO_ARTICLE_SLUG
from articles.models import Article
from comments.models import Comment, ModerationEvent
from tests.utils.discussion import author, elements
from tests.utils.factories import moderator
from tests.utils.html import Node, get_page

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out, no_color=True)
    return out.getvalue()


@pytest.fixture
def demo() -> Article:
    run("load_demo_content")
    assert "Added 5 demo comments." in run("load_demo_discussion")
    return Article.objects.get(slug=DEMO_ARTICLE_SLUG)


def authors(ol: Node) -> list[tuple[str, list]]:
    """The discussion as (author, replies) pairs, read from how the lists nest."""
    result = []
    for item in elements(ol, "li"):
        replies = elements(item, "ol")
        result.append((author(item).text, authors(replies[0]) if replies else []))
    return result


def test_the_demo_article_shows_an_approved_threaded_discussion(client, demo):
    page = get_page(client, demo.get_absolute_url())

    assert page.find("h2", id="comments-heading").text == "4 comments"
    assert authors(page.find("ol", class_="comment-list")) == [
        ("Mara Lindqvist", [("Tomás Reyes", [("Mara Lindqvist", [])])]),
        ("June Okafor", []),
    ]
    assert page.find_all("li", class_="comment-pending") == []


def test_the_demo_comments_pick_featured_tracks_and_the_tally_counts_them(client, demo):
    page = get_page(client, demo.get_absolute_url())

    picks = [pick.text for pick in page.find_all("p", class_="comment-pick")]
    assert picks == [
        "Track that stood out: The Glass Orchard (Main Theme)",
        "Track that stood out: Harvest of Light",
        "Track that stood out: Bellows and Breath",
    ]
    tally = {
        item.find("a").text: item.find("span", class_="favourite-count").text
        for item in page.find("section", class_="favourite-tracks").find_all("li")
    }
    assert tally["The Glass Orchard (Main Theme)"] == tally["Harvest of Light"] == "1 pick"
    assert tally["Bellows and Breath"] == "1 pick"
    assert tally["Unravelling"] == "0 picks"  # only the pending comment picked it
    assert set(tally) == {featured.track.title for featured in demo.featured_tracks.all()}


def test_one_demo_comment_hides_a_spoiler(client, demo):
    page = get_page(client, demo.get_absolute_url())

    (spoiler,) = page.find("section", id="comments").find_all("label", class_="spoiler")
    toggle, text = [child for child in spoiler.children if isinstance(child, Node)]
    assert (toggle.tag, toggle.attrs["type"], toggle.attrs["class"]) == (
        "input",
        "checkbox",
        "spoiler-toggle",
    )
    assert text.attrs["class"] == "spoiler-text"
    assert text.text.startswith("When the keeper finally opens the glasshouse")


def test_the_pending_demo_comment_waits_in_the_moderation_queue_not_on_the_page(client, demo):
    pending = Comment.objects.in_moderation().get()
    assert pending.author_name == "Ash Patel"
    assert "vinyl" not in get_page(client, demo.get_absolute_url()).find("section", id="comments").text

    client.force_login(moderator())
    response = client.get(f"{QUEUE}?status__exact=pending")

    assert list(response.context["cl"].result_list) == [pending]
    assert get_page(client, reverse("admin:index")).find("p", class_="pending-comments").text == (
        "1 comment awaiting moderation"
    )


def test_each_demo_comment_has_its_moderation_event(demo):
    for comment in Comment.objects.all():
        event = comment.events.get()
        assert (event.rule, event.to_status) == ("demo_content", comment.status)


def test_running_it_again_adds_nothing(demo):
    comments, events = Comment.objects.count(), ModerationEvent.objects.count()

    output = run("load_demo_discussion")

    assert "already there" in output
    assert (Comment.objects.count(), ModerationEvent.objects.count()) == (comments, events)


def test_without_the_demo_article_it_adds_nothing():
    output = run("load_demo_discussion")

    assert "there is no demo article" in output
    assert not Comment.objects.exists()
