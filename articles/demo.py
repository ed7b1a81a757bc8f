"""Demo content: the seed article filled in for an invented film, so a newcomer sees a real page.

The work and the composer are invented on purpose, so that no real person or score is misdescribed.
"""

from collections import deque
from datetime import timedelta
from urllib.parse import quote_plus

from django.db import transaction
from django.utils import timezone

from .models import Article, Composer, FeaturedTrack, Section, Track, Work
from .moments import parse_moments
from .placeholders import fill_placeholders
from .revisions import keep_revision
from .seed import load_seed

DEMO_ARTICLE_SLUG = "why-the-glass-orchards-soundtrack-deserves-more-recognition"
WORK_TITLE = "The Glass Orchard"
COMPOSER_NAME = "Ilse Varnholt"

TRACKS = [
    ("Frost on the Branches", "2:48"),
    ("The Keeper's Lament", "4:12"),
    ("Harvest of Light", "5:05"),
    ("Bellows and Breath", "3:37"),
    ("Lanterns over the Weir", "3:20"),
    ("Unravelling", "6:02"),
    ("The Glass Orchard (Main Theme)", "3:55"),
    ("Closing Rings", "4:30"),
]

# Each placeholder of the seed, and what the demo puts in its place; a list is used up in order of appearance.
FILLS: dict[str, str | list[str]] = {
    "[insert title of film/TV show/game]": f"*{WORK_TITLE}*",
    "[title]": f"*{WORK_TITLE}*",
    "[Title]": f"*{WORK_TITLE}*",
    "[specific track]": ["“The Keeper's Lament”", "“Bellows and Breath”", "“Lanterns over the Weir”"],
    "[another track]": ["“Harvest of Light”", "“Unravelling”"],
    "[example: ethnic flutes, electronic synths, or found sounds]": (
        "a bowed waterphone, a detuned pump organ and field recordings of wind through glass"
    ),
    "[genre/style]": "Baltic-style choral writing",
    "[another genre/style]": "slow, granular ambient electronics",
    "[reason: under-marketing, niche audience, overshadowed by visuals]": (
        "a festival-only release and an album that was only ever pressed on vinyl"
    ),
    "[cultural musical element]": "a reconstructed harvest work song",
    "[setting/time period]": "a northern orchard village in the 1920s",
    "[composer’s name]": COMPOSER_NAME,
    "[famous composer]": "Hans Zimmer",
}

# (track number, section number, where it plays, when it plays (articles.moments), the editor's note)
FEATURED = [
    (2, 1, "the night the orchard keeper buries his brother", "0:34:10",
     "A solo cello carries the keeper's grief; listen for the glass harmonica entering at the second phrase."),
    (3, 1, "the final harvest", "1:41:05",
     "The full choir arrives at last, and the leitmotif from *Frost on the Branches* returns in the major key."),
    (4, 2, "the workshop montage", "0:52:40",
     "Pump organ, breath sounds and processed choir: the score's most daring three and a half minutes."),
    (7, 3, "the opening titles and the end credits", "0:01:12, 1:58:40",
     "The theme that stays with you: a five-note hook that the score bends into lullaby, march and hymn."),
    (6, 5, "the storm sequence", "1:18:30",
     "Atonal clusters that mirror the keeper's unravelling, before the harvest song breaks through."),
]  # fmt: skip


def demo_fills() -> dict[str, str | deque[str]]:
    """FILLS with each list as a queue of its own, used up in order of appearance."""
    return {placeholder: deque(value) if isinstance(value, list) else value for placeholder, value in FILLS.items()}


def parse_duration(text: str) -> timedelta:
    parts = [int(part) for part in text.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, minutes, seconds = parts
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def listening_search_link(track_title: str) -> str:
    return "https://www.youtube.com/results?search_query=" + quote_plus(f"{WORK_TITLE} {track_title}")


@transaction.atomic
def load_demo_content(*, reset: bool = False) -> tuple[Article, bool]:
    """Create the demo article (and its work, composer and tracks) unless it exists. Returns (article, created).

    An existing demo article is left as the editors made it, unless ``reset`` rebuilds it from the seed.
    """
    composer, work, tracks = demo_catalogue()
    existing = Article.objects.filter(slug=DEMO_ARTICLE_SLUG).first()
    if existing and not reset:
        return existing, False
    if existing:
        existing.delete()
    article = create_demo_article(work=work, composer=composer, tracks=tracks)
    keep_revision([article], by=None, comment="Created by the demo loader (load_demo_content), from the seed.")
    return article, True


def demo_catalogue() -> tuple[Composer, Work, dict[int, Track]]:
    """The invented composer, work and tracks, created unless they exist; the tracks by number."""
    composer, _ = Composer.objects.get_or_create(
        slug="ilse-varnholt",
        defaults={
            "name": COMPOSER_NAME,
            "bio": (
                f"{COMPOSER_NAME} is an invented composer, made up for this demo. Her score for *{WORK_TITLE}* "
                "mixes choral writing, a pump organ and recordings of wind through glass."
            ),
        },
    )
    work, _ = Work.objects.get_or_create(
        slug="the-glass-orchard", defaults={"title": WORK_TITLE, "year": 2017, "kind": Work.Kind.FILM}
    )
    tracks = {}
    for position, (title, length) in enumerate(TRACKS, start=1):
        track, created = Track.objects.get_or_create(
            work=work, position=position, defaults={"title": title, "duration": parse_duration(length)}
        )
        if created:
            track.composers.add(composer)
        tracks[position] = track
    return composer, work, tracks


def create_demo_article(*, work: Work, composer: Composer, tracks: dict[int, Track]) -> Article:
    """The seed article with the demo's fills, its sections and its featured tracks."""
    seed = load_seed()
    fills = demo_fills()
    article = Article.objects.create(
        title=f"Why {WORK_TITLE}’s Soundtrack Deserves More Recognition",
        slug=DEMO_ARTICLE_SLUG,
        standfirst=fill_placeholders(seed.intro, fills),
        work=work,
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now(),
        seo_description=f"Why the score of {WORK_TITLE}, by {COMPOSER_NAME}, deserves a place among the great "
        "film soundtracks.",
    )
    article.composers.add(composer)
    article.tags.add(*seed.tags)
    sections = {}
    for position, seed_section in enumerate(seed.sections, start=1):
        sections[position] = Section.objects.create(
            article=article,
            position=position,
            heading=fill_placeholders(seed_section.heading, fills),
            numbered=seed_section.numbered,
            body=fill_placeholders(seed_section.body, fills),
        )
    for position, (track_number, section_number, where, at, note) in enumerate(FEATURED, start=1):
        FeaturedTrack.objects.create(
            article=article,
            track=tracks[track_number],
            position=position,
            section=sections[section_number],
            appears_in=where,
            moments=parse_moments(at),
            note=note,
            listening_url=listening_search_link(tracks[track_number].title),
        )
    return article
