"""The placeholders left, marked in the editors' previews (articles/highlights.py): exactly the placeholders the
publish check counts, never inside a tag, and nothing more than a <mark> added to what readers would get."""

import re

import pytest
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains

from articles.highlights import highlight_placeholders_in_text, render_highlighting_placeholders
from articles.markup import render_markdown
from articles.models import Article
from articles.placeholders import find_placeholders
from tests.utils.admin import form_data
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, SectionFactory, editor

MARK = '<mark class="placeholder">'


def marked(html: str) -> list[str]:
    return [piece.split("</mark>")[0] for piece in html.split(MARK)[1:]]


class TestTheMarks:
    def test_each_placeholder_is_marked_in_the_rendered_text(self):
        html = render_highlighting_placeholders("Listen to [specific track], then *[another track]*.")

        assert html == (f"<p>Listen to {MARK}[specific track]</mark>, then <em>{MARK}[another track]</mark></em>.</p>")

    def test_links_code_escapes_footnotes_and_images_are_not_placeholders(self):
        text = (
            "See [the score](https://example.com), `[code]`, \\[kept\\], [^1], ![a [cover]](c.png) and [sic].\n\n"
            "[^1]: A [note to fill].\n"
        )

        html = render_highlighting_placeholders(text)

        assert marked(html) == ["[note to fill]"] == find_placeholders(text)

    def test_a_placeholder_in_a_links_text_is_marked_inside_the_link(self):
        html = render_highlighting_placeholders("[Hear [specific track]](https://example.com/listen)")

        assert (
            html == f'<p><a href="https://example.com/listen" rel="noopener">Hear {MARK}[specific track]</mark></a></p>'
        )

    def test_a_placeholder_in_an_address_is_marked_in_the_text_never_in_the_attribute(self):
        html = render_highlighting_placeholders("<https://example.com/[track]>")

        assert html.startswith('<p><a href="https://example.com/[track]" rel="noopener">')
        assert marked(html) == ["[track]"]

    def test_a_heading_keeps_the_id_it_has_without_marks(self):
        text = "## Why [title] matters"

        html = render_highlighting_placeholders(text, id_prefix="section-2-")

        assert 'id="section-2-why-title-matters"' in render_markdown(text, id_prefix="section-2-")
        assert html == f'<h4 id="section-2-why-title-matters">Why {MARK}[title]</mark> matters</h4>'

    def test_the_private_characters_that_carry_the_marks_mean_nothing_when_an_editor_types_them(self):
        html = render_highlighting_placeholders("A \ue000trap\ue001 and <https://example.com/\ue000\ue001>")

        assert MARK not in html and "\ue000" not in html and "\ue001" not in html

    def test_hostile_text_in_a_placeholder_stays_text(self):
        html = render_highlighting_placeholders('[<script>alert(1)</script>] [x" onmouseover="alert(1)]')

        assert "<script" not in html and 'onmouseover="' not in html
        assert marked(html) == ["[&lt;script&gt;alert(1)&lt;/script&gt;]", "[x” onmouseover=”alert(1)]"]

    def test_plain_text_is_escaped_and_its_placeholders_marked(self):
        assert highlight_placeholders_in_text("Why <b>[title]</b> & [x]") == (
            f"Why &lt;b&gt;{MARK}[title]</mark>&lt;/b&gt; &amp; {MARK}[x]</mark>"
        )

    def test_a_placeholder_cut_by_markup_gets_a_mark_in_each_piece_named_once(self):
        html = render_highlighting_placeholders("[a **b** c] and [*d]*")

        continued = '<mark class="placeholder placeholder-continued">'
        assert html == (
            f"<p>{MARK}[a </mark><strong>{continued}b</mark></strong>{continued} c]</mark> and "
            f"{MARK}[</mark><em>{continued}d]</mark></em></p>"
        )

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet='[]()!^:*_`\\<>#-\n\t "&ab1', max_size=80))
    @example(">[a]:1")  # a reference defined in a blockquote, as a list item's, is not a placeholder
    @example("- x\n\n    [a]: 1\n\n[a]")
    @example('"[:a]')  # the quote before a placeholder curls as on the reader's page
    def test_without_its_marks_the_html_is_what_readers_get(self, text):
        html = render_highlighting_placeholders(text)

        assert re.sub("</?mark[^>]*>", "", html) == render_markdown(text)


@pytest.mark.django_db
class TestThePreviews:
    @pytest.fixture
    def draft(self, client):
        client.force_login(editor())
        article = ArticleFactory(title="Why [title] matters", status=Article.Status.DRAFT, publish_at=None)
        SectionFactory(article=article, position=1, heading="The [theme]", body="Listen to [specific track].")
        FeaturedTrackFactory(article=article, position=1, note="Hear [the detail].")
        return article

    def test_the_preview_of_unsaved_changes_marks_the_placeholders_left_and_counts_them(self, client, draft):
        data = form_data(client.get(reverse("admin:articles_article_change", args=[draft.pk])))
        data["sections-0-body"] = ["Listen to [another track] and *[a third]*."]

        response = client.post(reverse("admin:articles_article_preview", args=[draft.pk]), data)

        assertContains(response, "<strong>5 placeholders left</strong>, highlighted below")
        assertContains(response, f'<h1 id="article-title">Why {MARK}[title]</mark> matters</h1>', html=True)
        assertContains(response, f"The {MARK}[theme]</mark></h2>")
        assertContains(response, f"<p>Listen to {MARK}[another track]</mark> and <em>{MARK}[a third]</mark></em>.</p>")
        assertContains(response, f"<p>Hear {MARK}[the detail]</mark>.</p>")
        assertNotContains(response, "[specific track]")
        draft.refresh_from_db()
        assert "[specific track]" in draft.sections.get().body and MARK not in draft.sections.get().body_html

    def test_the_draft_seen_on_the_site_by_its_editor_has_them_marked_too(self, client, draft):
        response = client.get(draft.get_absolute_url())

        assertContains(response, "<strong>4 placeholders left</strong>")
        assertContains(response, f"<p>Listen to {MARK}[specific track]</mark>.</p>")

    def test_readers_never_get_marks(self, client):
        article = ArticleFactory(title="An [odd] title")
        SectionFactory(article=article, body="A [bracket] left by a script.")

        response = client.get(article.get_absolute_url())

        assertContains(response, "A [bracket] left by a script.")
        assertNotContains(response, "<mark")
        assertNotContains(response, "placeholders left")
