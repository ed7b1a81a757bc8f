from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article, Composer, FeaturedTrack, Section, Track
from tests.utils.admin import article_data, change_url, inline_data
from tests.utils.clock import NOW
from tests.utils.factories import ArticleFactory, ComposerFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db


CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def changelist_titles(response) -> list[str]:
    return [article.title for article in response.context["cl"].result_list]


class TestArticleChangelist:
    @pytest.fixture
    def articles(self, signed_in_editor):
        """Articles over two works, two composers and two tags, so every filter has a choice to offer."""

        def make(count: int) -> list[Article]:
            works = [WorkFactory(title="Arrival"), WorkFactory(title="Hollow Knight")]
            composers = [
                ComposerFactory(name="Jóhann Jóhannsson"),
                ComposerFactory(name="Christopher Larkin"),
            ]
            statuses = [Article.Status.PUBLISHED, Article.Status.DRAFT, Article.Status.SCHEDULED]
            made = []
            for n in range(count):
                article = ArticleFactory(
                    title=f"Listening notes {n}",
                    work=works[n % 2],
                    author=signed_in_editor,
                    status=statuses[n % 3],
                    publish_at=None if statuses[n % 3] == Article.Status.DRAFT else NOW + timedelta(days=n),
                )
                article.composers.add(composers[n % 2])
                article.tags.add("strings" if n % 2 else "ambient")
                made.append(article)
            return made

        return make

    def test_the_changelist_offers_filters_for_status_work_composer_and_tag(self, client, articles):
        hollow_knight = articles(3)[1]
        larkin, strings = hollow_knight.composers.get(), hollow_knight.tags.get()

        response = client.get(CHANGELIST)

        assert response.status_code == 200
        for title in ("status", "work", "composers", "Tags"):
            assertContains(response, f"<summary> By {title} </summary>", html=True)
        for link in (
            '<a href="?status__exact=scheduled">Scheduled</a>',
            f'<a href="?work__id__exact={hollow_knight.work_id}">Hollow Knight (2017)</a>',
            f'<a href="?composers__id__exact={larkin.pk}">Christopher Larkin</a>',
            f'<a href="?tags__id__exact={strings.pk}">strings</a>',
        ):
            assertContains(response, link, html=True)

    def test_each_filter_lists_only_its_articles(self, client, articles):
        first, second, third = articles(3)
        filters = {
            "status__exact": first.status,
            "work__id__exact": first.work_id,
            "composers__id__exact": first.composers.get().pk,
            "tags__id__exact": first.tags.get().pk,
        }
        expected = {
            "status__exact": [first.title],
            "work__id__exact": [first.title, third.title],
            "composers__id__exact": [first.title, third.title],
            "tags__id__exact": [first.title, third.title],
        }

        for lookup, value in filters.items():
            response = client.get(CHANGELIST, {lookup: value})
            assert sorted(changelist_titles(response)) == expected[lookup], lookup

    def test_search_finds_articles_by_title(self, client, articles):
        articles(3)

        response = client.get(CHANGELIST, {"q": "notes 1"})

        assert changelist_titles(response) == ["Listening notes 1"]
        assertContains(response, "Listening notes 1</a>")
        assertNotContains(response, "Listening notes 2</a>")

    def test_search_finds_articles_by_their_works_title(self, client, articles):
        articles(3)

        response = client.get(CHANGELIST, {"q": "hollow"})

        assert changelist_titles(response) == ["Listening notes 1"]

    @pytest.mark.parametrize("count", [3, 30])
    def test_the_changelist_makes_the_same_bounded_number_of_queries_however_many_articles(
        self, client, articles, django_assert_max_num_queries, count
    ):
        articles(count)

        with django_assert_max_num_queries(12):
            response = client.get(CHANGELIST)

        assert response.context["cl"].result_count == count


class TestArticleForms:
    def test_the_add_form_has_the_sections_and_featured_tracks_inlines_the_slug_and_the_tags(
        self, client, signed_in_editor
    ):
        response = client.get(ADD)

        assert response.status_code == 200
        assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == [
            "sections",
            "featured_tracks",
        ]
        assertContains(response, '<h2 id="sections-heading" class="inline-heading">Sections</h2>', html=True)
        assertContains(
            response,
            '<h2 id="featured_tracks-heading" class="inline-heading">Featured tracks</h2>',
            html=True,
        )
        assertContains(
            response,
            '<input type="hidden" name="sections-TOTAL_FORMS" value="0" id="id_sections-TOTAL_FORMS">',
            html=True,
        )
        assertContains(response, "&quot;dependency_list&quot;: [&quot;title&quot;]")
        assertContains(response, '<input type="text" name="slug" class="vTextField" maxlength="200" id="id_slug">')
        assertContains(response, 'name="tags"')

    def test_the_change_form_shows_the_articles_sections_featured_tracks_and_tags(self, client, signed_in_editor):
        article = ArticleFactory(title="Arrival, heard again")
        article.tags.add("strings")
        Section.objects.create(article=article, heading="The heptapod chorus", body="Voices.")
        FeaturedTrack.objects.create(article=article, track=TrackFactory(work=article.work, title="On the Nature"))

        response = client.get(change_url(article))

        assert response.status_code == 200
        assertContains(response, '<h2 id="sections-heading" class="inline-heading">Sections</h2>', html=True)
        assertContains(
            response,
            '<h2 id="featured_tracks-heading" class="inline-heading">Featured tracks</h2>',
            html=True,
        )
        assertContains(response, 'value="The heptapod chorus"')
        assertContains(response, "On the Nature</option>")
        assertContains(response, 'name="tags" value="strings"')
        assertContains(response, "&quot;dependency_list&quot;: [&quot;title&quot;]")


class TestCreatingAnArticle:
    def test_an_article_is_created_with_its_sections_and_featured_tracks_in_order(self, client, signed_in_editor):
        work = WorkFactory(title="Arrival")
        heptapod, nature = (
            TrackFactory(work=work, title="Heptapod B"),
            TrackFactory(work=work, title="On the Nature"),
        )
        data = article_data(
            work,
            title="Why the cello carries Arrival",
            tags="strings, cello",
            sections=[
                {
                    "position": "",
                    "heading": "The voices",
                    "body": "A **choir** without words.",
                    "numbered": "on",
                },
                {"position": "", "heading": "Conclusion", "body": "Listen _twice_."},
            ],
            featured_tracks=[
                {"position": 2, "track": nature.pk, "note": "The *ending*."},
                {"position": 1, "track": heptapod.pk, "note": "The opening."},
            ],
        )

        response = client.post(ADD, data)

        assertRedirects(response, CHANGELIST)
        article = Article.objects.get()
        assert article.slug == "why-the-cello-carries-arrival"
        assert article.author == signed_in_editor
        assert article.standfirst_html == "<p>A <em>low</em> voice.</p>"
        assert sorted(article.tags.names()) == ["cello", "strings"]
        assert [(s.position, s.heading, s.numbered) for s in article.sections.all()] == [
            (1, "The voices", True),
            (2, "Conclusion", False),
        ]
        assert [s.body_html for s in article.sections.all()] == [
            "<p>A <strong>choir</strong> without words.</p>",
            "<p>Listen <em>twice</em>.</p>",
        ]
        assert [(f.position, f.track) for f in article.featured_tracks.all()] == [(1, heptapod), (2, nature)]
        assert article.featured_tracks.get(track=nature).note_html == "<p>The <em>ending</em>.</p>"

    def test_an_editors_own_slug_is_kept(self, client, signed_in_editor):
        client.post(ADD, article_data(WorkFactory(), slug="cello-arrival"))

        assert Article.objects.get().slug == "cello-arrival"


class TestValidationKeepsTheEditorsInput:
    """A refused form comes back with the editor's words in it and says what to fix; nothing is saved."""

    TITLE = "A title the editor typed"
    BODY = "A section body the editor typed"

    def assert_redisplayed(self, response, error: str, *typed: str):
        assert response.status_code == 200
        assertContains(response, f"<li>{error}</li>", html=True)
        for value in (self.TITLE, *typed):
            assertContains(response, value)
        assert not Article.objects.exists()
        assert not Section.objects.exists()
        assert not FeaturedTrack.objects.exists()

    def section(self, **fields) -> dict:
        return {"position": "", "heading": "Heading", "body": self.BODY, "numbered": "on", **fields}

    def test_a_featured_track_from_another_work_is_refused(self, client, signed_in_editor):
        work = WorkFactory(title="Arrival")
        intruder = TrackFactory(work=WorkFactory(title="Sicario"), title="The Beast")
        data = article_data(
            work,
            title=self.TITLE,
            sections=[self.section()],
            featured_tracks=[{"position": 1, "track": intruder.pk, "appears_in": "The border crossing"}],
        )

        response = client.post(ADD, data)

        self.assert_redisplayed(
            response,
            "“The Beast” is from Sicario (2017), not from this article's work (Arrival (2017)).",
            self.BODY,
            "The border crossing",
        )

    def test_a_listening_link_to_an_unknown_host_is_refused(self, client, signed_in_editor, settings):
        settings.LISTENING_LINK_HOSTS = ["bandcamp.com", "open.spotify.com"]
        work = WorkFactory()
        track = TrackFactory(work=work)
        link = "https://music.example.com/the-beast"
        data = article_data(
            work,
            title=self.TITLE,
            sections=[self.section()],
            featured_tracks=[{"position": 1, "track": track.pk, "listening_url": link}],
        )

        response = client.post(ADD, data)

        self.assert_redisplayed(
            response,
            "music.example.com is not an accepted listening provider. Use a link from: bandcamp.com, open.spotify.com.",
            self.BODY,
            link,
        )

    def test_two_sections_with_the_same_position_are_refused(self, client, signed_in_editor):
        data = article_data(
            WorkFactory(),
            title=self.TITLE,
            sections=[self.section(position=1), self.section(position=1, heading="A second heading")],
        )

        response = client.post(ADD, data)

        self.assert_redisplayed(response, "Please correct the duplicate data for position.", self.BODY)
        assertContains(response, 'value="A second heading"')

    def test_scheduling_without_a_publish_time_is_refused(self, client, signed_in_editor):
        data = article_data(WorkFactory(), title=self.TITLE, status=Article.Status.SCHEDULED, sections=[self.section()])

        response = client.post(ADD, data)

        self.assert_redisplayed(response, "Give a publish time to schedule this article.", self.BODY)

    def test_publishing_with_a_future_publish_time_asks_for_scheduled(self, client, signed_in_editor):
        future = timezone.localtime() + timedelta(days=2)
        data = article_data(
            WorkFactory(),
            title=self.TITLE,
            status=Article.Status.PUBLISHED,
            publish_at_0=future.date().isoformat(),
            publish_at_1="09:30:00",
            sections=[self.section()],
        )

        response = client.post(ADD, data)

        self.assert_redisplayed(
            response,
            "The publish time is in the future: choose “Scheduled” to publish it then.",
            self.BODY,
            future.date().isoformat(),
        )


class TestBulkActions:
    def post_action(self, client, action: str, articles, url: str = CHANGELIST):
        return client.post(url, {"action": action, "_selected_action": [a.pk for a in articles]}, follow=True)

    def test_publishing_sets_the_publish_time_to_now_unless_it_is_already_past(self, client, signed_in_editor):
        with time_machine.travel(NOW, tick=False):
            undated = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
            dated = ArticleFactory(status=Article.Status.DRAFT, publish_at=NOW - timedelta(days=3))
            scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(days=3))
            untouched = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

            response = self.post_action(client, "publish", [undated, dated, scheduled])

        assertContains(response, '<li class="success">3 articles published.</li>', html=True)
        for article in (undated, dated, scheduled, untouched):
            article.refresh_from_db()
        assert [a.status for a in (undated, dated, scheduled)] == [Article.Status.PUBLISHED] * 3
        assert [undated.publish_at, dated.publish_at, scheduled.publish_at] == [
            NOW,
            NOW - timedelta(days=3),
            NOW,
        ]
        assert untouched.status == Article.Status.DRAFT and untouched.publish_at is None

    def test_publishing_from_a_date_drill_down_publishes_the_selected_articles(self, client, signed_in_editor):
        with time_machine.travel(NOW, tick=False):
            scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW.replace(year=2030))

            response = self.post_action(client, "publish", [scheduled], url=f"{CHANGELIST}?publish_at__year=2030")

        assertContains(response, '<li class="success">1 article published.</li>', html=True)
        scheduled.refresh_from_db()
        assert (scheduled.status, scheduled.publish_at) == (Article.Status.PUBLISHED, NOW)

    def test_unpublishing_sends_published_articles_back_to_draft(self, client, signed_in_editor):
        published = ArticleFactory.create_batch(2, status=Article.Status.PUBLISHED)
        other = ArticleFactory(status=Article.Status.PUBLISHED)

        response = self.post_action(client, "unpublish", published)

        assertContains(response, '<li class="success">2 articles unpublished.</li>', html=True)
        assert set(Article.objects.filter(status=Article.Status.DRAFT)) == set(published)
        other.refresh_from_db()
        assert other.status == Article.Status.PUBLISHED


class TestViewOnSite:
    def test_an_editor_previews_a_draft_that_readers_cannot_see(self, client, signed_in_editor):
        draft = ArticleFactory(title="A draft about Arrival", status=Article.Status.DRAFT, publish_at=None)
        view_on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk])

        change_form = client.get(change_url(draft))
        assertContains(change_form, f'<a href="{view_on_site}" class="viewsitelink">View on site</a>', html=True)

        preview = client.get(view_on_site, follow=True)
        assert preview.redirect_chain == [(f"http://testserver{draft.get_absolute_url()}", 302)]
        assert preview.status_code == 200
        assertContains(preview, '<h1 id="article-title">A draft about Arrival</h1>', html=True)
        assertContains(preview, "<strong>Preview.</strong>", html=True)
        assertContains(preview, '<meta name="robots" content="noindex, nofollow">', html=True)

        client.logout()
        assert client.get(draft.get_absolute_url()).status_code == 404


class TestWorkAndComposerAdmin:
    def test_the_work_change_form_has_the_tracks_inline(self, client, signed_in_editor):
        work = WorkFactory(title="Arrival")
        TrackFactory(work=work, position=1, title="Heptapod B")

        response = client.get(change_url(work))

        assert response.status_code == 200
        assertContains(response, '<h2 id="tracks-heading" class="inline-heading">Tracks</h2>', html=True)
        assertContains(response, 'value="Heptapod B"')

    def test_a_work_is_saved_with_two_tracks(self, client, signed_in_editor):
        composer = ComposerFactory(name="Jóhann Jóhannsson")
        data = {
            "kind": "film",
            "title": "Arrival",
            "year": 2016,
            "slug": "",
            "musicbrainz_id": "",
            "wikidata_id": "Q20718554",
            "imdb_id": "",
            "igdb_slug": "",
            **inline_data(
                "tracks",
                [
                    {"position": 1, "title": "Arrival", "duration": "1:51", "composers": [composer.pk]},
                    {"position": 2, "title": "Heptapod B", "duration": "3:25"},
                ],
            ),
        }

        response = client.post(reverse("admin:articles_work_add"), data)

        assertRedirects(response, reverse("admin:articles_work_changelist"))
        tracks = Track.objects.filter(work__slug="arrival")
        assert [(t.position, t.title, t.duration) for t in tracks] == [
            (1, "Arrival", timedelta(minutes=1, seconds=51)),
            (2, "Heptapod B", timedelta(minutes=3, seconds=25)),
        ]
        assert list(tracks[0].composers.all()) == [composer]

    def test_a_composer_is_added_with_the_bio_rendered(self, client, signed_in_editor):
        data = {"name": "Jóhann Jóhannsson", "slug": "", "bio": "Born in *Reykjavík*.", "musicbrainz_id": "",
                "wikidata_id": "", "imdb_id": "nm1017454"}  # fmt: skip

        response = client.post(reverse("admin:articles_composer_add"), data)

        assertRedirects(response, reverse("admin:articles_composer_changelist"))
        composer = Composer.objects.get()
        assert composer.slug == "johann-johannsson"
        assert composer.bio_html == "<p>Born in <em>Reykjavík</em>.</p>"

    def test_track_autocomplete_finds_tracks_by_their_works_title(
        self, client, signed_in_editor, django_assert_max_num_queries
    ):
        arrival = WorkFactory(title="Arrival", year=2016)
        tracks = [TrackFactory(work=arrival, position=n, title=f"Cue {n}") for n in (1, 2, 3)]
        TrackFactory(work=WorkFactory(title="Sicario"), title="The Beast")

        with django_assert_max_num_queries(6):
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": "articles",
                    "model_name": "featuredtrack",
                    "field_name": "track",
                    "term": "arriv",
                },
            )

        assert response.status_code == 200
        assert response.json()["results"] == [
            {"id": str(track.pk), "text": f"Arrival – {track.position}. {track.title}"} for track in tracks
        ]
