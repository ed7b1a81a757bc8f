"""The seed document every article grows from, and a parser for its shape."""

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED_PATH = Path(__file__).with_name("soundtrack-article-template.txt")

_NUMBERED_HEADING = re.compile(r"^(\d+)\.\s+(?P<heading>\S.*)$")
_CONCLUSION_HEADING = re.compile(r"^(?P<heading>Conclusion:\s*\S.*)$")
_TAG = re.compile(r"#(\w+)")


@dataclass
class SeedSection:
    heading: str
    numbered: bool
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class SeedDocument:
    title: str
    intro: str
    sections: list[SeedSection]
    tags: list[str]


def parse_seed(text: str) -> SeedDocument:
    """Split the seed: title line, intro paragraphs, numbered sections, a conclusion, and a Tags line."""
    lines = [line.strip() for line in text.splitlines()]
    title, *rest = [line for line in lines if line]
    intro: list[str] = []
    sections: list[SeedSection] = []
    tags: list[str] = []
    for line in rest:
        if line.startswith("Tags:"):
            tags = _TAG.findall(line)
        elif match := _NUMBERED_HEADING.match(line):
            sections.append(SeedSection(heading=match["heading"], numbered=True))
        elif match := _CONCLUSION_HEADING.match(line):
            sections.append(SeedSection(heading=match["heading"], numbered=False))
        elif sections:
            sections[-1].paragraphs.append(line)
        else:
            intro.append(line)
    return SeedDocument(title=title, intro="\n\n".join(intro), sections=sections, tags=tags)


def load_seed() -> SeedDocument:
    return parse_seed(SEED_PATH.read_text(encoding="utf-8"))
