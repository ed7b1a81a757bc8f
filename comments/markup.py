"""Comment bodies: a small, safe Markdown subset (no headings, images, tables or raw HTML) with spoilers."""

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from articles.markup import MarkupPolicy, render_markdown

SPOILER_PATTERN = r"\|\|(?=\S)(.+?)(?<=\S)\|\|"


class SpoilerProcessor(InlineProcessor):
    """``||text||`` becomes a label that hides the text until the reader ticks it: no script, so strict CSP is fine."""

    def handleMatch(self, match, data):  # noqa: N802 (Python-Markdown's name)
        label = etree.Element("label", {"class": "spoiler", "title": "Spoiler: select to show"})
        etree.SubElement(label, "input", {"type": "checkbox", "class": "spoiler-toggle", "aria-label": "Show spoiler"})
        text = etree.SubElement(label, "span", {"class": "spoiler-text"})
        text.text = match.group(1)
        return label, match.start(0), match.end(0)


class SpoilerExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        md.inlinePatterns.register(SpoilerProcessor(SPOILER_PATTERN, md), "spoiler", 175)


COMMENT = MarkupPolicy(
    name="comment",
    tags=frozenset(
        {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "label", "input", "span"}
    ),
    attributes={
        "a": frozenset({"href", "title"}),
        "ol": frozenset({"start"}),
        "label": frozenset({"title"}),
        "input": frozenset({"aria-label"}),
    },
    classes={
        "label": frozenset({"spoiler"}),
        "input": frozenset({"spoiler-toggle"}),
        "span": frozenset({"spoiler-text"}),
    },
    attribute_values={"input": {"type": frozenset({"checkbox"})}},
    forced_attributes={"input": {"type": "checkbox"}},  # an <input> with no type would be a text box
    link_rel="nofollow ugc noopener",
    extensions=("fenced_code", "sane_lists", "smarty", lambda _prefix: SpoilerExtension()),
    disabled=(
        ("parser.blockprocessors", "hashheader"),
        ("parser.blockprocessors", "setextheader"),
        ("parser.blockprocessors", "hr"),
        ("inlinePatterns", "image_link"),
        ("inlinePatterns", "image_reference"),
    ),
)


def render_comment(body: str) -> str:
    return render_markdown(body, COMMENT)
