"""The admin home: each role's work first (an editor's drafts, what is coming up and their recent edits; a
moderator's comments waiting), in a few queries however much there is."""

from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.utils.admin import change_url
from tests.utils.factories import ArticleFactory, CommentFactory, editor, moderator
from tests.utils.html import get_page

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")
# Measured for a member of both groups: the session, the user, their permissions (two), the comments waiting (a
# count and the newest), their drafts, what is coming up, their recent edits (two), Django's recent actions.
BUDGET = 10


def edited_by(user, article, comment="Changed Title.") -> None:
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(article)


def panel_links(page, panel_id: str) -> list[tuple[str, str]]:
    panel = page.find("section", id=panel_id)
    return [(a.text, a.attrs["href"]) for a in panel.find("ul").find_all("a") if "History" not in a.text]


def draft(author, title: str) -> Article:
    return ArticleFactory(title=title, author=author, status=Article.Status.DRAFT, publish_at=None)


class TestAnEditorsHome:
    def test_their_drafts_the_last_changed_first_link_to_their_forms(self, client):
        ada = editor(username="ada")
        older, newer = draft(ada, "Older draft"), draft(ada, "Newer draft")
        draft(editor(), "Someone else's draft")
        ArticleFactory(title="Published", author=ada)
        client.force_login(ada)

        page = get_page(client, HOME)

        assert panel_links(page, "your-drafts") == [
            ("Newer draft", change_url(newer)),
            ("Older draft", change_url(older)),
        ]
        (all_drafts,) = [
            a.attrs["href"] for a in page.find("section", id="your-drafts").find_all("a") if a.text == "All your drafts"
        ]
        listed = client.get(all_drafts).context["cl"].result_list
        assert sorted(article.title for article in listed) == ["Newer draft", "Older draft"]

    def test_their_recent_edits_come_from_their_revisions_the_latest_first_once_each(self, client):
        ada, ben = editor(username="ada"), editor(username="ben")
        first, second, bens = (
            ArticleFactory(title="First"),
            ArticleFactory(title="Second"),
            ArticleFactory(title="Ben's"),
        )
        edited_by(ada, first)
        edited_by(ada, second)
        edited_by(ada, first, "Changed Standfirst.")
        edited_by(ben, bens)
        client.force_login(ada)

        page = get_page(client, HOME)

        assert panel_links(page, "your-recent-edits") == [("First", change_url(first)), ("Second", change_url(second))]
        history = reverse("admin:articles_article_history", args=[first.pk])
        assert len(page.find("section", id="your-recent-edits").find_all("a", href=history)) == 1

    def test_with_nothing_yet_the_panels_say_so(self, client):
        client.force_login(editor())

        page = get_page(client, HOME)

        assert page.find("section", id="your-drafts").find("p", class_="dashboard-empty").text == "You have no drafts."
        assert "No edits of yours yet." in page.find("section", id="your-recent-edits").text
        assert page.find_all("section", id="awaiting-moderation") == []

    def test_tags_are_called_tags(self, client):
        client.force_login(editor())

        html = client.get(HOME).content.decode()

        assert "Taggit" not in html and "TAGGIT" not in html
        app_captions = [caption.text.strip() for caption in get_page(client, HOME).find_all("caption")]
        assert "Tags" in app_captions


class TestAModeratorsHome:
    def test_the_newest_comments_waiting_with_their_count_link_to_the_queue(self, client):
        older = CommentFactory(
            status=Comment.Status.PENDING, author_name="Bea", created_at=timezone.now() - timedelta(hours=1)
        )
        newer = CommentFactory(status=Comment.Status.PENDING, author_name="Caio", created_at=timezone.now())
        CommentFactory(status=Comment.Status.APPROVED, author_name="Approved already")
        client.force_login(moderator())

        page = get_page(client, HOME)

        panel = page.find("section", id="awaiting-moderation")
        count = panel.find("p", class_="pending-comments").find("a")
        assert (count.text, count.attrs["href"]) == (
            "2 comments awaiting moderation",
            reverse("admin:comments_comment_changelist") + "?status__exact=pending",
        )
        assert panel_links(page, "awaiting-moderation") == [
            ("Caio", reverse("admin:comments_comment_change", args=[newer.pk])),
            ("Bea", reverse("admin:comments_comment_change", args=[older.pk])),
        ]
        assert page.find_all("section", id="your-drafts") == []

    def test_a_moderator_reaches_their_own_author_profile(self, client):
        client.force_login(moderator())

        link = get_page(client, HOME).find("p", class_="dashboard-profile").find("a")

        assert client.get(link.attrs["href"]).status_code == 200


def test_the_home_costs_the_same_few_queries_however_much_work_there_is(client):
    ada = editor(username="ada")
    ada.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(ada)
    client.get(HOME)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    def more_work(n: int) -> None:
        for i in range(n):
            draft(ada, f"Draft {n}-{i}")
            scheduled = ArticleFactory(
                status=Article.Status.SCHEDULED, publish_at=timezone.now() + timedelta(days=i + 1)
            )
            edited_by(ada, scheduled)
            edited_by(ada, scheduled, "Changed Standfirst.")
            CommentFactory(status=Comment.Status.PENDING)

    more_work(1)
    few = queries()
    more_work(8)

    assert queries() == few <= BUDGET
