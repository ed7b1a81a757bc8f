"""Checks of rendered Markdown against hostile input, read through the parser the way a browser would read it.

Never by substring: a check for ``"javascript:"`` misses ``&#106;avascript:`` and tabs inside the scheme.
"""

import re

from articles.markup import ARTICLE, URL_SCHEMES
from tests.utils.html import Document, parse_fragment

FORBIDDEN_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "style", "svg", "form", "input", "meta", "link", "base", "math"}
)
FORBIDDEN_SCHEMES = frozenset({"javascript", "vbscript", "data"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "srcset"}
)
# What a browser's URL parser throws away before it reads the scheme.
_C0_CONTROL_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def url_scheme(url: str) -> str | None:
    """Return the scheme a browser would see in an (already entity-decoded) attribute value."""
    url = _TAB_OR_NEWLINE.sub("", url.strip(_C0_CONTROL_OR_SPACE))
    match = _SCHEME.match(url)
    return match[1].lower() if match else None


def urls(page: Document) -> list[str]:
    """Every URL in an attribute that holds one, in document order (a repeated attribute too)."""
    return [value or "" for node in page.descendants() for name, value in node.attribute_list if name in URL_ATTRIBUTES]


def ids(page: Document) -> list[str]:
    return [value or "" for node in page.descendants() for name, value in node.attribute_list if name == "id"]


def allowed_attributes(tag: str) -> set[str]:
    # nh3 allows ``lang`` and ``title`` on every tag by default; both are inert.
    allowed = {"lang", "title", *ARTICLE.attributes.get(tag, ())}
    if tag in ARTICLE.classes:
        allowed.add("class")
    if tag == "a":
        allowed.add("rel")
    return allowed


def assert_harmless(html: str) -> None:
    """Only tags, attributes and URL schemes of the article policy; no comment nor declaration of any kind."""
    page = parse_fragment(html)
    attribute_names = {name for _, name in page.attributes}
    declarations = page.declarations + page.processing_instructions + page.marked_sections

    assert not page.tags & FORBIDDEN_TAGS, f"forbidden tags {page.tags & FORBIDDEN_TAGS} in {html!r}"
    assert page.tags <= ARTICLE.tags, f"tags outside the policy {page.tags - ARTICLE.tags} in {html!r}"
    handlers = {name for name in attribute_names if name.startswith("on")}
    assert not handlers, f"event handlers {handlers} in {html!r}"
    assert "style" not in attribute_names, f"style attribute in {html!r}"
    stray = {(tag, name) for tag, name in page.attributes if name not in allowed_attributes(tag)}
    assert not stray, f"attributes outside the policy {stray} in {html!r}"
    for url in urls(page):
        scheme = url_scheme(url)
        assert scheme not in FORBIDDEN_SCHEMES, f"{scheme}: URL {url!r} in {html!r}"
        assert scheme is None or scheme in URL_SCHEMES, f"unexpected scheme in {url!r} in {html!r}"
    assert not page.comments, f"comments {page.comments} in {html!r}"
    assert not declarations, f"declarations {declarations} in {html!r}"
