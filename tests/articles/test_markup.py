"""Markdown rendering: the extensions editors rely on, and hostile input that must never reach a page.

Output is checked through an HTML parser, the way a browser would read it, never by substring (tests/utils/markup.py).
"""

import json
from pathlib import Path

import pytest

from articles.markup import render_markdown, sanitize_html
from tests.utils.html import Document, parse_fragment
from tests.utils.markup import HOSTILE_INPUTS, assert_harmless, ids, urls

XSS_CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "xss"


def attributes_of_first(page: Document, tag: str) -> dict[str, str | None]:
    """The attributes of the first ``tag`` in the fragment."""
    return page.find_all(tag)[0].attrs


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_hostile_markdown_renders_into_harmless_html(text):
    assert_harmless(render_markdown(text, id_prefix="section-1-"))


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_the_sanitizer_alone_makes_hostile_html_harmless(text):
    # The Markdown layer escapes raw HTML; this proves the second layer would hold if the first did not.
    assert_harmless(sanitize_html(text))


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_sanitizing_rendered_output_again_changes_nothing(text):
    html = render_markdown(text, id_prefix="section-1-")

    assert sanitize_html(html) == html


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_sanitizing_twice_is_the_same_as_sanitizing_once(text):
    once = sanitize_html(text)

    assert sanitize_html(once) == once


@pytest.mark.parametrize(
    "html",
    [
        '<a href="&#106;ava&#9;script:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<p style="color:red">x</p>',
        "<svg></svg>",
        "<script></script>",
        "<!-- hidden -->",
    ],
)
def test_the_harmlessness_check_itself_catches_what_it_looks_for(html):
    with pytest.raises(AssertionError):
        assert_harmless(html)


def test_raw_html_typed_in_markdown_is_shown_as_text():
    html = render_markdown("Make it <b>hi</b> & <i>bye</i>.")

    assert html == "<p>Make it &lt;b&gt;hi&lt;/b&gt; &amp; &lt;i&gt;bye&lt;/i&gt;.</p>"
    page = parse_fragment(html)
    assert page.tags == {"p"}
    assert page.raw_text == "Make it <b>hi</b> & <i>bye</i>."


def test_script_tags_never_reach_the_page_but_their_text_is_visible():
    page = parse_fragment(render_markdown("<script>alert(1)</script>"))

    assert page.tags == {"p"}
    assert page.raw_text == "<script>alert(1)</script>"


def test_empty_or_blank_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("  \n\t\n") == ""


class TestExtensions:
    def test_tables_render_with_alignment_as_an_align_attribute(self):
        html = render_markdown("| Cue | Film | Length |\n|:--|:-:|--:|\n| Time | Inception | 4:35 |")

        assert html == (
            "<table>\n<thead>\n<tr>\n"
            '<th align="left">Cue</th>\n<th align="center">Film</th>\n<th align="right">Length</th>\n'
            "</tr>\n</thead>\n<tbody>\n<tr>\n"
            '<td align="left">Time</td>\n<td align="center">Inception</td>\n<td align="right">4:35</td>\n'
            "</tr>\n</tbody>\n</table>"
        )

    def test_fenced_code_is_kept_verbatim_and_escaped(self):
        html = render_markdown("```python\nif a < b and c > \"d\":\n    print('x -- y')\n```")

        assert html == "<pre><code>if a &lt; b and c &gt; \"d\":\n    print('x -- y')\n</code></pre>"

    def test_tilde_fences_work_too(self):
        assert render_markdown("~~~\nplay()\n~~~") == "<pre><code>play()\n</code></pre>"

    def test_footnotes_link_both_ways_with_prefixed_ids(self):
        html = render_markdown("The cue[^cue] returns.\n\n[^cue]: In the finale.", id_prefix="section-2-")
        page = parse_fragment(html)

        assert attributes_of_first(page, "sup") == {"id": "section-2-fnref:cue"}
        assert attributes_of_first(page, "a") == {
            "class": "footnote-ref",
            "href": "#section-2-fn:cue",
            "rel": "noopener",
        }
        assert attributes_of_first(page, "div") == {"class": "footnote"}
        assert attributes_of_first(page, "li") == {"id": "section-2-fn:cue"}
        assert "section-2-fnref:cue" in ids(page)
        assert {"#section-2-fn:cue", "#section-2-fnref:cue"} <= set(urls(page))
        assert "In the finale." in page.raw_text

    def test_every_footnote_link_points_at_an_id_on_the_fragment(self):
        page = parse_fragment(render_markdown("A[^1] b[^2].\n\n[^1]: One.\n[^2]: Two.", id_prefix="s-"))

        assert {url for url in urls(page) if url.startswith("#")} == {f"#{id_}" for id_ in ids(page)}

    def test_two_sections_on_one_page_never_share_an_id(self):
        text = "# The Theme\n\nIt returns[^1].\n\n[^1]: Twice."
        first = parse_fragment(render_markdown(text, id_prefix="section-1-"))
        second = parse_fragment(render_markdown(text, id_prefix="section-2-"))

        assert len(ids(first)) == 3
        assert all(id_.startswith("section-1-") for id_ in ids(first))
        assert all(id_.startswith("section-2-") for id_ in ids(second))
        assert not set(ids(first)) & set(ids(second))

    def test_smart_quotes_dashes_and_ellipses(self):
        page = parse_fragment(render_markdown('"Hans\'s" score -- loud --- and long...'))

        assert page.raw_text == "\u201cHans\u2019s\u201d score \u2013 loud \u2014 and long\u2026"

    def test_smart_quotes_leave_code_alone(self):
        assert render_markdown('`"raw" -- code`') == '<p><code>"raw" -- code</code></p>'

    def test_a_top_level_heading_becomes_an_h3_with_a_prefixed_id(self):
        html = render_markdown("# The Main Theme\n\n## A Variation", id_prefix="section-3-")

        assert html == (
            '<h3 id="section-3-the-main-theme">The Main Theme</h3>\n<h4 id="section-3-a-variation">A Variation</h4>'
        )

    def test_no_heading_level_above_h3_is_ever_produced(self):
        page = parse_fragment(render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six"))

        assert page.tags == {"h3", "h4", "h5", "h6"}

    def test_repeated_headings_get_distinct_ids(self):
        page = parse_fragment(render_markdown("# Theme\n\n# Theme", id_prefix="p-"))

        assert ids(page) == ["p-theme", "p-theme_1"]

    def test_unordered_and_ordered_lists(self):
        html = render_markdown("- Strings\n- Brass\n\n3. Third\n4. Fourth")

        assert html == (
            '<ul>\n<li>Strings</li>\n<li>Brass</li>\n</ul>\n<ol start="3">\n<li>Third</li>\n<li>Fourth</li>\n</ol>'
        )

    def test_blockquotes(self):
        assert render_markdown("> Music is\n> the space between the notes.") == (
            "<blockquote>\n<p>Music is\nthe space between the notes.</p>\n</blockquote>"
        )

    def test_links_keep_href_and_title_and_get_rel_noopener(self):
        html = render_markdown('[the score](https://example.com/score "Listen")')

        assert html == '<p><a href="https://example.com/score" title="Listen" rel="noopener">the score</a></p>'

    def test_autolinks_and_mail_links_get_rel_noopener(self):
        page = parse_fragment(render_markdown("<https://example.com/> and <editor@example.com>"))

        assert urls(page) == ["https://example.com/", "mailto:editor@example.com"]
        assert [attrs.get("rel") for tag, attrs in page.elements if tag == "a"] == ["noopener", "noopener"]

    def test_images_keep_their_https_source_and_alt_text(self):
        html = render_markdown('![Album cover](https://example.com/cover.jpg "Cover")')

        assert html == '<p><img alt="Album cover" src="https://example.com/cover.jpg" title="Cover"></p>'

    def test_emphasis_strong_code_and_rules(self):
        assert render_markdown("*soft* **loud** `cue`\n\n---") == (
            "<p><em>soft</em> <strong>loud</strong> <code>cue</code></p>\n<hr>"
        )


class TestSanitizeHtml:
    def test_footnote_classes_survive_but_other_classes_do_not(self):
        html = sanitize_html('<div class="footnote wide"><a class="footnote-ref evil" href="#x">1</a></div>')

        assert html == '<div class="footnote"><a class="footnote-ref" href="#x" rel="noopener">1</a></div>'

    def test_tags_outside_the_policy_are_removed_but_their_text_kept(self):
        assert sanitize_html("<span>cello</span> <h1>Title</h1>") == "cello Title"

    def test_script_and_style_content_is_removed_with_the_tag(self):
        assert sanitize_html("<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>") == "<p>a</p><p>b</p>"


# Fixed names, not a glob: a missing corpus must fail the test, never shrink it to nothing.
CORPUS_FILES = [
    "xss_payloads_quick.txt",
    "XSS_Polyglots.txt",
    "BRUTELOGIC-XSS-STRINGS.txt",
    "IntrudersXSS.txt",
    "JHADDIX_XSS.txt",
    "MarioXSSVectors.txt",
    "RSNAKE_XSS.txt",
    "XSSDetection.txt",
    "xss_alert.txt",
]
CORPUS_LINES = 200


def corpus_payloads(name: str) -> list[str]:
    assert XSS_CORPORA.is_dir(), f"{XSS_CORPORA} is missing; CI checks it out beside the clone"
    path = XSS_CORPORA / name
    if path.suffix == ".json":
        return [payload for payload in json.loads(path.read_text(encoding="utf-8")) if payload.strip()]
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[:CORPUS_LINES]
    return [line for line in lines if line.strip()]


def harm_in(html: str) -> str | None:
    try:
        assert_harmless(html)
    except AssertionError as error:
        return str(error)
    return None


@pytest.mark.parametrize("name", [*CORPUS_FILES, "big-list-of-naughty-strings.json"])
def test_published_xss_payloads_render_harmlessly(name):
    payloads = corpus_payloads(name)
    failures = []
    for payload in payloads:
        for html in (render_markdown(payload, id_prefix="c-"), sanitize_html(payload)):
            if problem := harm_in(html):
                failures.append(problem)

    assert payloads
    assert not failures, "\n".join(failures[:20])


def test_a_renderer_kept_for_the_next_text_carries_nothing_of_the_last():
    """Renderers are made once per thread and reused: footnotes, heading ids and references start afresh."""
    first = render_markdown("## Theme\n\nA claim.[^1]\n\n[^1]: The source.\n\n[ref]: https://example.com/")
    second = render_markdown("## Theme\n\nNo notes, and [a reference][ref].")

    assert "The source." in first and 'id="theme"' in second
    assert "The source." not in second and "footnote" not in second
    assert "https://example.com/" not in second  # the first text's reference is not defined here
    assert render_markdown("## Theme\n\nA claim.[^1]\n\n[^1]: The source.\n\n[ref]: https://example.com/") == first
