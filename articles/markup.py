"""The one way Markdown becomes HTML on this site: Python-Markdown, then nh3 against an allow-list.

Raw HTML typed into Markdown is escaped, never interpreted, and the sanitizer runs on every fragment anyway,
so a gap in one layer is caught by the other.
"""

import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field, replace
from functools import cache, reduce

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify
from markdown.inlinepatterns import InlineProcessor

URL_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class MarkupPolicy:
    """What a kind of text may contain once rendered."""

    name: str
    tags: frozenset[str]
    attributes: dict[str, frozenset[str]] = field(hash=False)
    classes: dict[str, frozenset[str]] = field(hash=False)
    link_rel: str
    # Python-Markdown extension names, or callables that take the id prefix and return an Extension.
    extensions: tuple = ()
    # Parts of Markdown the text may not use, as (registry, name): ("parser.blockprocessors", "hashheader").
    disabled: tuple[tuple[str, str], ...] = ()
    # Attributes allowed only with the listed values: {"input": {"type": {"checkbox"}}}.
    attribute_values: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict, hash=False)
    # Attributes set on every such tag whatever the input said: {"input": {"type": "checkbox"}}.
    forced_attributes: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)
    heading_base_level: int = 3

    def __hash__(self) -> int:
        return hash(self.name)


_ARTICLE_TAGS = frozenset(
    {
        "p", "br", "hr", "h3", "h4", "h5", "h6", "em", "strong", "del", "sup", "sub", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "div",
        "abbr", "dl", "dt", "dd",
    }
)  # fmt: skip

ARTICLE = MarkupPolicy(
    name="article",
    tags=_ARTICLE_TAGS,
    attributes={
        "a": frozenset({"href", "title", "id"}),
        "img": frozenset({"src", "alt", "title", "width", "height"}),
        "abbr": frozenset({"title"}),
        "ol": frozenset({"start"}),
        "th": frozenset({"align"}),
        "td": frozenset({"align"}),
        "sup": frozenset({"id"}),
        "li": frozenset({"id"}),
        "h3": frozenset({"id"}),
        "h4": frozenset({"id"}),
        "h5": frozenset({"id"}),
        "h6": frozenset({"id"}),
    },
    classes={
        "div": frozenset({"footnote"}),
        "a": frozenset({"footnote-ref", "footnote-backref"}),
    },
    link_rel="noopener",
    extensions=("tables", "fenced_code", "smarty", "sane_lists", "footnotes", "toc"),
)


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


def with_spoilers(policy: MarkupPolicy, *, name: str) -> MarkupPolicy:
    """The policy plus ``||spoilers||``: the extension, and exactly the tags, classes and attributes it makes."""
    return replace(
        policy,
        name=name,
        tags=policy.tags | SPOILER_TAGS,
        attributes=policy.attributes | SPOILER_ATTRIBUTES,
        classes=policy.classes | SPOILER_CLASSES,
        attribute_values=policy.attribute_values | {"input": {"type": frozenset({"checkbox"})}},
        forced_attributes=policy.forced_attributes | {"input": {"type": "checkbox"}},  # no type: a text box
        extensions=(*policy.extensions, lambda _prefix: SpoilerExtension()),
    )


SPOILER_TAGS = frozenset({"label", "input", "span"})
SPOILER_ATTRIBUTES = {"label": frozenset({"title"}), "input": frozenset({"aria-label"})}
SPOILER_CLASSES = {
    "label": frozenset({"spoiler"}),
    "input": frozenset({"spoiler-toggle"}),
    "span": frozenset({"spoiler-text"}),
}

# A featured track's note: an article's Markdown, and spoilers (a note often tells what happens in the scene).
NOTE = with_spoilers(ARTICLE, name="note")


def with_placeholder_marks(policy: MarkupPolicy) -> MarkupPolicy:
    """An editor's preview of a text of this policy: the placeholders left highlighted (articles/highlights.py)."""
    return replace(
        policy,
        name=f"{policy.name}-preview",
        tags=policy.tags | {"mark"},
        classes={**policy.classes, "mark": frozenset({"placeholder", "placeholder-continued"})},
    )


PREVIEW = with_placeholder_marks(ARTICLE)


class _PrefixedFootnotes(FootnoteExtension):
    """Footnote ids carry the fragment's prefix, so two sections on one page never share an id."""

    def __init__(self, prefix: str, **kwargs):
        self.id_prefix = prefix
        super().__init__(**kwargs)

    def makeFootnoteId(self, id):  # noqa: N802 (the parent's name)
        return self.id_prefix + super().makeFootnoteId(id)

    def makeFootnoteRefId(self, id, found=False):  # noqa: N802
        return self.id_prefix + super().makeFootnoteRefId(id, found)


def _extensions(policy: MarkupPolicy, id_prefix: str) -> list:
    extensions = []
    for name in policy.extensions:
        if callable(name):
            extensions.append(name(id_prefix))
        elif name == "footnotes":
            extensions.append(_PrefixedFootnotes(id_prefix, BACKLINK_TITLE="Back to the text"))
        elif name == "toc":
            extensions.append(
                TocExtension(
                    baselevel=policy.heading_base_level,
                    slugify=lambda value, separator: id_prefix + slugify(value, separator),
                    toc_depth="3-6",
                )
            )
        elif name == "tables":
            extensions.append(TableExtension(use_align_attribute=True))
        else:
            extensions.append(f"markdown.extensions.{name}")
    return extensions


@cache
def _cleaner(policy: MarkupPolicy) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(policy.tags),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in policy.attributes.items()},
        allowed_classes={tag: set(names) for tag, names in policy.classes.items()},
        tag_attribute_values={
            tag: {attr: set(values) for attr, values in attrs.items()} for tag, attrs in policy.attribute_values.items()
        },
        set_tag_attribute_values={tag: dict(attrs) for tag, attrs in policy.forced_attributes.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=policy.link_rel,
        strip_comments=True,
    )


def sanitize_html(html: str, policy: MarkupPolicy = ARTICLE) -> str:
    """Strip everything the policy does not allow from an HTML fragment."""
    return _cleaner(policy).clean(html)


def render_markdown(text: str, policy: MarkupPolicy = ARTICLE, *, id_prefix: str = "") -> str:
    """Render Markdown to sanitized HTML. ``id_prefix`` keeps heading and footnote ids unique on a page."""
    if not text or not text.strip():
        return ""
    return sanitize_html(_renderer(policy, id_prefix).convert(text), policy)


_renderers = threading.local()
RENDERERS_KEPT = 32  # per thread: the policies times the few id prefixes in use


def _renderer(policy: MarkupPolicy, id_prefix: str) -> markdown.Markdown:
    """A renderer for the policy and prefix, made once per thread and reset before each use (Python-Markdown's way
    to reuse one): making one, every extension set up, cost about a millisecond of each comment's post."""
    kept = _renderers.__dict__.setdefault("kept", {})
    if (md := kept.get((policy, id_prefix))) is None:
        md = markdown.Markdown(extensions=_extensions(policy, id_prefix), output_format="html")
        # Raw HTML is shown as text rather than passed through to the sanitizer.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        for registry, name in policy.disabled:
            reduce(getattr, registry.split("."), md).deregister(name, strict=False)
        if len(kept) >= RENDERERS_KEPT:
            kept.clear()
        kept[(policy, id_prefix)] = md
    return md.reset()
