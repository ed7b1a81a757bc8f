"""The hostile-input corpus: the XSS payload lists and the naughty strings of ``shared/corpora/xss``.

In CI the repository sits at ``<somewhere>/main`` with ``shared/`` beside it; ``XSS_CORPUS_DIR`` points elsewhere.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

CORPUS_DIR_VARIABLE = "XSS_CORPUS_DIR"
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "xss"
NAUGHTY_STRINGS = "big-list-of-naughty-strings.json"


class CorpusMissing(Exception):
    pass


@dataclass(frozen=True)
class Payload:
    source: str  # the file it comes from
    number: int  # its line in a text file, its index in the JSON list
    text: str

    def __str__(self) -> str:
        return f"{self.source}:{self.number}"


@dataclass
class Corpus:
    payloads: list[Payload] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    read: int = 0  # non-blank payloads read from the files (the selected ones, with a sample)
    duplicates: int = 0  # left out: the same text came earlier
    nul_stripped: int = 0  # kept without their NUL characters, which PostgreSQL cannot store in text


def corpus_dir() -> Path:
    """Where the corpus is; CorpusMissing, saying how to point at it, when it is not there."""
    directory = Path(os.environ.get(CORPUS_DIR_VARIABLE) or DEFAULT_CORPUS_DIR)
    if not (directory / NAUGHTY_STRINGS).is_file() or not list(directory.glob("*.txt")):
        raise CorpusMissing(
            f"The XSS corpus is not at {directory} (it needs the payload lists *.txt and {NAUGHTY_STRINGS}). "
            f"Check out the shared/ folder beside the repository, or set {CORPUS_DIR_VARIABLE}."
        )
    return directory


def _entries(path: Path) -> list[tuple[int, str]]:
    """(line or index, payload) of one file, blank entries left out."""
    if path.suffix == ".json":
        entries = enumerate(json.loads(path.read_text(encoding="utf-8")))
    else:
        # Split on newlines only: str.splitlines() would also split inside payloads (\x0b, \x0c, \x1c, \x85...).
        lines = path.read_text(encoding="utf-8").split("\n")
        entries = ((number, line.removesuffix("\r")) for number, line in enumerate(lines, start=1))
    return [(number, text) for number, text in entries if text.strip()]


def load_corpus(directory: Path, *, every: int = 1) -> Corpus:
    """Every payload of every file, or with ``every=10`` the 1st, 11th, 21st... of each file; each text once."""
    corpus = Corpus()
    seen = set()
    for path in sorted(directory.glob("*.txt")) + [directory / NAUGHTY_STRINGS]:
        corpus.files.append(path.name)
        for number, text in _entries(path)[::every]:
            corpus.read += 1
            if "\x00" in text:
                corpus.nul_stripped += 1
                text = text.replace("\x00", "")
            if text in seen or not text.strip():
                corpus.duplicates += 1
                continue
            seen.add(text)
            corpus.payloads.append(Payload(path.name, number, text))
    return corpus
