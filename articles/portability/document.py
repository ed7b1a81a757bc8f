"""The article file: YAML front matter between ``---`` lines, the standfirst, then ``## heading {#section-N}``
sections. ``write_document`` makes one; ``read_document`` reads one back, remembering the line of every value, so
that each problem (of the file, or later of the database) can be reported as ``name.md:7: publish_at: ...``.

The front matter is read by ``frontmatter``; this module reads and writes the rest.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import yaml

from .. import moments
from .frontmatter import Problem, Record, read_front_matter

DELIMITER = "---"
SECTION_HEADING = re.compile(
    r"^##[ \t]+(?P<heading>.*?)[ \t]*\{#section-(?P<position>[0-9]+)(?P<unnumbered>[ \t]+\.unnumbered)?\}[ \t]*$"
)
PLAIN_LEVEL_TWO_HEADING = re.compile(r"^##[ \t]")
FIRST_FRONT_MATTER_LINE = 2  # the line after the opening delimiter


class DocumentError(Exception):
    """The file cannot be read; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = sorted(problems, key=lambda problem: problem.line)


def normalized_text(text: str) -> str:
    """Unix line ends, without blank lines before or after: the form texts are written and read in."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def clock(value: timedelta) -> str:
    """A duration as track lists write it: 3:25, or 1:02:03 past an hour (what ``parse_duration`` reads back)."""
    return moments.clock(int(value.total_seconds()))


# Writing


class _FrontMatterDumper(yaml.SafeDumper):
    """Text of several lines (notes) as a literal block, the way it was typed; everything else as usual."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_FrontMatterDumper.add_representer(str, _represent_text)


@dataclass(frozen=True)
class SectionText:
    position: int
    heading: str
    numbered: bool
    body: str


def write_document(front_matter: dict, standfirst: str, sections: list[SectionText]) -> str:
    yaml_text = yaml.dump(front_matter, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    blocks = [normalized_text(standfirst)]
    for section in sections:
        unnumbered = "" if section.numbered else " .unnumbered"
        heading = f"## {' '.join(section.heading.split())} {{#section-{section.position}{unnumbered}}}"
        body = normalized_text(section.body)
        blocks.append(f"{heading}\n\n{body}" if body else heading)
    return f"{DELIMITER}\n{yaml_text}{DELIMITER}\n" + "\n\n".join(blocks) + "\n"


# Reading


@dataclass(frozen=True)
class SectionEntry:
    position: int
    heading: str
    numbered: bool
    body: str
    line: int
    body_line: int


@dataclass(frozen=True)
class ArticleDocument:
    front_matter: Record
    standfirst: str
    standfirst_line: int
    sections: list[SectionEntry]


def read_document(content: str) -> ArticleDocument:
    """Read an article file, or raise ``DocumentError`` with every problem found in it."""
    lines = content.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0].rstrip() != DELIMITER:
        raise DocumentError([Problem(1, "the file must start with front matter: a line “---”, then its fields")])
    closing = next((index for index, line in enumerate(lines[1:], 1) if line.rstrip() == DELIMITER), None)
    if closing is None:
        raise DocumentError([Problem(1, "the front matter opened on this line is never closed by a line “---”")])
    front_matter = read_front_matter("\n".join(lines[1:closing]), first_line=FIRST_FRONT_MATTER_LINE)
    problems, sections = [], []
    first_body_line = closing + 2  # 1-based: the line after the closing delimiter
    starts = [first_body_line + i for i, line in enumerate(lines[closing + 1 :]) if SECTION_HEADING.match(line)]
    standfirst_end = starts[0] if starts else len(lines) + 1
    standfirst, standfirst_line = _block(lines, first_body_line, standfirst_end)
    for number in range(first_body_line, standfirst_end):
        if PLAIN_LEVEL_TWO_HEADING.match(lines[number - 1]):
            problems.append(Problem(number, "a section heading needs its position, as in “## Heading {#section-1}”"))
    first_line_of_position: dict[int, int] = {}
    for index, start in enumerate(starts):
        match = SECTION_HEADING.match(lines[start - 1])
        position = int(match["position"])
        if position in first_line_of_position:
            first = first_line_of_position[position]
            problems.append(Problem(start, f"section-{position}: position {position} is already used on line {first}"))
        first_line_of_position.setdefault(position, start)
        end = starts[index + 1] if index + 1 < len(starts) else len(lines) + 1
        body, body_line = _block(lines, start + 1, end)
        sections.append(SectionEntry(position, match["heading"], not match["unnumbered"], body, start, body_line))
    if isinstance(front_matter, Record):
        problems += _check_featured_tracks(front_matter, first_line_of_position)
    else:
        problems += front_matter
    if problems:
        raise DocumentError(problems)
    return ArticleDocument(front_matter, standfirst, standfirst_line, sections)


def _block(lines: list[str], start: int, end: int) -> tuple[str, int]:
    """The text of lines ``start`` to ``end`` (1-based, end excluded) and the line where it begins."""
    text = normalized_text("\n".join(lines[start - 1 : end - 1]))
    first = next((n for n in range(start, end) if lines[n - 1].strip()), start)
    return text, first


def _check_featured_tracks(front_matter: Record, section_lines: dict[int, int]) -> list[Problem]:
    problems, positions = [], {}
    for featured in front_matter["featured_tracks"]:
        position = featured["position"]
        if position in positions:
            problems.append(
                Problem(
                    featured.line_of("position"),
                    f"featured_tracks.position: {position} is already used on line {positions[position]}",
                )
            )
        positions.setdefault(position, featured.line_of("position"))
        section = featured["section"]
        if section is not None and section not in section_lines:
            known = ", ".join(map(str, sorted(section_lines))) or "none"
            problems.append(
                Problem(
                    featured.line_of("section"),
                    f"featured_tracks.section: there is no section {section} (the sections are: {known})",
                )
            )
    return problems
