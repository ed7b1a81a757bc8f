"""The moderation queue as a moderator's client sees it."""

from django.urls import reverse

from comments.models import Comment

QUEUE = reverse("admin:comments_comment_changelist")


def queue(client, query: str = "") -> list[Comment]:
    response = client.get(QUEUE + query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def bodies_in_queue(client, query: str = "") -> list[str]:
    return [comment.body for comment in queue(client, query)]
