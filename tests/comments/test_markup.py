"""Comment bodies: a small Markdown subset, spoilers, and hostile input that must never become markup.

Output is read with ``html.parser`` the way a browser would read it, never searched for substrings.
"""

from pathlib import Path

import pytest

from articles.markup import sanitize_html
from comments.markup import COMMENT, render_comment
from tests.utils.html import Document, parse_fragment
from tests.utils.markup import url_scheme

XSS_CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "xss"
REL = "nofollow ugc noopener"

# Exactly what a comment may contain: nh3 also allows the inert ``lang`` and ``title`` everywhere.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "ol": {"start"},
    "label": {"class", "title"},
    "input": {"type", "class", "aria-label"},
    "span": {"class"},
}
SPOILER_TOGGLE = {"type": "checkbox", "class": "spoiler-toggle", "aria-label": "Show spoiler"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def all_attrs(page: Document, tag: str) -> list[dict[str, str | None]]:
    return [node.attrs for node in page.find_all(tag)]


def markup_declarations(page: Document) -> list[str]:
    """The comments, declarations and processing instructions in the fragment."""
    return page.comments + page.declarations + page.processing_instructions


def assert_within_the_comment_allow_list(html: str) -> None:
    page = parse_fragment(html)
    assert page.tags <= COMMENT.tags, f"tags {page.tags - COMMENT.tags} outside the allow-list in {html!r}"
    for tag, attrs in page.elements:
        stray = set(attrs) - ALLOWED_ATTRIBUTES.get(tag, set()) - {"lang", "title"}
        assert not stray, f"attributes {stray} on <{tag}> in {html!r}"
    for attrs in all_attrs(page, "a"):
        assert attrs.get("rel") == REL, html
        scheme = url_scheme(attrs.get("href") or "")
        assert scheme is None or scheme in SAFE_SCHEMES, f"{scheme}: link in {html!r}"
    assert all(attrs == SPOILER_TOGGLE for attrs in all_attrs(page, "input")), f"a non-spoiler input in {html!r}"
    assert all(attrs.get("class") == "spoiler" for attrs in all_attrs(page, "label")), html
    assert not markup_declarations(page), html


class TestTheMarkdownSubset:
    def test_emphasis_strong_emphasis_and_inline_code(self):
        assert render_comment("*soft* __loud__ `cue`") == (
            "<p><em>soft</em> <strong>loud</strong> <code>cue</code></p>"
        )

    def test_links_keep_their_address_and_title_and_are_marked_as_user_content(self):
        html = render_comment('[the score](https://example.com/score "Listen") and <https://musicbrainz.org/>')

        assert html == (
            f'<p><a href="https://example.com/score" title="Listen" rel="{REL}">the score</a> and '
            f'<a href="https://musicbrainz.org/" rel="{REL}">https://musicbrainz.org/</a></p>'
        )

    def test_fenced_and_indented_code_blocks_keep_their_text_verbatim(self):
        assert render_comment("```\nif a < b:\n    play('theme')\n```") == (
            "<pre><code>if a &lt; b:\n    play('theme')\n</code></pre>"
        )
        assert render_comment("    loop()\n    fade()") == "<pre><code>loop()\nfade()\n</code></pre>"

    def test_quotes_and_lists(self):
        assert render_comment("> The music is the space between the notes.") == (
            "<blockquote>\n<p>The music is the space between the notes.</p>\n</blockquote>"
        )
        assert render_comment("- Strings\n- Brass\n\n3. Third cue\n4. Fourth cue") == (
            "<ul>\n<li>Strings</li>\n<li>Brass</li>\n</ul>\n"
            '<ol start="3">\n<li>Third cue</li>\n<li>Fourth cue</li>\n</ol>'
        )

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("# The best cue", "# The best cue"),
            ("### Track list", "### Track list"),
            ("The best cue\n============", "The best cue\n============"),
        ],
    )
    def test_headings_are_shown_as_the_text_typed(self, text, shown):
        page = parse_fragment(render_comment(text))

        assert page.tags == {"p"}
        assert page.raw_text == shown

    def test_images_are_shown_as_text_never_loaded(self):
        page = parse_fragment(render_comment("![cover](https://example.com/cover.jpg)"))

        assert page.tags == {"p"}
        assert page.raw_text == "![cover](https://example.com/cover.jpg)"

    def test_a_reference_image_never_becomes_an_image(self):
        page = parse_fragment(render_comment("![cover][1]\n\n[1]: https://example.com/cover.jpg"))

        assert "img" not in page.tags

    def test_tables_and_rules_are_not_drawn(self):
        page = parse_fragment(render_comment("| Cue | Length |\n|-----|--------|\n| Time | 4:35 |\n\n***\n\n- - -"))

        assert not page.tags & {"table", "thead", "tbody", "tr", "th", "td", "hr"}
        assert "Cue | Length" in page.raw_text

    def test_raw_html_is_shown_as_text(self):
        html = render_comment('Make it <b>loud</b> <div class="x">and</div> <em>soft</em>.')
        page = parse_fragment(html)

        assert page.tags == {"p"}
        assert page.raw_text == "Make it <b>loud</b> <div class=\u201dx\u201d>and</div> <em>soft</em>."

    def test_a_link_with_a_script_address_keeps_its_text_but_loses_its_address(self):
        page = parse_fragment(render_comment("[listen](javascript:alert(1))"))

        assert all_attrs(page, "a") == [{"rel": REL}]
        assert page.raw_text == "listen"

    def test_blank_bodies_render_nothing(self):
        assert render_comment("  \n ") == ""


class TestSpoilers:
    def test_a_spoiler_renders_as_a_label_with_a_checkbox_and_the_hidden_text(self):
        html = render_comment("In the end ||the theme returns on solo piano||, beautifully.")

        assert parse_fragment(html).elements == [
            ("p", {}),
            ("label", {"class": "spoiler", "title": "Spoiler: select to show"}),
            ("input", SPOILER_TOGGLE),
            ("span", {"class": "spoiler-text"}),
        ]
        assert parse_fragment(html).raw_text == "In the end the theme returns on solo piano, beautifully."

    def test_the_spoiler_structure_survives_the_sanitizer(self):
        html = render_comment("||The hero dies|| and ||the villain wins||")

        assert sanitize_html(html, COMMENT) == html
        assert len(all_attrs(parse_fragment(html), "input")) == 2

    def test_markdown_inside_a_spoiler_still_renders(self):
        page = parse_fragment(
            render_comment("||**the choir** comes back in [the finale](https://example.com/finale)||")
        )

        assert [tag for tag, _ in page.elements] == ["p", "label", "input", "span", "strong", "a"]

    @pytest.mark.parametrize("text", ["`||code||`", "|| spaced ||", "a ||half", "```\n||fenced||\n```"])
    def test_pipes_that_do_not_mark_a_spoiler_stay_text(self, text):
        page = parse_fragment(render_comment(text))

        assert not page.tags & {"label", "input", "span"}
        assert "||" in page.raw_text

    @pytest.mark.parametrize(
        "text",
        [
            '<input type="text" name="password">',
            '<input type="checkbox" class="spoiler-toggle" onchange="alert(1)">',
            '<label onclick="alert(1)">click me</label>',
            '<label class="spoiler"><input type="text"><span class="spoiler-text">x</span></label>',
            '||<input type="text">||',
            '||<label onclick="alert(1)">x</label>||',
            '<span class="spoiler-text" style="display:block">x</span>',
        ],
    )
    def test_hand_typed_spoiler_markup_never_becomes_elements(self, text):
        html = render_comment(text)
        page = parse_fragment(html)

        assert all(attrs == SPOILER_TOGGLE for attrs in all_attrs(page, "input")), html
        assert all("onclick" not in attrs for attrs in all_attrs(page, "label")), html
        assert len(all_attrs(page, "label")) == (1 if text.startswith("||") else 0)
        assert_within_the_comment_allow_list(html)


HOSTILE_INPUTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[listen](JaVaScRiPt:alert(1))",
    "[listen](&#106;avascript:alert(1))",
    "[listen](java\tscript:alert(1))",
    "[listen](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    '[x](https://a.example" onclick="alert(1))',
    "||<img src=x onerror=alert(1)>||",
    "||[x](javascript:alert(1))||",
    "[||x||](javascript:alert(1))",
    "|| ||<svg onload=alert(1)>|| ||",
    "> <iframe src=https://evil.example></iframe>\n> - <form action=javascript:alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "```\n</code></pre><script>alert(1)</script>\n```",
]


def corpus(name: str) -> list[str]:
    path = XSS_CORPORA / name
    assert path.is_file(), f"{path} is missing; CI checks the shared corpora out beside the clone"
    return [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_hostile_input_renders_only_tags_and_attributes_from_the_comment_allow_list(text):
    assert_within_the_comment_allow_list(render_comment(text))


@pytest.mark.parametrize("name", ["xss_payloads_quick.txt", "XSS_Polyglots.txt"])
def test_published_xss_payloads_render_only_tags_from_the_comment_allow_list(name):
    payloads = corpus(name)
    failures = []
    for payload in payloads:
        for text in (payload, f"||{payload}||", f"> {payload}"):
            try:
                assert_within_the_comment_allow_list(render_comment(text))
            except AssertionError as error:
                failures.append(str(error))

    assert len(payloads) > 10
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_sanitizing_a_rendered_comment_again_changes_nothing(text):
    html = render_comment(text)

    assert sanitize_html(html, COMMENT) == html


@pytest.mark.parametrize(
    "html",
    [
        "<img src=x>",
        "<h1>Title</h1>",
        "<input>",
        '<input type="text" class="spoiler-toggle" aria-label="Show spoiler">',
        '<label class="spoiler" onclick="alert(1)">x</label>',
        '<span class="spoiler-text" style="color:red">x</span>',
        '<a href="https://example.com/">no rel</a>',
        f'<a href=" java&#9;script:alert(1)" rel="{REL}">x</a>',
        "<!-- hidden -->",
    ],
)
def test_the_allow_list_check_itself_catches_what_it_looks_for(html):
    with pytest.raises(AssertionError):
        assert_within_the_comment_allow_list(html)


@pytest.mark.parametrize(
    "stored", ["<input type=text>", "<input autofocus onfocus=alert(1)>", "<input>", '<input type="hidden" name="x">']
)
def test_the_sanitizer_alone_never_leaves_a_text_box_in_stored_comment_html(stored):
    cleaned = sanitize_html(stored, COMMENT)

    assert cleaned == '<input type="checkbox">'
    assert sanitize_html(cleaned, COMMENT) == cleaned
