"""Revisions of articles (django-reversion): one per save with its author, a readable diff, and restoring one."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article
from articles.revisions import last_edit, versions_of
from articles.revisions.changes import text_diff
from tests.utils.admin import change_url, form_data
from tests.utils.factories import (
    ArticleFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
    moderator,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def history_url(article) -> str:
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article, old, new) -> str:
    return f"{reverse('admin:articles_article_compare', args=[article.pk])}?old={old.pk}&new={new.pk}"


def restore_url(article, version) -> str:
    return reverse("admin:articles_article_restore", args=[article.pk, version.pk])


@pytest.fixture
def article():
    article = ArticleFactory(title="Arrival, heard again", status=Article.Status.DRAFT, publish_at=None)
    SectionFactory(article=article, heading="The heptapod chorus", body="Voices without words.", position=1)
    track = TrackFactory(work=article.work, title="On the Nature")
    FeaturedTrackFactory(article=article, track=track, position=1, note="The *cello*.")
    article.tags.add("strings")
    return article


def save_with(client, article, **changes) -> dict[str, list[str]]:
    """Submit the article's change form as shown, with these fields changed; return what was posted."""
    data = form_data(client.get(change_url(article)))
    data.update({name: [value] if isinstance(value, str) else value for name, value in changes.items()})
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    return data


class TestARevisionPerSave:
    def test_adding_an_article_keeps_its_first_revision_with_the_editor(self, client, signed_in_ada):
        work = WorkFactory()
        data = form_data(client.get(ADD))
        data.update(
            {
                "title": ["Why Greenpath glows"],
                "standfirst": ["A small theme."],
                "work": [str(work.pk)],
                "sections-TOTAL_FORMS": ["1"],
                "sections-0-heading": ["The viola"],
                "sections-0-body": ["It leads."],
            }
        )

        assertRedirects(client.post(ADD, data), CHANGELIST)

        article = Article.objects.get()
        [version] = versions_of(article)
        assert version.revision.user == signed_in_ada
        assert version.revision.get_comment() == "Added. Added section “The viola”."
        assert [part.object_repr for part in version.revision.version_set.exclude(pk=version.pk)] == ["The viola"]

    def test_every_save_keeps_a_revision_with_who_and_what(self, client, signed_in_ada, article):
        save_with(client, article, title="Arrival, heard twice")
        save_with(client, article, **{"sections-0-body": "Voices, and a cello."})

        versions = list(versions_of(article))
        assert len(versions) == 2
        assert {version.revision.user for version in versions} == {signed_in_ada}
        assert [version.revision.get_comment() for version in versions] == [
            "Changed Body for section “The heptapod chorus”.",
            "Changed Title.",
        ]
        assert versions[1].field_dict["title"] == "Arrival, heard twice"

    def test_a_revision_holds_the_sections_featured_tracks_and_tags_as_saved(self, client, signed_in_ada, article):
        save_with(client, article, **{"sections-0-body": "New words.", "tags": "strings, choir"})

        version = versions_of(article).first()
        parts = {part.content_type.model: part for part in version.revision.version_set.exclude(pk=version.pk)}
        assert parts["section"].field_dict["body"] == "New words."
        assert parts["featuredtrack"].field_dict["note"] == "The *cello*."
        tag_versions = version.revision.version_set.filter(content_type__model="taggeditem")
        assert sorted(part.object_repr.split(" tagged with ")[1] for part in tag_versions) == ["choir", "strings"]

    def test_a_refused_save_keeps_no_revision(self, client, signed_in_ada, article):
        data = form_data(client.get(change_url(article)))
        data["title"] = [""]

        assert client.post(change_url(article), data).status_code == 200
        assert not versions_of(article).exists()

    @pytest.mark.parametrize(
        ("action", "status", "comment"),
        [
            ("publish", Article.Status.PUBLISHED, "Published with the bulk action."),
            ("unpublish", Article.Status.DRAFT, "Unpublished with the bulk action."),
        ],
    )
    def test_the_bulk_actions_keep_a_revision_of_each_article_they_change(
        self, client, signed_in_ada, action, status, comment
    ):
        first, second = ArticleFactory.create_batch(2, status=Article.Status.SCHEDULED)
        untouched = ArticleFactory()

        client.post(CHANGELIST, {"action": action, "_selected_action": [first.pk, second.pk]})

        for article in (first, second):
            [version] = versions_of(article)
            assert version.field_dict["status"] == status
            assert (version.revision.user, version.revision.comment) == (signed_in_ada, comment)
            assert version.revision.version_set.filter(content_type__model="article").count() == 1
        assert not versions_of(untouched).exists()

    def test_the_change_form_says_who_last_edited_the_article_and_when(self, client, signed_in_ada, article):
        save_with(client, article, title="Arrival, heard twice")
        edit = last_edit(article)

        response = client.get(change_url(article))

        assert edit.user == signed_in_ada
        edited_at = edit.at.replace(microsecond=0)
        assertContains(
            response,
            f'<p class="last-edit">Last edited by Ada Lovelace on <time datetime="{edited_at.isoformat()}">'
            f"{edit.when}</time></p>",
            html=True,
        )

    def test_an_article_no_revision_kept_shows_when_it_was_last_saved(self, client, signed_in_ada, article):
        response = client.get(change_url(article))

        assertContains(response, "Last saved on")


class TestHistoryAndDiff:
    @pytest.fixture
    def two_versions(self, client, signed_in_ada, article):
        save_with(client, article, title="Arrival, <b>heard</b> again")
        save_with(
            client,
            article,
            title="Arrival, <b>heard</b> twice",
            **{
                "sections-0-body": "Voices without words, then a cello.",
                "featured_tracks-0-DELETE": "on",
                "sections-TOTAL_FORMS": "2",
                "sections-1-heading": "The ending",
                "sections-1-body": "Quiet & slow.",
                "sections-1-numbered": "on",
            },
        )
        newer, older = versions_of(article)
        return older, newer

    def test_the_history_lists_each_revision_with_its_author_and_time(self, client, article, two_versions):
        older, newer = two_versions

        response = client.get(history_url(article))

        assertContains(response, "<td>Ada Lovelace</td>", count=2, html=True)
        for version in (older, newer):
            assertContains(response, f'<input type="radio" name="old" value="{version.pk}"')
        assertContains(response, f'href="{compare_url(article, older, newer).replace("&", "&amp;")}"')
        assertContains(response, '<input type="submit" value="Compare the chosen revisions">', html=True)

    def test_the_diff_shows_each_changed_field_and_section_escaped(self, client, article, two_versions):
        older, newer = two_versions

        response = client.get(compare_url(article, older, newer))

        assert response.status_code == 200
        assertContains(
            response,
            '<tr><th scope="row">Title</th><td class="diff">Arrival, &lt;b&gt;heard&lt;/b&gt; '
            "<del>again</del><ins>twice</ins></td></tr>",
            html=True,
        )
        assertContains(
            response,
            '<tr><th scope="row">Body</th><td class="diff">Voices without words<ins>, then a cello</ins>.</td></tr>',
            html=True,
        )
        assertContains(response, 'Section 2: The ending <span class="diff-kind">(added)</span>', html=True)
        assertContains(response, '<td class="diff"><ins>Quiet &amp; slow.</ins></td>', html=True)
        assertContains(response, 'Featured track 1: On the Nature <span class="diff-kind">(removed)</span>', html=True)
        assertContains(response, '<td class="diff"><del>The *cello*.</del></td>', html=True)
        assertNotContains(response, "<b>heard</b>")
        assertNotContains(response, "style=")

    def test_the_two_revisions_may_be_chosen_in_either_order(self, client, article, two_versions):
        older, newer = two_versions

        response = client.get(compare_url(article, newer, older))

        assert (response.context["old"], response.context["new"]) == (older, newer)

    def test_choosing_the_same_revision_twice_is_explained(self, client, article, two_versions):
        older, _ = two_versions

        response = client.get(compare_url(article, older, older), follow=True)

        assertRedirects(response, history_url(article))
        assertContains(response, "Choose two different versions to compare.")

    def test_another_articles_revision_cannot_be_compared(self, client, article, two_versions):
        other = ArticleFactory()
        older, newer = two_versions

        response = client.get(compare_url(other, older, newer), follow=True)

        assertRedirects(response, history_url(other))

    def test_moderators_cannot_see_article_history(self, client, article, two_versions):
        older, newer = two_versions
        client.force_login(moderator())

        assert client.get(compare_url(article, older, newer)).status_code == 403

    def test_text_diff_marks_whole_words(self):
        assert text_diff("a quiet cello", "a loud cello!") == [
            ("equal", "a "),
            ("delete", "quiet"),
            ("insert", "loud"),
            ("equal", " cello"),
            ("insert", "!"),
        ]


class TestRestore:
    @pytest.fixture
    def first_version(self, client, signed_in_ada, article):
        save_with(client, article, title="Arrival, the first take")
        version = versions_of(article).get()
        other_track = TrackFactory(work=article.work, title="Heptapod B")
        save_with(
            client,
            article,
            title="Arrival, the second take",
            tags="choir",
            **{
                "sections-0-position": "2",
                "sections-0-body": "Rewritten entirely.",
                "sections-TOTAL_FORMS": "2",
                "sections-1-position": "1",
                "sections-1-heading": "A new opening",
                "sections-1-body": "Added later.",
                "featured_tracks-0-DELETE": "on",
                "featured_tracks-TOTAL_FORMS": "2",
                "featured_tracks-1-track": str(other_track.pk),
                "featured_tracks-1-note": "Added later too.",
            },
        )
        article.refresh_from_db()
        assert [section.heading for section in article.sections.all()] == ["A new opening", "The heptapod chorus"]
        return version

    def test_restoring_brings_back_the_title_sections_featured_tracks_and_tags(
        self, client, signed_in_ada, article, first_version
    ):
        response = client.post(restore_url(article, first_version), follow=True)

        assertRedirects(response, change_url(article))
        assertContains(response, "Restored the version Ada Lovelace saved on")
        article.refresh_from_db()
        assert article.title == "Arrival, the first take"
        assert [(s.position, s.heading, s.body, s.body_html) for s in article.sections.all()] == [
            (1, "The heptapod chorus", "Voices without words.", "<p>Voices without words.</p>")
        ]
        assert [(f.track.title, f.note, f.note_html) for f in article.featured_tracks.all()] == [
            ("On the Nature", "The *cello*.", "<p>The <em>cello</em>.</p>")
        ]
        assert list(article.tags.names()) == ["strings"]

    def test_a_restore_is_kept_as_a_new_revision_by_the_editor(self, client, signed_in_ada, article, first_version):
        client.post(restore_url(article, first_version))

        latest = versions_of(article).first()
        assert versions_of(article).count() == 3
        assert latest.revision.user == signed_in_ada
        assert latest.revision.comment.startswith("Restored the version Ada Lovelace saved on")
        assert latest.field_dict["title"] == "Arrival, the first take"
        assert [part.object_repr for part in latest.revision.version_set.filter(content_type__model="section")] == [
            "The heptapod chorus"
        ]

    def test_the_compare_page_offers_to_restore_the_older_revision(self, client, signed_in_ada, article, first_version):
        latest = versions_of(article).first()

        response = client.get(compare_url(article, first_version, latest))

        assertContains(response, f'action="{restore_url(article, first_version)}"')
        assertNotContains(response, f'action="{restore_url(article, latest)}"')

    def test_a_restore_is_only_posted_by_someone_who_may_change_articles(
        self, client, article, first_version, signed_in_ada
    ):
        assert client.get(restore_url(article, first_version)).status_code == 405
        client.force_login(moderator())
        assert client.post(restore_url(article, first_version)).status_code == 403
        article.refresh_from_db()
        assert article.title == "Arrival, the second take"

    def test_a_version_of_another_article_is_not_restored_here(self, client, signed_in_ada, article, first_version):
        other = ArticleFactory()

        assert client.post(restore_url(other, first_version)).status_code == 404

    def test_restoring_an_article_published_in_bulk_leaves_the_others_published_with_it_alone(
        self, client, signed_in_ada
    ):
        first = ArticleFactory(title="First", status=Article.Status.DRAFT, publish_at=None)
        second = ArticleFactory(title="Second", status=Article.Status.DRAFT, publish_at=None)
        client.post(CHANGELIST, {"action": "publish", "_selected_action": [first.pk, second.pk]})
        save_with(client, first, title="First, renamed")
        save_with(client, second, title="Second, renamed")

        client.post(restore_url(first, versions_of(first).last()))

        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.title, first.status) == ("First", Article.Status.PUBLISHED)
        assert second.title == "Second, renamed"
