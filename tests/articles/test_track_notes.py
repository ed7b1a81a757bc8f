"""Featured tracks: spoilers in their notes (the comments' ``||…||``, by the article renderer, with a policy that
allows the spoiler's markup and nothing more), and listening links that name the service they open."""

import pytest

from articles.listening import service_name
from articles.markup import ARTICLE, NOTE, render_markdown, sanitize_html
from comments.markup import COMMENT
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, SectionFactory, TrackFactory
from tests.utils.html import get_page, parse_fragment
from tests.utils.markup import HOSTILE_INPUTS, ids, url_scheme, urls

SPOILER = {"label", "input", "span"}
# Exactly what a note may hold beyond an article's text: the spoiler's label, checkbox and text.
NOTE_ONLY_ATTRIBUTES = {("label", "class"), ("label", "title"), ("input", "class"), ("input", "type"),
                        ("input", "aria-label"), ("span", "class")}  # fmt: skip


def note(text: str) -> str:
    return render_markdown(text, NOTE, id_prefix="track-1-")


def assert_within_the_note_policy(html: str) -> None:
    page = parse_fragment(html)
    assert page.tags <= ARTICLE.tags | SPOILER, f"tags {page.tags - ARTICLE.tags - SPOILER} in {html!r}"
    for tag, attrs in page.elements:
        allowed = {"lang", "title", *ARTICLE.attributes.get(tag, ())}
        allowed |= {name for spoiler_tag, name in NOTE_ONLY_ATTRIBUTES if spoiler_tag == tag}
        if tag in ARTICLE.classes:
            allowed.add("class")
        if tag == "a":
            allowed.add("rel")
        assert set(attrs) <= allowed, f"attributes {set(attrs) - allowed} on <{tag}> in {html!r}"
        assert not any(name.startswith("on") for name in attrs), html
        if tag == "input":  # never a text box, an image button or a submit button
            assert attrs["type"] == "checkbox" and attrs.get("class", "spoiler-toggle") == "spoiler-toggle", html
        if tag in ("label", "span") and "class" in attrs:
            assert attrs["class"] in {"spoiler", "spoiler-text"}, html
    for url in urls(page):
        assert url_scheme(url) in {None, "http", "https", "mailto"}, html


class TestSpoilersInNotes:
    def test_a_spoiler_hides_its_text_behind_a_checkbox_no_script(self):
        page = parse_fragment(note("The choir enters as ||the orchard burns||."))

        assert page.elements == [
            ("p", {}),
            ("label", {"class": "spoiler", "title": "Spoiler: select to show"}),
            ("input", {"type": "checkbox", "class": "spoiler-toggle", "aria-label": "Show spoiler"}),
            ("span", {"class": "spoiler-text"}),
        ]
        assert "".join(page.text) == "The choir enters as the orchard burns."

    def test_the_rest_of_an_articles_markdown_still_works_in_a_note(self):
        page = parse_fragment(note("*Soft* ||**loud** ending|| and [a link](https://example.com)[^1].\n\n[^1]: Yes."))

        assert {"em", "strong", "a", "label", "sup", "div"} <= page.tags
        assert "track-1-fn:1" in ids(page)

    def test_notes_and_comments_make_the_same_spoiler(self):
        text = "Wait for ||the key change||."
        assert note(text) == render_markdown(text, COMMENT)

    def test_sections_and_standfirsts_keep_their_bars_as_typed(self):
        assert parse_fragment(render_markdown("A ||plain|| pair of bars.")).tags == {"p"}

    def test_the_article_policy_drops_a_spoilers_markup_where_the_note_policy_keeps_it(self):
        html = note("||hidden||")

        assert sanitize_html(html, NOTE) == html
        assert parse_fragment(sanitize_html(html, ARTICLE)).tags == {"p"}

    @pytest.mark.parametrize(
        "html",
        [
            '<input type="text" class="spoiler-toggle" aria-label="Show spoiler">',
            '<input class="spoiler-toggle" onclick="alert(1)" autofocus onfocus="alert(2)">',
            '<input type="image" src="javascript:alert(1)"><input type="submit" formaction="javascript:alert(1)">',
            '<label for="id_body" class="spoiler evil" style="color:red">x</label>',
            '<span class="spoiler-text hidden" id="main">x</span>',
        ],
    )
    def test_stored_html_gets_only_a_harmless_checkbox_out_of_the_note_policy(self, html):
        assert_within_the_note_policy(sanitize_html(html, NOTE))

    @pytest.mark.parametrize("text", HOSTILE_INPUTS)
    def test_hostile_markdown_in_a_note_renders_into_harmless_html(self, text):
        assert_within_the_note_policy(note(text))
        assert_within_the_note_policy(note(f"||{text}||"))


@pytest.mark.django_db
class TestOnThePage:
    def test_a_spoiler_in_a_note_reaches_the_page_and_not_in_a_section(self, client):
        article = ArticleFactory()
        SectionFactory(article=article, body="No ||spoilers|| here.")
        FeaturedTrackFactory(article=article, note="It plays as ||the hero falls||.")

        page = get_page(client, article.get_absolute_url())

        track = page.find("li", class_="featured-track")
        assert track.find("span", class_="spoiler-text").text == "the hero falls"
        assert track.find("input", class_="spoiler-toggle").attrs["type"] == "checkbox"
        assert page.find("section", class_="article-section").find_all("label") == []

    @pytest.mark.parametrize(
        ("url", "service"),
        [
            ("https://www.youtube.com/watch?v=x", "YouTube"),
            ("https://m.youtube.com/watch?v=x", "YouTube"),
            ("https://youtu.be/x", "YouTube"),
            ("https://music.youtube.com/watch?v=x", "YouTube Music"),
            ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "Spotify"),
            ("https://music.apple.com/gb/album/x/1", "Apple Music"),
            ("https://artist.bandcamp.com/track/x", "Bandcamp"),
            ("https://bandcamp.com/x", "Bandcamp"),
            ("https://soundcloud.com/x/y", "SoundCloud"),
            ("https://listen.tidal.com/track/1", "Tidal"),
            ("https://www.deezer.com/track/1", "Deezer"),
        ],
    )
    def test_the_listening_link_names_the_service_it_opens(self, client, url, service):
        article = ArticleFactory()
        FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="Updraft"), listening_url=url)

        link = get_page(client, article.get_absolute_url()).find("a", class_="listen-link")

        assert link.text == f"Listen on {service}: “Updraft”"
        assert link.find("span", class_="visually-hidden").text == ": “Updraft”"

    def test_a_host_the_settings_allow_without_a_name_here_is_shown_as_it_is(self, settings):
        settings.LISTENING_LINK_HOSTS = [*settings.LISTENING_LINK_HOSTS, "mixcloud.com"]

        assert service_name("https://www.mixcloud.com/x/") == "mixcloud.com"
        assert service_name("https://notyoutube.com/x") == "notyoutube.com"  # a suffix is not a subdomain
