"""Staff answer privacy requests from the comment queue: export or erase the selected comments' writers' data, each
recorded as an audit event, which the admin shows read only. Only those allowed (the Moderators) can."""

import json

import pytest
from django.urls import reverse

from comments.models import Comment
from follows.models import Follow
from privacy.models import PrivacyEvent, address_digest
from tests.utils.factories import ComposerFactory, UserFactory, editor

pytestmark = pytest.mark.django_db

# The approved tab: the queue opens on the pending comments, and an action acts on the selected comments it lists.
QUEUE = reverse("admin:comments_comment_changelist") + "?status__exact=approved"


def act(client, action: str, *comments, **extra):
    return client.post(QUEUE, {"action": action, "_selected_action": [c.pk for c in comments], **extra})


def test_a_moderator_downloads_the_selected_writers_data_as_json(client, signed_in_moderator, discussion):
    response = act(client, "export_personal_data", discussion.thread, discussion.answer, discussion.ben)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    people = json.loads(response.content)["people"]
    assert [person["email"] for person in people] == ["ada@example.org", "ben@example.org"]
    assert [len(person["comments"]) for person in people] == [3, 1]
    events = PrivacyEvent.objects.order_by("pk")
    assert [(e.action, e.actor, e.records) for e in events] == [
        ("export", signed_in_moderator, {"comments": 3, "follows": 0}),
        ("export", signed_in_moderator, {"comments": 1, "follows": 0}),
    ]
    assert events[0].address_digest == address_digest("ada@example.org")


def test_erasing_from_the_queue_asks_first_then_erases_and_records_it(
    client, signed_in_moderator, discussion, settings
):
    settings.PRIVACY_ERASURE = "anonymise"
    confirm = act(client, "erase_personal_data", discussion.alone)

    assert confirm.status_code == 200
    assert b"ada@example.org" in confirm.content and b"3 comments" in confirm.content
    assert Comment.objects.by_address("ada@example.org").count() == 3

    done = act(client, "erase_personal_data", discussion.alone, post="yes")

    assert done.status_code == 302
    assert not Comment.objects.by_address("ada@example.org").exists()
    assert Comment.objects.filter(author_name="Anonymous").count() == 3
    event = PrivacyEvent.objects.get()
    assert (event.action, event.actor, event.records) == ("erase", signed_in_moderator, {"comments": 3, "follows": 0})
    assert "Erased the data of 1 address." in client.get(QUEUE).content.decode()


def test_the_audit_trail_is_shown_read_only(client, signed_in_moderator, discussion):
    act(client, "export_personal_data", discussion.thread)
    event = PrivacyEvent.objects.get()

    listing = client.get(reverse("admin:privacy_privacyevent_changelist"))
    page = client.get(reverse("admin:privacy_privacyevent_change", args=[event.pk]))

    assert listing.status_code == page.status_code == 200
    assert b"ada@example.org" not in page.content
    assert b'name="_save"' not in page.content
    assert client.post(reverse("admin:privacy_privacyevent_delete", args=[event.pk])).status_code == 403


def test_too_many_addresses_at_once_are_refused(client, signed_in_moderator):
    from tests.utils.factories import CommentFactory

    comments = CommentFactory.create_batch(21)

    response = act(client, "erase_personal_data", *comments, post="yes")

    assert response.status_code == 302
    assert Comment.objects.exclude(author_name="Anonymous").count() == 21
    assert not PrivacyEvent.objects.exists()
    assert "come from 21 addresses: select the comments of at most 20" in client.get(QUEUE).content.decode()


@pytest.mark.parametrize("who", ["editor", "staff without a group", "reader"])
def test_those_not_allowed_can_neither_export_nor_erase(client, discussion, who):
    user = {
        "editor": editor,
        "staff without a group": lambda: UserFactory(is_staff=True),
        "reader": UserFactory,
    }[who]()
    client.force_login(user)

    exported = act(client, "export_personal_data", discussion.thread)
    erased = act(client, "erase_personal_data", discussion.thread, post="yes")

    assert not exported.get("Content-Disposition")
    assert erased.status_code in (302, 403)
    assert Comment.objects.by_address("ada@example.org").count() == 3
    assert not PrivacyEvent.objects.exists()


def test_a_superuser_may_too(client, signed_in_superuser, discussion):
    response = act(client, "export_personal_data", discussion.thread)

    assert json.loads(response.content)["people"][0]["email"] == "ada@example.org"


BY_ADDRESS = reverse("admin:privacy_privacyevent_by_address")


@pytest.fixture
def follower():
    """Someone who follows a composer and never commented: the comment queue cannot select them."""
    return Follow.objects.create(email="cy@example.org", composer=ComposerFactory(name="Mica Levi"), frequency="daily")


def test_a_moderator_exports_any_addresss_data_from_the_audit_trails_page(client, signed_in_moderator, follower):
    assert BY_ADDRESS in client.get(reverse("admin:privacy_privacyevent_changelist")).content.decode()

    response = client.post(BY_ADDRESS, {"email": "Cy@Example.org", "what": "export"})

    assert response["Content-Disposition"].startswith("attachment;")
    [person] = json.loads(response.content)["people"]
    assert person["email"] == "cy@example.org"
    assert [follow["name"] for follow in person["follows"]] == ["Mica Levi"]
    assert PrivacyEvent.objects.get().records == {"comments": 0, "follows": 1}


def test_erasing_an_address_from_the_audit_trails_page_asks_first(client, signed_in_moderator, follower):
    asked = client.post(BY_ADDRESS, {"email": "cy@example.org", "what": "erase"})

    assert asked.status_code == 200 and "Yes, erase its data" in asked.content.decode()
    assert Follow.objects.exists() and not PrivacyEvent.objects.exists()

    done = client.post(BY_ADDRESS, {"email": "cy@example.org", "what": "erase", "post": "yes"}, follow=True)

    assert "Erased the data of cy@example.org: 0 comments, 1 follows." in done.content.decode()
    assert not Follow.objects.exists()
    event = PrivacyEvent.objects.get()
    assert (event.action, event.actor, event.records) == ("erase", signed_in_moderator, {"comments": 0, "follows": 1})


def test_a_bad_address_is_told_on_the_form_and_nothing_is_done(client, signed_in_moderator, follower):
    response = client.post(BY_ADDRESS, {"email": "not an address", "what": "erase", "post": "yes"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not PrivacyEvent.objects.exists()


def test_editors_cannot_open_the_address_page(client, follower):
    client.force_login(editor())

    assert client.get(BY_ADDRESS).status_code == 403
    assert client.post(BY_ADDRESS, {"email": "cy@example.org", "what": "erase", "post": "yes"}).status_code == 403
