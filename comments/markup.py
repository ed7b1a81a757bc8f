"""Comment bodies: a small, safe Markdown subset (no headings, images, tables or raw HTML) with spoilers."""

from articles.markup import MarkupPolicy, render_markdown, with_spoilers

_PLAIN_COMMENT = MarkupPolicy(
    name="plain comment",
    tags=frozenset({"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}),
    attributes={"a": frozenset({"href", "title"}), "ol": frozenset({"start"})},
    classes={},
    link_rel="nofollow ugc noopener",
    extensions=("fenced_code", "sane_lists", "smarty"),
    disabled=(
        ("parser.blockprocessors", "hashheader"),
        ("parser.blockprocessors", "setextheader"),
        ("parser.blockprocessors", "hr"),
        ("inlinePatterns", "image_link"),
        ("inlinePatterns", "image_reference"),
    ),
)
# ``||text||`` hides text until the reader ticks it (articles/markup.py: the same spoilers as track notes).
COMMENT = with_spoilers(_PLAIN_COMMENT, name="comment")


def render_comment(body: str) -> str:
    return render_markdown(body, COMMENT)
