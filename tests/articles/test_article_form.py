"""The article change form, as the server renders and answers it: the actions above and below the fields, the Publish
button, the refusal of placeholders said once with a link to each one's field, rows that fold, and positions saved
in the order the move buttons (or the editor, without JavaScript) give them."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article, ArticleTemplate
from tests.utils.admin import article_data, change_url, form_data
from tests.utils.clock import NOW
from tests.utils.factories import (
    ArticleFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
    editor,
)
from tests.utils.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(editor())
    return client


@pytest.fixture
def draft():
    work = WorkFactory(title="Arrival")
    for position, title in enumerate(["Heptapod B", "On the Nature of Daylight"], start=1):
        TrackFactory(work=work, position=position, title=title)
    return ArticleTemplate.objects.get().create_article(work=work)


@pytest.fixture
def finished():
    article = ArticleFactory(title="The Glass Orchard, heard again", status=Article.Status.DRAFT, publish_at=None)
    for position, heading in enumerate(["The opening", "The main theme", "The ending"], start=1):
        SectionFactory(article=article, position=position, heading=heading, body=f"About {heading.lower()}.")
    return article


def submitted(client, article, **changes) -> dict:
    """What the change form posts as shown, with the editor's changes."""
    data = form_data(client.get(change_url(article)))
    return data | {name: [value] if isinstance(value, str) else value for name, value in changes.items()}


def headings(article) -> list[str]:
    return [section.heading for section in article.sections.order_by("position")]


class TestTheActions:
    def test_they_stand_above_and_below_the_fields_with_delete_alone_at_the_end_of_the_last_row(
        self, signed_in, finished
    ):
        page = parse(signed_in.get(change_url(finished)))
        top, bottom = page.find_all("div", class_="submit-row")

        def actions(row):
            return [node.attrs.get("value") or node.text for node in row.descendants() if node.tag in ("input", "a")]

        assert actions(top) == ["Save", "Save and continue editing", "Preview", "Publish"]
        assert actions(bottom) == ["Save", "Save and continue editing", "Preview", "Publish", "Delete"]
        assert "Last saved on" in top.text and "Last saved on" not in bottom.text

    def test_a_draft_due_later_is_offered_to_be_scheduled(self, signed_in, finished):
        Article.objects.filter(pk=finished.pk).update(publish_at=timezone.now() + timedelta(days=2))

        response = signed_in.get(change_url(finished))

        assertContains(response, 'value="Schedule" name="_publish"', count=2)

    @pytest.mark.parametrize("status", [Article.Status.PUBLISHED, Article.Status.SCHEDULED])
    def test_an_article_already_published_or_scheduled_has_no_publish_button(self, signed_in, status):
        article = ArticleFactory(status=status, publish_at=timezone.now() + timedelta(days=int(status == "scheduled")))

        assertNotContains(signed_in.get(change_url(article)), 'name="_publish"')

    def test_publish_saves_the_draft_publishes_it_now_and_stays_on_it(self, signed_in, finished):
        data = submitted(signed_in, finished, title="The Glass Orchard, heard once more", _publish="Publish")

        with time_machine.travel(NOW, tick=False):
            response = signed_in.post(change_url(finished), data, follow=True)

        assertRedirects(response, change_url(finished))
        finished.refresh_from_db()
        assert (finished.title, finished.status, finished.publish_at) == (
            "The Glass Orchard, heard once more",
            Article.Status.PUBLISHED,
            NOW,
        )
        assertContains(
            response,
            f'“{finished.title}” is published: <a href="{finished.get_absolute_url()}">view it on the site</a>.',
        )
        assertNotContains(response, 'name="_publish"')

    def test_publish_with_a_publish_time_to_come_schedules_the_draft(self, signed_in, finished):
        data = submitted(signed_in, finished, publish_at_0="2026-06-03", publish_at_1="09:30:00", _publish="Publish")

        with time_machine.travel(NOW, tick=False):
            response = signed_in.post(change_url(finished), data, follow=True)

        finished.refresh_from_db()
        assert (finished.status, finished.publish_at) == (Article.Status.SCHEDULED, NOW + timedelta(days=2, hours=-2.5))
        assertContains(response, f"“{finished.title}” is scheduled for 3 June 2026, 09:30.")

    def test_publish_on_the_add_form_creates_the_article_published(self, signed_in):
        data = article_data(WorkFactory(), _publish="Publish")

        with time_machine.travel(NOW, tick=False):
            response = signed_in.post(reverse("admin:articles_article_add"), data)

        article = Article.objects.get()
        assertRedirects(response, change_url(article), fetch_redirect_response=False)
        assert (article.status, article.publish_at) == (Article.Status.PUBLISHED, NOW)

    def test_publish_does_not_save_over_a_change_saved_since_the_form_was_opened(self, signed_in, finished):
        data = submitted(signed_in, finished, _publish="Publish")
        Article.objects.filter(pk=finished.pk).update(updated_at=timezone.now() + timedelta(minutes=1))

        response = signed_in.post(change_url(finished), data)

        assertContains(response, "after you opened it, so your changes were not saved")
        finished.refresh_from_db()
        assert finished.status == Article.Status.DRAFT

    def test_the_seo_description_shows_whole_in_a_box_of_three_lines(self, signed_in, finished):
        page = parse(signed_in.get(change_url(finished)))

        box = page.find("textarea", name="seo_description")
        assert (box.attrs["rows"], box.attrs["maxlength"]) == ("3", "160")


class TestThePublishRefusal:
    def test_it_is_said_once_above_the_fields_with_a_link_to_the_field_of_each_placeholder(self, signed_in, draft):
        data = submitted(signed_in, draft, _publish="Publish")
        # The editor swapped the first two sections: the second one listed is the first row of the form.
        data |= {"sections-0-position": ["2"], "sections-1-position": ["1"]}

        response = signed_in.post(change_url(draft), data)

        assert response.status_code == 200
        page = parse(response)
        refusal = page.find("section", class_="placeholders-refused")
        assert refusal.attrs["role"] == "alert"
        assert refusal.find("h2").text == "Not published: 13 placeholders left"
        links = {(link.text, link.attrs["href"]) for link in refusal.find_all("a")}
        assert ("[specific track] in Section 1: body", "#id_sections-1-body") in links
        assert ("[specific track] in Section 2: body", "#id_sections-0-body") in links
        assert ("[composer’s name] in Section 6: body", "#id_sections-5-body") in links
        assertContains(response, "cannot be published or scheduled", count=1)
        assert not page.find_all(class_="errornote") and not page.find_all(class_="nonform")
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT

    def test_the_rows_that_hold_the_placeholders_open_the_others_stay_folded(self, signed_in, draft):
        data = submitted(signed_in, draft, status="published")
        data["sections-3-body"] = ["Nothing to replace here."]  # the fourth section holds none

        page = parse(signed_in.post(change_url(draft), data))

        rows = page.find("div", id="sections-group").find_all("details")[:-1]  # the last one is the empty form
        assert ["open" in row.attrs for row in rows] == [True, True, True, False, True, True, False]
        assert rows[4].find("span", class_="positioned-row-note").text == "4 placeholders left"

    def test_an_other_error_beside_the_refusal_is_still_counted_and_shown(self, signed_in, draft):
        data = submitted(signed_in, draft, status="published", slug="not a slug!")

        response = signed_in.post(change_url(draft), data)

        assertContains(response, '<p class="errornote">Please correct the error below.</p>', html=True)
        assertContains(response, "Not published: 13 placeholders left")


class TestTheRows:
    def test_saved_rows_are_folded_with_a_summary_that_names_them(self, signed_in, finished):
        page = parse(signed_in.get(change_url(finished)))

        group = page.find("div", id="sections-group")
        summaries = [summary.text for summary in group.find_all("summary")]
        assert summaries == [
            "Section 1: The opening",
            "Section 2: The main theme",
            "Section 3: The ending",
            "Section 4: New section",  # the empty form that "Add another" copies: new rows open
        ]
        assert ["open" in details.attrs for details in group.find_all("details")] == [False, False, False, True]

    def test_a_row_with_an_error_opens_and_says_so(self, signed_in, finished):
        data = submitted(signed_in, finished)
        data["sections-1-heading"] = [""]

        page = parse(signed_in.post(change_url(finished), data))

        second = page.find("div", id="sections-1")
        assert "open" in second.find("details").attrs
        assert second.find("span", class_="positioned-row-errors").text == "Has errors"

    def test_positions_rewritten_in_the_new_order_save_that_order(self, signed_in, finished):
        """What the move buttons send: the last section moved up once, the rows numbered again in their new order."""
        data = submitted(signed_in, finished)
        data |= {"sections-1-position": ["3"], "sections-2-position": ["2"]}

        response = signed_in.post(change_url(finished), data)

        assertRedirects(response, reverse("admin:articles_article_changelist"))
        assert headings(finished) == ["The opening", "The ending", "The main theme"]

    def test_without_javascript_the_positions_typed_order_the_rows(self, signed_in, finished):
        data = submitted(signed_in, finished)
        data |= {"sections-0-position": ["30"], "sections-1-position": ["10"], "sections-2-position": ["20"]}

        signed_in.post(change_url(finished), data)

        assert headings(finished) == ["The main theme", "The ending", "The opening"]

    def test_a_row_moved_into_the_place_of_a_row_deleted_in_the_same_save_takes_it(self, signed_in, finished):
        # Rows are saved and deleted in the form's order: the first row takes the position of the last one,
        # which is deleted only after it.
        data = submitted(signed_in, finished)
        data |= {"sections-0-position": ["3"], "sections-2-DELETE": ["on"]}

        response = signed_in.post(change_url(finished), data)

        assert response.status_code == 302
        assert headings(finished) == ["The main theme", "The opening"]

    def test_featured_tracks_move_the_same_way(self, signed_in, finished):
        first, second = (
            FeaturedTrackFactory(article=finished, position=position, track=TrackFactory(work=finished.work))
            for position in (1, 2)
        )
        data = submitted(signed_in, finished)
        data |= {"featured_tracks-0-position": ["2"], "featured_tracks-1-position": ["1"]}

        signed_in.post(change_url(finished), data)

        assert list(finished.featured_tracks.order_by("position")) == [second, first]
