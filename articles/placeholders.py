"""Placeholders: the bracketed phrases of a template, such as [title] or [specific track], that an editor replaces.

A placeholder is what a reader would see in square brackets. Markdown that uses brackets is not one: links
``[text](url)``, reference links ``[text][ref]`` and ``[text]`` when ``[text]: url`` defines it, the definitions,
footnotes ``[^1]`` and theirs, images ``![alt](src)``, code (inline or fenced), escaped brackets ``\\[``, and
brackets without a letter inside (``[…]``, ``[1]``) or around "sic". A placeholder inside a link's text still
counts: readers see it.
"""

import re
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.utils.text import Truncator, get_text_list

# What the article's structured fields answer: the work's title, its composers, its featured tracks.
TITLE_PLACEHOLDERS = ("[title]", "[insert title of film/TV show/game]")
COMPOSER_PLACEHOLDERS = ("[composer's name]",)
TRACK_PLACEHOLDERS = ("[specific track]", "[another track]")

Fills = Mapping[str, str | deque[str]]

_MASK = "\0"
_FENCED_CODE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?\n(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(?<!\\)(?P<ticks>`+)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_FOOTNOTE_LABEL = re.compile(r"^ {0,3}\[\^[^\[\]\n]+\]:", re.MULTILINE)
_REFERENCE_DEFINITION = re.compile(
    # A definition inside blockquotes and list items too ("> [label]: url", "- [label]: url", or indented under an
    # item): taking a line for one that is not costs only a placeholder unmarked; missing one would break it.
    r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*"
    r"\[(?P<label>[^\[\]\n]+)\]:[ \t]*\n?[ \t]*\S+"  # [label]: url
    r"""(?:[ \t]*\n?[ \t]*(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$""",  # "title"
    re.MULTILINE,
)
_REFERENCE_AFTER_SPACE = re.compile(r"\s\[(?P<label>[^\[\]]*)\]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_PLACEHOLDERS = {"sic"}


@dataclass(frozen=True)
class Place:
    """Which field holds a piece of an article's text: the article's own ``field``, or that field of its
    ``row``-th section or featured track (from 0, in reading order) when ``rows`` names which."""

    field: str
    rows: str = ""  # "sections" or "featured_tracks"
    row: int = 0

    def __str__(self) -> str:
        if self.rows == "sections":
            return f"Section {self.row + 1}: {self.field}"
        if self.rows == "featured_tracks":
            return f"Featured track {self.row + 1}: {self.field}"
        return "SEO description" if self.field == "seo_description" else self.field


@dataclass(frozen=True)
class Placeholder:
    text: str
    where: str
    place: Place | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.text} ({self.where})"


def find_placeholders(text: str) -> list[str]:
    """The placeholders of a Markdown text, in order, each occurrence."""
    return [text[start:end] for start, end in placeholder_spans(text)]


def fill_placeholders(text: str, fills: Fills) -> str:
    """Replace each placeholder that ``fills`` answers (looked up without regard to case or apostrophe style).

    A string answers every occurrence. A deque answers one occurrence each, in order, and keeps its place across
    calls; placeholders given the same deque share it. Once a deque is empty, its placeholders stay as they are.
    """
    answers = {_key(placeholder): answer for placeholder, answer in fills.items()}
    pieces, last = [], 0
    for start, end in placeholder_spans(text):
        answer = answers.get(_key(text[start:end]))
        if isinstance(answer, deque):
            answer = answer.popleft() if answer else None
        if answer is not None:
            pieces += [text[last:start], answer]
            last = end
    return "".join(pieces) + text[last:]


def structured_fills(
    *, work_title: str = "", composer_names: Sequence[str] = (), track_titles: Sequence[str] = ()
) -> dict[str, str | deque[str]]:
    """What an article's work, composers ("A, B and C") and featured tracks (in order) put in place of placeholders.

    The track placeholders draw from one queue, so that each [specific track] or [another track], in reading order,
    names the next featured track (give only those the text does not name yet: ArticleText.tracks_not_named()).
    """
    fills: dict[str, str | deque[str]] = {}
    if work_title:
        fills.update(dict.fromkeys(TITLE_PLACEHOLDERS, work_title))
    if composer_names:
        fills.update(dict.fromkeys(COMPOSER_PLACEHOLDERS, get_text_list(list(composer_names), "and")))
    tracks = deque(f"“{title}”" for title in track_titles)
    fills.update(dict.fromkeys(TRACK_PLACEHOLDERS, tracks))
    return fills


@dataclass(frozen=True)
class ArticleText:
    """The text an editor writes in an article, in reading order, saved or as submitted."""

    title: str = ""
    standfirst: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, body)
    notes: list[str] = field(default_factory=list)  # the featured tracks' notes
    seo_description: str = ""

    @classmethod
    def of(cls, article, *, sections=None, featured_tracks=None) -> "ArticleText":
        """The saved text of an article (its sections and featured tracks in order, unless given)."""
        sections = article.sections.all() if sections is None else sections
        featured_tracks = article.featured_tracks.all() if featured_tracks is None else featured_tracks
        return cls(
            title=article.title,
            standfirst=article.standfirst,
            sections=[(section.heading, section.body) for section in sections],
            notes=[featured.note for featured in featured_tracks],
            seo_description=article.seo_description,
        )

    def fields(self) -> Iterator[tuple[Place, str]]:
        """Each piece of text with where it stands."""
        yield Place("title"), self.title
        yield Place("standfirst"), self.standfirst
        for row, (heading, body) in enumerate(self.sections):
            yield Place("heading", "sections", row), heading
            yield Place("body", "sections", row), body
        for row, note in enumerate(self.notes):
            yield Place("note", "featured_tracks", row), note
        yield Place("seo_description"), self.seo_description

    def tracks_not_named(self, titles: Sequence[str]) -> list[str]:
        """The track titles that the text does not name yet in quotes (“…” or "…"), as a filled placeholder does."""
        text = "\n".join(value for _, value in self.fields())
        return [title for title in titles if f"“{title}”" not in text and f'"{title}"' not in text]

    def placeholders(self) -> list[Placeholder]:
        """Each placeholder left, once per place it stands in."""
        found = [
            Placeholder(text, str(place), place) for place, value in self.fields() for text in find_placeholders(value)
        ]
        return list(dict.fromkeys(found))

    def filled(self, fills: Fills) -> "ArticleText":
        # Filled in reading order, the order fields() gives, so queued answers go to the first occurrences.
        title = fill_placeholders(self.title, fills)
        standfirst = fill_placeholders(self.standfirst, fills)
        sections = [
            (fill_placeholders(heading, fills), fill_placeholders(body, fills)) for heading, body in self.sections
        ]
        notes = [fill_placeholders(note, fills) for note in self.notes]
        seo_description = fill_placeholders(self.seo_description, fills)
        return replace(
            self, title=title, standfirst=standfirst, sections=sections, notes=notes, seo_description=seo_description
        )


def article_fills(article, text: ArticleText, *, featured_tracks) -> dict[str, str | deque[str]]:
    """What the article's work, composers and featured tracks answer; tracks the text already names are skipped."""
    return structured_fills(
        work_title=article.work.title,
        composer_names=[composer.name for composer in article.composers.all()],
        track_titles=text.tracks_not_named([featured.track.title for featured in featured_tracks]),
    )


def placeholders_left(article) -> list[Placeholder]:
    """The placeholders of a saved article (prefetch its sections and featured tracks when there are many)."""
    return ArticleText.of(article).placeholders()


def fill_article_placeholders(article) -> bool:
    """Fill the placeholders that the article's work, composers and featured tracks answer; save what changes.

    Returns whether anything changed. Call it once the article's sections, featured tracks and composers are saved.
    """
    sections = list(article.sections.all())
    featured_tracks = list(article.featured_tracks.select_related("track"))
    text = ArticleText.of(article, sections=sections, featured_tracks=featured_tracks)
    filled = text.filled(article_fills(article, text, featured_tracks=featured_tracks))
    if filled == text:
        return False
    if (filled.title, filled.standfirst, filled.seo_description) != (text.title, text.standfirst, text.seo_description):
        article.title = _within_max_length(article, "title", filled.title)
        article.seo_description = _within_max_length(article, "seo_description", filled.seo_description)
        article.standfirst = filled.standfirst
        article.save(update_fields=["title", "standfirst", "standfirst_html", "seo_description", "updated_at"])
    for section, (heading, body) in zip(sections, filled.sections, strict=True):
        if (heading, body) != (section.heading, section.body):
            section.heading, section.body = heading, body
            section.save(update_fields=["heading", "body", "body_html", "word_count"])
    for featured, note in zip(featured_tracks, filled.notes, strict=True):
        if note != featured.note:
            featured.note = note
            featured.save(update_fields=["note", "note_html"])
    return True


def _within_max_length(instance, field_name: str, value: str) -> str:
    """A filled-in value cut to fit its field (a long work title in a short SEO description)."""
    return Truncator(value).chars(instance._meta.get_field(field_name).max_length)


def _key(placeholder: str) -> str:
    return " ".join(placeholder.replace("’", "'").casefold().split())


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each placeholder in ``text``."""
    masked = _mask(text, _FENCED_CODE, _INLINE_CODE, _ESCAPE, _FOOTNOTE_LABEL)
    labels = {_key(match["label"]) for match in _REFERENCE_DEFINITION.finditer(masked)}
    masked = _mask(masked, _REFERENCE_DEFINITION)
    spans: list[tuple[int, int]] = []
    _scan(masked, 0, len(masked), labels, spans)
    return spans


def _mask(text: str, *patterns: re.Pattern) -> str:
    """Blank out what the patterns match, keeping every other character where it was."""
    for pattern in patterns:
        text = pattern.sub(lambda match: _MASK * len(match[0]), text)
    return text


def _scan(text: str, start: int, end: int, labels: set[str], spans: list[tuple[int, int]]) -> None:
    """Find the placeholders between ``start`` and ``end`` of masked text; bracketed Markdown is skipped."""
    position = start
    while (opening := text.find("[", position, end)) >= 0:
        closing = _closing(text, opening, end, "[", "]")
        if closing < 0:
            position = opening + 1
            continue
        inside, after = text[opening + 1 : closing], closing + 1
        position = after
        if opening > 0 and text[opening - 1] == "!":  # an image: ![alt](src) or ![alt][ref]
            position = _link_destination_end(text, after, end, labels, always=True) or after
        elif inside.startswith("^"):  # a footnote
            continue
        elif link_end := _link_destination_end(text, after, end, labels, always=False, label=inside):
            _scan(text, opening + 1, closing, labels, spans)  # the link's text is read
            position = link_end
        elif "[" in inside:  # brackets around brackets: only the inner ones can be placeholders
            _scan(text, opening + 1, closing, labels, spans)
        elif _is_placeholder(inside):
            spans.append((opening, after))


def _link_destination_end(
    text: str, after: int, end: int, labels: set[str], *, always: bool, label: str = ""
) -> int | None:
    """Where the link whose text closes just before ``after`` ends, or None when the brackets make no link.

    ``(url)`` and ``[ref]`` right after make a link; ``[ref]`` after one space or line break only when defined;
    nothing after, when the text itself is a defined label (or ``always``, for an image).
    """
    if after < end and text[after] in "([":
        closing = _closing(text, after, end, text[after], ")" if text[after] == "(" else "]")
        if closing >= 0:
            return closing + 1
    if (match := _REFERENCE_AFTER_SPACE.match(text, after, end)) and _key(match["label"] or label) in labels:
        return match.end()
    if always or _key(label) in labels:
        return after
    return None


def _closing(text: str, opening: int, end: int, open_char: str, close_char: str) -> int:
    """The index of the bracket that closes the one at ``opening`` (nested pairs allowed), or -1."""
    depth = 0
    for index in range(opening, end):
        if text[index] == open_char:
            depth += 1
        elif text[index] == close_char:
            depth -= 1
            if depth == 0:
                return index
        elif text[index] == "\n" and _BLANK_LINE.match(text, index):  # brackets never span a blank line
            return -1
    return -1


def _is_placeholder(inside: str) -> bool:
    words = " ".join(inside.split())
    return bool(_LETTER.search(words)) and words.casefold() not in _NOT_PLACEHOLDERS
