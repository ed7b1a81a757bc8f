"""Checks of rendered Markdown against hostile input, read through the parser the way a browser would read it.

Never by substring: a check for ``"javascript:"`` misses ``&#106;avascript:`` and tabs inside the scheme.
"""

import re

import pytest

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


# Markdown that tries to run script, each with the trick it tries.
HOSTILE_INPUTS = [
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", id="script-src-upper-case"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-split-by-script"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<p ONCLICK=alert(1) oNmOuSeOvEr=alert(2)>hover</p>", id="mixed-case-handlers"),
    pytest.param("[listen](javascript:alert(1))", id="md-link-javascript"),
    pytest.param("[listen](JaVaScRiPt:alert(1))", id="md-link-mixed-case"),
    pytest.param("[listen](&#106;avascript:alert(1))", id="md-link-decimal-entity"),
    pytest.param("[listen](&#x6A;&#x61;vascript:alert(1))", id="md-link-hex-entities"),
    pytest.param("[listen](&#0000106avascript:alert(1))", id="md-link-padded-entity"),
    pytest.param("[listen](java&#9;script:alert(1))", id="md-link-tab-entity"),
    pytest.param("[listen](java\tscript:alert(1))", id="md-link-raw-tab"),
    pytest.param("[listen](java&#10;script:alert(1))", id="md-link-newline-entity"),
    pytest.param("[listen](   javascript:alert(1))", id="md-link-leading-spaces"),
    pytest.param("[listen](&#1;javascript:alert(1))", id="md-link-leading-control-character"),
    pytest.param("[listen](javascript&colon;alert(1))", id="md-link-named-colon-entity"),
    pytest.param("[listen](<javascript:alert(1)>)", id="md-link-angle-brackets"),
    pytest.param("[listen](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param("[listen](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="md-link-data"),
    pytest.param("![cover](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("![cover](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", id="md-image-data-svg"),
    pytest.param("![cover](data:image/png;base64,iVBORw0KGgo=)", id="md-image-data-png"),
    pytest.param("[listen][evil]\n\n[evil]: javascript:alert(1)", id="md-reference-link"),
    pytest.param("![cover][evil]\n\n[evil]: DATA:image/png;base64,AAAA", id="md-reference-image"),
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    pytest.param("[<img src=x onerror=alert(1)>](javascript:alert(1))", id="md-link-around-raw-img"),
    pytest.param('![" onerror="alert(1)](https://example.com/cover.png)', id="md-image-alt-breakout"),
    pytest.param('[x](http://a.com" onclick="alert(1))', id="md-link-href-breakout"),
    pytest.param('[x](https://a.com "title" onmouseover="alert(1)")', id="md-link-title-breakout"),
    pytest.param('A paragraph.\n{: onclick="alert(1)" }', id="attr-list-paragraph"),
    pytest.param('# Heading {: onclick="alert(1)" style="color:red" }', id="attr-list-heading"),
    pytest.param("```{.python onclick=alert(1)}\nprint(1)\n```", id="fenced-code-attributes"),
    pytest.param('```"><script>alert(1)</script>\nprint(1)\n```', id="fenced-code-info-string"),
    pytest.param("<a href=javascript:alert(1)>listen</a>", id="raw-anchor-unquoted"),
    pytest.param('<a href="jav&#x09;ascript:alert(1)">listen</a>', id="raw-anchor-tab-entity"),
    pytest.param('<a href=" &#14;  javascript:alert(1)">listen</a>', id="raw-anchor-leading-junk"),
    pytest.param('<a href="vbscript:msgbox(1)">listen</a>', id="raw-anchor-vbscript"),
    pytest.param('<iframe src="https://evil.example/"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">', id="object-embed"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="comment-hiding-script"),
    pytest.param("<!--><script>alert(1)</script>-->", id="comment-abrupt-close"),
    pytest.param("<!--[if IE]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
    pytest.param(
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">',
        id="mxss-math-mglyph-style",
    ),
    pytest.param('<math><mi xlink:href="javascript:alert(1)">listen</mi></math>', id="math-xlink"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="mxss-noscript-title"),
    pytest.param("<img src=x onerror=alert(1)", id="unclosed-img"),
    pytest.param('<a href="javascript:alert(1)" <b>listen', id="unclosed-anchor"),
    pytest.param('<p style="background:url(javascript:alert(1))">styled</p>', id="style-attribute"),
    pytest.param('<style>@import "https://evil.example/x.css";</style>Hello', id="style-block"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<base href="javascript:alert(1)//">', id="base-href"),
    pytest.param('<link rel="stylesheet" href="https://evil.example/x.css">', id="link-stylesheet"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text y="20">listen</text></a></svg>', id="svg-xlink"),
    pytest.param(
        '<form action="javascript:alert(1)"><input type="submit" formaction="javascript:alert(1)"></form>',
        id="form-input",
    ),
    pytest.param('<div class="footnote" onclick="alert(1)" id="x">x</div>', id="allowed-tag-bad-attribute"),
    pytest.param(
        "**Bold <img src=x onerror=alert(1)>** and [a link](javascript:alert(1)) with <svg onload=alert(1)>",
        id="nested-inline-mix",
    ),
    pytest.param("> <script>alert(1)</script>\n> [x](javascript:alert(1))", id="nested-blockquote"),
    pytest.param("- item <svg onload=alert(1)>\n- [x](vbscript:alert(1))\n  - <iframe>", id="nested-list"),
    pytest.param("| <img src=x onerror=alert(1)> |\n|---|\n| [x](javascript:alert(1)) |", id="nested-table"),
    pytest.param(
        'Text[^"><img src=x onerror=alert(1)>]\n\n[^"><img src=x onerror=alert(1)>]: A [note](javascript:x).',
        id="footnote-label-injection",
    ),
    pytest.param('# <a href="javascript:alert(1)">Theme</a>\n\n## "><script>x</script>', id="heading-injection"),
]
