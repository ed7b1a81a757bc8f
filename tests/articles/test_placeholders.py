"""Placeholders: what counts as one, filling those the article's fields answer, and no publishing while any is left."""

from collections import deque
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article, ArticleTemplate, Section
from articles.placeholders import (
    ArticleText,
    Placeholder,
    fill_article_placeholders,
    fill_placeholders,
    find_placeholders,
    placeholders_left,
    structured_fills,
)
from tests.utils.admin import article_data, change_url
from tests.utils.clock import NOW
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
)

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")
BUILT_IN = "Why its soundtrack deserves more recognition"


class TestFindingPlaceholders:
    @pytest.mark.parametrize(
        ("text", "found"),
        [
            ("Why [title]’s soundtrack", ["[title]"]),
            ("[Title] achieves this", ["[Title]"]),
            ("[specific track] captures, while [another track] swells", ["[specific track]", "[another track]"]),
            ("If [composer's name] isn’t", ["[composer's name]"]),
            ("If [composer’s name] isn’t", ["[composer’s name]"]),
            (
                "such as [example: ethnic flutes, electronic synths, or found sounds], creating",
                ["[example: ethnic flutes, electronic synths, or found sounds]"],
            ),
            ("[title] and [title] again", ["[title]", "[title]"]),
            ("a placeholder over\ntwo lines: [composer’s\nname]", ["[composer’s\nname]"]),
        ],
    )
    def test_bracketed_phrases_are_placeholders(self, text, found):
        assert find_placeholders(text) == found

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("Read [the interview](https://example.com/interview).", id="inline link"),
            pytest.param('Read [the interview](https://example.com/a_(b) "Title").', id="inline link with title"),
            pytest.param("Read [the interview][interview] and [more][].", id="reference links"),
            pytest.param("Read [the interview] [1].\n\n[1]: https://example.com", id="reference link with a space"),
            pytest.param("Read [the interview].\n\n[The Interview]: https://example.com", id="shortcut reference"),
            pytest.param('[interview]: https://example.com/i "The interview"', id="reference definition"),
            pytest.param("[interview]:\n    https://example.com/i\n    (The interview)", id="definition on two lines"),
            pytest.param("As she said.[^1]", id="footnote"),
            pytest.param("[^note]: An interview from 2017.", id="footnote definition"),
            pytest.param("![The composer at the piano](https://example.com/piano.jpg)", id="image"),
            pytest.param("![The composer at [the] piano][photo]\n\n[photo]: /p.jpg", id="reference image"),
            pytest.param("Type `[title]` in the template.", id="inline code"),
            pytest.param("Type ``a `[title]` here`` in the template.", id="inline code with backticks"),
            pytest.param("```\nfill([title])\n\n[another track]\n```", id="fenced code"),
            pytest.param("~~~markdown\n[title]\n~~~", id="fenced code with tildes"),
            pytest.param("Keep \\[these brackets\\] as they are.", id="escaped brackets"),
            pytest.param("“The score [sic] was lost.”", id="sic"),
            pytest.param("A quote […] cut, and [1] or [2024].", id="no letters"),
        ],
    )
    def test_markdown_that_uses_brackets_is_not_a_placeholder(self, text):
        assert find_placeholders(text) == []

    @pytest.mark.parametrize(
        ("text", "found"),
        [
            pytest.param("Listen to [[specific track]](https://example.com).", ["[specific track]"], id="link text"),
            pytest.param("A note.[^1]\n\n[^1]: Heard in [title].", ["[title]"], id="footnote text"),
            pytest.param("See [title] [another track].", ["[title]", "[another track]"], id="undefined reference"),
            pytest.param("[title] (2016)", ["[title]"], id="space before parenthesis"),
            pytest.param("```\n[title]\n", ["[title]"], id="unclosed fence"),
            pytest.param("`[title]` and [title]", ["[title]"], id="after inline code"),
            pytest.param("\\\\[title]", ["[title]"], id="escaped backslash"),
            pytest.param("[Listen [title]] to it", ["[title]"], id="brackets around brackets"),
        ],
    )
    def test_placeholders_inside_or_beside_markdown_are_still_found(self, text, found):
        assert find_placeholders(text) == found

    def test_each_placeholder_is_listed_with_where_it_stands(self):
        text = ArticleText(
            title="Why [title]’s score matters",
            standfirst="An intro.",
            sections=[("The themes", "Listen."), ("[Title]", "[specific track] and [specific track] [1].")],
            notes=["", "A note on [another track]."],
            seo_description="About [title].",
        )

        assert text.placeholders() == [
            Placeholder("[title]", "title"),
            Placeholder("[Title]", "Section 2: heading"),
            Placeholder("[specific track]", "Section 2: body"),
            Placeholder("[another track]", "Featured track 2: note"),
            Placeholder("[title]", "SEO description"),
        ]
        assert str(text.placeholders()[2]) == "[specific track] (Section 2: body)"


class TestFillingPlaceholders:
    def test_the_work_composers_and_tracks_fill_their_placeholders(self):
        fills = structured_fills(
            work_title="Arrival", composer_names=["Jóhann Jóhannsson", "Max Richter"], track_titles=["Heptapod B"]
        )
        text = "[Title]: [title]’s score by [composer’s name], [composer's name]. [specific track]; [x]."

        assert fill_placeholders(text, fills) == (
            "Arrival: Arrival’s score by Jóhann Jóhannsson and Max Richter, Jóhann Jóhannsson and Max Richter. "
            "“Heptapod B”; [x]."
        )

    def test_three_composers_are_joined_as_a_list(self):
        fills = structured_fills(composer_names=["A", "B", "C"])

        assert fill_placeholders("[composer's name]", fills) == "A, B and C"

    def test_the_track_placeholders_take_the_featured_tracks_in_turn_and_stay_once_they_run_out(self):
        fills = structured_fills(track_titles=["One", "Two", "Three"])

        first = fill_placeholders("[specific track] then [another track].", fills)
        second = fill_placeholders("[specific track], [another track], [specific track].", fills)

        assert first == "“One” then “Two”."
        assert second == "“Three”, [another track], [specific track]."

    def test_tracks_the_text_already_names_are_left_for_later_placeholders(self):
        text = ArticleText(sections=[("One", "First “Heptapod B”, then [another track]."), ("Two", '"Kangaru" [x]')])
        titles = text.tracks_not_named(["Heptapod B", "Kangaru", "Hydraulic Lift"])

        assert titles == ["Hydraulic Lift"]
        assert text.filled(structured_fills(track_titles=titles)).sections[0][1] == (
            "First “Heptapod B”, then “Hydraulic Lift”."
        )

    def test_a_queue_of_answers_is_used_up_across_texts(self):
        fills = {"[genre]": deque(["jazz", "folk"])}

        assert [fill_placeholders("[genre]", fills) for _ in range(3)] == ["jazz", "folk", "[genre]"]

    def test_placeholders_in_code_links_and_footnotes_are_left_alone(self):
        fills = structured_fills(work_title="Arrival")
        text = "`[title]` [title](https://example.com) [^title] [title]\n\n[^title]: A note."

        assert fill_placeholders(text, fills) == (
            "`[title]` [title](https://example.com) [^title] Arrival\n\n[^title]: A note."
        )

    def test_nothing_is_filled_when_no_field_answers(self):
        assert fill_placeholders("[title] by [composer's name]", structured_fills()) == "[title] by [composer's name]"


@pytest.mark.django_db
class TestAutoFill:
    @pytest.fixture
    def article(self):
        work = WorkFactory(title="Arrival")
        article = ArticleFactory(
            title="Why [title]’s score matters",
            standfirst="[Title], by [composer’s name].",
            work=work,
            status=Article.Status.DRAFT,
            publish_at=None,
        )
        SectionFactory(
            article=article, position=1, heading="On [title]", body="[specific track], then [another track]."
        )
        SectionFactory(article=article, position=2, heading="Code", body="Type `[title]`; [another track] and [x].")
        article.composers.add(ComposerFactory(name="Max Richter"), ComposerFactory(name="Jóhann Jóhannsson"))
        FeaturedTrackFactory(article=article, position=2, track=TrackFactory(work=work, title="On the Nature"))
        FeaturedTrackFactory(
            article=article, position=1, track=TrackFactory(work=work, title="Heptapod B"), note="After [Title]."
        )
        return article

    def test_saving_fills_the_answered_placeholders_and_renders_them(self, article):
        assert fill_article_placeholders(article)

        article.refresh_from_db()
        first, second = article.sections.all()
        assert article.title == "Why Arrival’s score matters"
        assert article.standfirst == "Arrival, by Jóhann Jóhannsson and Max Richter."
        assert article.standfirst_html == "<p>Arrival, by Jóhann Jóhannsson and Max Richter.</p>"
        assert (first.heading, first.body) == ("On Arrival", "“Heptapod B”, then “On the Nature”.")
        assert first.body_html == "<p>“Heptapod B”, then “On the Nature”.</p>"
        assert second.body == "Type `[title]`; [another track] and [x]."
        assert article.featured_tracks.get(position=1).note_html == "<p>After Arrival.</p>"
        assert placeholders_left(article) == [
            Placeholder("[another track]", "Section 2: body"),
            Placeholder("[x]", "Section 2: body"),
        ]

    def test_a_filled_seo_description_is_cut_to_fit(self, article):
        article.work.title = "A" * 150
        article.work.save()
        article.seo_description = "Why [title]’s score deserves more."
        article.save()

        fill_article_placeholders(article)

        article.refresh_from_db()
        assert len(article.seo_description) == 160
        assert article.seo_description.startswith("Why AAAA") and article.seo_description.endswith("…")

    def test_a_second_fill_changes_nothing(self, article, django_assert_max_num_queries):
        fill_article_placeholders(article)

        with django_assert_max_num_queries(4):
            assert not fill_article_placeholders(article)


def change_data(article, *, featured_tracks=(), **fields) -> dict:
    """What the article's change form posts: its saved fields, sections and featured tracks, new tracks added."""
    sections = list(article.sections.all())
    featured = list(article.featured_tracks.all())
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "work": article.work_id,
        "composers": [composer.pk for composer in article.composers.all()],
        "tags": ", ".join(article.tags.names()),
        "status": article.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "comments_open": "on",
        "seo_description": article.seo_description,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "featured_tracks-TOTAL_FORMS": len(featured) + len(featured_tracks),
        "featured_tracks-INITIAL_FORMS": len(featured),
        **fields,
    }
    for index, section in enumerate(sections):
        data |= {
            f"sections-{index}-id": section.pk,
            f"sections-{index}-article": article.pk,
            f"sections-{index}-position": section.position,
            f"sections-{index}-heading": section.heading,
            f"sections-{index}-body": section.body,
        } | ({f"sections-{index}-numbered": "on"} if section.numbered else {})
    for index, item in enumerate(featured):
        data |= {
            f"featured_tracks-{index}-id": item.pk,
            f"featured_tracks-{index}-article": article.pk,
            f"featured_tracks-{index}-position": item.position,
            f"featured_tracks-{index}-track": item.track_id,
            f"featured_tracks-{index}-note": item.note,
        }
    for index, row in enumerate(featured_tracks, start=len(featured)):
        data |= {f"featured_tracks-{index}-{name}": value for name, value in row.items()}
    return data


def listed(text: str, where: str, field: str) -> str:
    """A placeholder as the change form lists it, leading to the field that holds it."""
    return (
        f'<li><a href="#id_{field}" data-placeholder="{text}"><code>{text}</code> '
        f'<span class="placeholder-where">in {where}</span></a></li>'
    )


@pytest.mark.django_db
class TestTheChangeForm:
    @pytest.fixture
    def draft(self):
        """A draft from the built-in template about Arrival: its [title]s filled, the rest of its placeholders left."""
        work = WorkFactory(title="Arrival")
        TrackFactory(work=work, position=1, title="Heptapod B")
        TrackFactory(work=work, position=2, title="On the Nature of Daylight")
        return ArticleTemplate.objects.get(name=BUILT_IN).create_article(work=work)

    def write_over_guidance(self, data: dict) -> dict:
        """Replace the built-in template's guidance placeholders, keeping the track and composer ones."""
        for index in range(7):
            body = data[f"sections-{index}-body"]
            for placeholder in find_placeholders(body):
                if placeholder not in ("[specific track]", "[another track]", "[composer’s name]"):
                    body = body.replace(placeholder, "something the editor wrote")
            data[f"sections-{index}-body"] = body
        return data

    def test_a_draft_lists_the_placeholders_left_while_editing(self, client, signed_in_editor, draft):
        response = client.get(change_url(draft))

        assertContains(response, '<section class="placeholders-left" aria-labelledby="placeholders-left-heading">')
        assertContains(
            response, '<h2 id="placeholders-left-heading">13 placeholders left to replace before publishing</h2>'
        )
        assertContains(
            response,
            listed(
                "[reason: under-marketing, niche audience, overshadowed by visuals]",
                "Section 3: body",
                "sections-2-body",
            ),
            html=True,
        )
        assertContains(response, 'href="/static/css/admin-placeholders.css"')

    def test_an_article_without_placeholders_shows_no_list(self, client, signed_in_editor):
        article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

        assertNotContains(client.get(change_url(article)), "placeholders-left")

    def test_saving_fills_in_the_composers_and_the_featured_tracks(self, client, signed_in_editor, draft):
        composers = [ComposerFactory(name="Jóhann Jóhannsson"), ComposerFactory(name="Max Richter")]
        heptapod, daylight = draft.work.tracks.all()
        data = change_data(
            draft,
            composers=[composer.pk for composer in composers],
            featured_tracks=[
                {"position": 1, "track": heptapod.pk, "note": "The [title] opening."},
                {"position": 2, "track": daylight.pk},
            ],
        )

        response = client.post(change_url(draft), data)

        assertRedirects(response, CHANGELIST)
        first, *_, sixth, conclusion = draft.sections.all()
        assert "For example, “Heptapod B” captures" in first.body
        assert "while “On the Nature of Daylight” swells" in first.body
        assert "“Heptapod B”" in first.body_html and "[specific track]" not in first.body_html
        assert "If Jóhann Jóhannsson and Max Richter isn’t a household name" in sixth.body
        assert "Jóhann Jóhannsson and Max Richter" in sixth.body_html
        assert "Have you listened to Arrival’s soundtrack?" in conclusion.body
        assert draft.featured_tracks.get(position=1).note == "The Arrival opening."
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT

    def test_publishing_with_placeholders_left_is_refused_and_lists_them(self, client, signed_in_editor, draft):
        data = self.write_over_guidance(change_data(draft, status=Article.Status.PUBLISHED))

        response = client.post(change_url(draft), data)

        assert response.status_code == 200
        assertContains(response, '<section class="placeholders-left placeholders-refused"')
        assertContains(
            response, '<h2 id="placeholders-left-heading">Not published: 6 placeholders left</h2>', html=True
        )
        for text, where, field in [
            ("[specific track]", "Section 1: body", "sections-0-body"),
            ("[another track]", "Section 1: body", "sections-0-body"),
            ("[specific track]", "Section 2: body", "sections-1-body"),
            ("[specific track]", "Section 5: body", "sections-4-body"),
            ("[another track]", "Section 5: body", "sections-4-body"),
            ("[composer’s name]", "Section 6: body", "sections-5-body"),
        ]:
            assertContains(response, listed(text, where, field), html=True)
        assertContains(response, "cannot be published or scheduled", count=1)  # said once
        assertNotContains(response, "errorlist nonform")
        assertContains(response, "something the editor wrote")  # the editor's text is kept
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT and draft.publish_at is None
        assert "[example:" in draft.sections.get(position=2).body  # nothing was saved

    def test_a_placeholder_in_the_title_or_seo_description_is_refused_too(self, client, signed_in_editor):
        article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
        data = change_data(article, status=Article.Status.PUBLISHED, title="A [working title]", seo_description="[x]")

        response = client.post(change_url(article), data)

        assertContains(response, listed("[working title]", "title", "title"), html=True)
        assertContains(response, listed("[x]", "SEO description", "seo_description"), html=True)
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT

    def test_scheduling_with_placeholders_left_is_refused(self, client, signed_in_editor, draft):
        later = timezone.localtime() + timedelta(days=3)
        data = change_data(
            draft,
            status=Article.Status.SCHEDULED,
            publish_at_0=later.date().isoformat(),
            publish_at_1="09:00:00",
        )

        response = client.post(change_url(draft), data)

        assertContains(response, "Not scheduled: 13 placeholders left")
        assertContains(response, listed("[genre/style]", "Section 2: body", "sections-1-body"), html=True)
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT

    def test_editing_a_published_article_cannot_bring_a_placeholder_in(self, client, signed_in_editor):
        article = ArticleFactory(title="Arrival, heard again")
        SectionFactory(article=article, position=1, body="Finished.")
        data = change_data(article, status=Article.Status.PUBLISHED)
        data["sections-0-body"] = "Finished, but see [specific track]."

        response = client.post(change_url(article), data)

        assertContains(response, listed("[specific track]", "Section 1: body", "sections-0-body"), html=True)
        assert article.sections.get().body == "Finished."

    def test_publishing_succeeds_when_the_same_save_answers_the_last_placeholders(
        self, client, signed_in_editor, draft
    ):
        heptapod, daylight = draft.work.tracks.all()
        data = self.write_over_guidance(
            change_data(
                draft,
                status=Article.Status.PUBLISHED,
                composers=[ComposerFactory(name="Jóhann Jóhannsson").pk],
                featured_tracks=[{"position": 1, "track": heptapod.pk}, {"position": 2, "track": daylight.pk}],
            )
        )
        # Five track placeholders and two tracks: the editor names the last three in the text.
        data["sections-1-body"] = data["sections-1-body"].replace("[specific track]", "the title track")
        data["sections-4-body"] = (
            data["sections-4-body"]
            .replace("[specific track]", "“Hydraulic Lift”")
            .replace("[another track]", "“Kangaru”")
        )

        response = client.post(change_url(draft), data)

        assertRedirects(response, CHANGELIST)
        draft.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED and draft.is_public
        assert placeholders_left(draft) == []

    def test_an_article_added_with_a_placeholder_cannot_be_published(self, client, signed_in_editor):
        section = {"position": "", "heading": "The opening", "body": "[specific track] opens it.", "numbered": "on"}
        data = article_data(WorkFactory(), status=Article.Status.PUBLISHED, sections=[section])

        response = client.post(ADD, data)

        assertContains(response, listed("[specific track]", "Section 1: body", "sections-0-body"), html=True)
        assert not Article.objects.exists() and not Section.objects.exists()

    def test_a_draft_with_placeholders_saves(self, client, signed_in_editor, draft):
        data = change_data(draft, title="Why [title] matters")

        response = client.post(change_url(draft), data)

        assertRedirects(response, CHANGELIST)
        draft.refresh_from_db()
        assert draft.title == "Why Arrival matters"


@pytest.mark.django_db
class TestTheBulkPublishAction:
    def publish(self, client, articles):
        return client.post(
            CHANGELIST, {"action": "publish", "_selected_action": [article.pk for article in articles]}, follow=True
        )

    def test_articles_with_placeholders_are_refused_and_the_others_published(self, client, signed_in_editor):
        with time_machine.travel(NOW, tick=False):
            ready = ArticleFactory(title="Ready", status=Article.Status.DRAFT, publish_at=None)
            unfinished = ArticleFactory(title="Why [title] matters", status=Article.Status.DRAFT, publish_at=None)
            SectionFactory(article=unfinished, position=1, body="[specific track] first.")
            scheduled = ArticleFactory(title="Later", status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(1))
            FeaturedTrackFactory(article=scheduled, note="Hear [another track].")

            response = self.publish(client, [ready, unfinished, scheduled])

        assertContains(response, '<li class="success">1 article published.</li>', html=True)
        assertContains(
            response,
            '<li class="warning">2 articles were not published, because placeholders are left in them: '
            "“Later”: [another track] (Featured track 1: note); "
            "“Why [title] matters”: [title] (title), [specific track] (Section 1: body).</li>",
            html=True,
        )
        for article in (ready, unfinished, scheduled):
            article.refresh_from_db()
        assert (ready.status, ready.publish_at) == (Article.Status.PUBLISHED, NOW)
        assert unfinished.status == Article.Status.DRAFT and unfinished.publish_at is None
        assert (scheduled.status, scheduled.publish_at) == (Article.Status.SCHEDULED, NOW + timedelta(1))

    def test_when_every_article_is_refused_only_the_warning_shows(self, client, signed_in_editor):
        unfinished = ArticleFactory(title="Why [title] matters", status=Article.Status.DRAFT, publish_at=None)

        response = self.publish(client, [unfinished])

        assertNotContains(response, "articles published")
        assertContains(response, "1 article was not published, because placeholders are left in it: ")
        unfinished.refresh_from_db()
        assert unfinished.status == Article.Status.DRAFT
