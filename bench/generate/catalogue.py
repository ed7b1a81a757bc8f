"""What the articles are about: their author, composers, works with their tracks, and tags."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.text import slugify
from taggit.models import Tag

from articles.markup import render_markdown
from articles.models import Composer, Track, Work

from .rows import Rows
from .scale import AUTHOR_USERNAME, TRACKS_PER_WORK, Scale
from .texts import ADJECTIVES, FIRST_NAMES, LAST_NAMES, NOUNS, STANDFIRSTS, TAG_KINDS, TAG_STYLES, TRACK_TITLES


@dataclass
class Catalogue:
    author: AbstractBaseUser
    works: list[Work]
    work_composers: dict[int, list[int]]  # work id: its principal composer's id first, sometimes a second
    tracks_of: dict[int, list[Track]]  # work id: its tracks in order
    tags: list[Tag]


def make_catalogue(scale: Scale, rng: random.Random, rows: Rows, log) -> Catalogue:
    author = make_author(rows.using)
    log(f"{scale.composers} composers, {scale.works} works and their tracks…")
    composers = make_composers(scale, rng, rows)
    works = make_works(scale, rng, rows)
    work_composers, tracks_of = make_tracks(works, composers, rng, rows)
    tags = make_tags(scale, rng, rows)
    return Catalogue(author=author, works=works, work_composers=work_composers, tracks_of=tracks_of, tags=tags)


def nth_name(names: list[str], i: int) -> str:
    """The i-th of ``names``, numbered once every name has been used."""
    return names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")


def make_author(using: str) -> AbstractBaseUser:
    user_model = get_user_model()
    author, _ = user_model._default_manager.db_manager(using).get_or_create(
        username=AUTHOR_USERNAME, defaults={"first_name": "Bench", "last_name": "Writer"}
    )
    return author


def make_composers(scale: Scale, rng: random.Random, rows: Rows) -> list[Composer]:
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    bios = [render_markdown(bio, id_prefix="bio-") for bio in STANDFIRSTS]
    composers = []
    for i in range(scale.composers):
        name = nth_name(names, i)
        bio = rng.randrange(len(STANDFIRSTS))
        composers.append(Composer(name=name, slug=f"{slugify(name)}-{i + 1}", bio=STANDFIRSTS[bio], bio_html=bios[bio]))
    return rows.create(Composer, composers)


def make_works(scale: Scale, rng: random.Random, rows: Rows) -> list[Work]:
    titles = [f"The {adjective} {noun}" for adjective in ADJECTIVES for noun in NOUNS]
    rng.shuffle(titles)
    kinds = list(Work.Kind.values)
    works = []
    for i in range(scale.works):
        title = nth_name(titles, i)
        works.append(
            Work(
                title=title,
                year=1970 + rng.randrange(55),
                kind=kinds[i % len(kinds)],
                slug=f"{slugify(title)}-{i + 1}",
            )
        )
    return rows.create(Work, works)


def make_tracks(
    works: list[Work], composers: list[Composer], rng: random.Random, rows: Rows
) -> tuple[dict[int, list[int]], dict[int, list[Track]]]:
    """Each work's tracks, by its principal composer and sometimes a second one for a few tracks."""
    work_composers: dict[int, list[int]] = {}
    tracks = []
    for work in works:
        principal = composers[rng.randrange(len(composers))].pk
        second = composers[rng.randrange(len(composers))].pk if rng.random() < 0.2 else None
        work_composers[work.pk] = [principal] + ([second] if second and second != principal else [])
        for position in range(1, TRACKS_PER_WORK + 1):
            title = TRACK_TITLES[(position - 1) % len(TRACK_TITLES)]
            duration = timedelta(seconds=60 + rng.randrange(300))
            tracks.append(Track(work=work, position=position, title=title, duration=duration))
    tracks_of: dict[int, list[Track]] = {}
    track_composers = []
    for track in rows.create(Track, tracks):
        tracks_of.setdefault(track.work_id, []).append(track)
        own = work_composers[track.work_id]
        composer = own[-1] if len(own) > 1 and track.position % 4 == 0 else own[0]
        track_composers.append(Track.composers.through(track_id=track.pk, composer_id=composer))
    rows.create(Track.composers.through, track_composers)
    return work_composers, tracks_of


def make_tags(scale: Scale, rng: random.Random, rows: Rows) -> list[Tag]:
    names = [f"{style} {kind}" for style in TAG_STYLES for kind in TAG_KINDS]
    rng.shuffle(names)
    tags = []
    for i in range(scale.tags):
        name = nth_name(names, i)
        tags.append(Tag(name=name, slug=slugify(name)))
    return rows.create(Tag, tags)
