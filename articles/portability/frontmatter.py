"""The front matter of an article file, read field by field with the line of every value.

PyYAML's safe loader reads the YAML down to its nodes (``yaml.compose``), which carry line numbers; the schemas
below then read each value from its node's text, so that YAML's guesses (``title: 1917`` as a number,
``title: no`` as false) never change what an editor wrote, and every problem is tied to its line.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_duration

from ..models import Article
from ..moments import parse_moment

WHOLE_NUMBER = re.compile(r"^[0-9]+\Z")
TAG_MAX_LENGTH = 100
NULL_TAG = "tag:yaml.org,2002:null"
INT_TAG = "tag:yaml.org,2002:int"
TRUE, FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


class Invalid(Exception):
    """A value that cannot be read; the message says why."""


# Values


def _scalar(node: yaml.Node, expected: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        raise Invalid(f"expected {expected}")
    return None if node.tag == NULL_TAG else node.value


def text(node: yaml.Node) -> str:
    return _scalar(node, "text") or ""


def integer(node: yaml.Node) -> int:
    value = _scalar(node, "a whole number")
    if value is None or not WHOLE_NUMBER.match(value):
        raise Invalid(f"not a whole number: {value!r}" if value else "a whole number is needed")
    return int(value)


def optional_integer(node: yaml.Node) -> int | None:
    return None if _scalar(node, "a whole number") in (None, "") else integer(node)


def boolean(node: yaml.Node) -> bool:
    value = (_scalar(node, "true or false") or "").lower()
    if value not in TRUE | FALSE:
        raise Invalid(f"not true or false: {value!r}")
    return value in TRUE


def date_time(node: yaml.Node) -> datetime | None:
    value = _scalar(node, "a date and time")
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid(f"not a date and time: {value!r} (write it as 2026-05-31 12:00:00+00:00)")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def duration(node: yaml.Node) -> timedelta | None:
    value = _scalar(node, "a duration")
    if not value:
        return None
    try:
        parsed = parse_duration(value)
    except OverflowError:
        parsed = None
    if parsed is None:
        raise Invalid(f"not a duration: {value!r} (write minutes:seconds, 3:25, or hours:minutes:seconds)")
    return parsed


def moment(reader: "FrontMatterReader", node: yaml.Node, path: str) -> int:
    """One moment a track plays: "1:12:05", seconds from the start of the work."""
    try:
        return parse_moment(_scalar(node, "a time") or "")
    except ValidationError as error:
        raise Invalid(error.messages[0]) from None


def status(node: yaml.Node) -> str:
    value = text(node)
    if value not in Article.Status.values:
        *others, last = Article.Status.values
        raise Invalid(f"{value!r} is not a status: use {', '.join(others)} or {last}")
    return value


def tag_name(reader: "FrontMatterReader", node: yaml.Node, path: str) -> str:
    value = text(node).strip()
    if not value or len(value) > TAG_MAX_LENGTH:
        raise Invalid(f"a tag needs a name of 1 to {TAG_MAX_LENGTH} characters")
    return value


def track_reference(node: yaml.Node) -> str | int:
    """A track of the work: its title, or (unquoted digits) its number on the album."""
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        return integer(node)
    value = text(node)
    if not value:
        raise Invalid("name the track by its title")
    return value


# Fields and records


@dataclass(frozen=True)
class Field:
    read: Callable[["FrontMatterReader", yaml.Node, str], Any]
    required: bool = False
    default: Any = None


def scalar(read: Callable[[yaml.Node], Any], *, required: bool = False, default: Any = None) -> Field:
    return Field(lambda reader, node, path: read(node), required=required, default=default)


@dataclass
class Record:
    """One mapping of the front matter: its values and the line of each."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


def record(schema: dict[str, Field]) -> Callable[["FrontMatterReader", yaml.Node, str], Record]:
    def read(reader: "FrontMatterReader", node: yaml.Node, path: str) -> Record:
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(f"expected fields ({', '.join(schema)})")
        result = Record(line=reader.line(node))
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            key_path = f"{path}.{key}" if path else key
            if key not in schema:
                reader.problem(key_node, f"{key_path}: unknown field; the fields here are {', '.join(schema)}")
            elif key in result.lines:
                reader.problem(key_node, f"{key_path}: given twice (first on line {result.lines[key]})")
            else:
                result.lines[key] = reader.line(key_node)
                try:
                    result.values[key] = schema[key].read(reader, value_node, key_path)
                except Invalid as error:
                    reader.problem(value_node, f"{key_path}: {error}")
        for key, spec in schema.items():
            if key in result.lines:
                continue
            if spec.required:
                reader.problem(node, f"{path + '.' if path else ''}{key}: missing")
            else:
                result.values[key] = spec.default
        return result

    return read


def list_of(item: Callable[["FrontMatterReader", yaml.Node, str], Any]) -> Field:
    def read(reader: "FrontMatterReader", node: yaml.Node, path: str) -> list:
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise Invalid("expected a list (lines starting with “- ”)")
        items = []
        for item_node in node.value:
            try:
                items.append(item(reader, item_node, path))
            except Invalid as error:
                reader.problem(item_node, f"{path}: {error}")
        return items

    return Field(read, default=())


TRACK_FIELDS = {
    "number": scalar(integer, required=True),
    "title": scalar(text, required=True),
    "duration": scalar(duration),
}
WORK_FIELDS = {
    "title": scalar(text, required=True),
    "kind": scalar(text, default="film"),
    "year": scalar(optional_integer),
    "slug": scalar(text, default=""),
    "tracks": list_of(record(TRACK_FIELDS)),
}
COMPOSER_FIELDS = {"name": scalar(text, required=True), "slug": scalar(text, default="")}
FEATURED_TRACK_FIELDS = {
    "position": scalar(integer, required=True),
    "track": scalar(track_reference, required=True),
    "section": scalar(optional_integer),
    "appears_in": scalar(text, default=""),
    "moments": list_of(moment),
    "timestamp": scalar(duration),  # what exports wrote before tracks had several moments: read as one moment
    "listening_url": scalar(text, default=""),
    "note": scalar(text, default=""),
}
ARTICLE_FIELDS = {
    "title": scalar(text, required=True),
    "slug": scalar(text, default=""),
    "status": scalar(status, default=Article.Status.DRAFT),
    "publish_at": scalar(date_time),
    "created_at": scalar(date_time),
    "updated_at": scalar(date_time),
    "work": Field(record(WORK_FIELDS), required=True),
    "composers": list_of(record(COMPOSER_FIELDS)),
    "tags": list_of(tag_name),
    "comments_open": scalar(boolean, default=True),
    "seo_description": scalar(text, default=""),
    "featured_tracks": list_of(record(FEATURED_TRACK_FIELDS)),
}


class FrontMatterReader:
    def __init__(self, first_line: int):
        self.first_line = first_line
        self.problems: list[Problem] = []

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def problem(self, node_or_line: yaml.Node | int, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else self.line(node_or_line)
        self.problems.append(Problem(line, message))


def read_front_matter(yaml_text: str, *, first_line: int) -> Record | list[Problem]:
    """The fields of the front matter, which starts on ``first_line`` of the file; or the problems found."""
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return [Problem(mark.line + first_line if mark else 1, f"the front matter is not valid YAML: {error.problem}")]
    if node is None:
        return [Problem(1, "the front matter is empty: give at least the title and the work")]
    reader = FrontMatterReader(first_line)
    try:
        result = record(ARTICLE_FIELDS)(reader, node, "")
    except Invalid:
        return [Problem(reader.line(node), "the front matter must be fields, such as “title: ...”")]
    return reader.problems or result
