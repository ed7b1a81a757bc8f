"""The articles: one per row of the scale, each with its composers, tags, sections and featured tracks."""

import random
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify
from taggit.models import TaggedItem

from articles.markup import render_markdown
from articles.models import Article, FeaturedTrack, Section, Track

from .catalogue import Catalogue
from .rows import Rows
from .scale import FEATURED_TRACKS, HOT_SLUG, MID_SLUG, SECTIONS_PER_ARTICLE, TAGS_PER_ARTICLE, Scale
from .texts import APPEARS_IN, ARTICLE_TITLES, CONCLUSIONS, NOTES, SECTION_BODIES, SECTION_HEADINGS, STANDFIRSTS


def make_articles(
    scale: Scale, rng: random.Random, rows: Rows, catalogue: Catalogue, anchor: datetime, log
) -> tuple[list[Article], dict[int, list[int]]]:
    """The articles, and the ids of each article's featured tracks (what a comment may name as its favourite)."""
    log(f"{scale.articles} articles with {SECTIONS_PER_ARTICLE} sections and featured tracks…")
    articles = insert_articles(scale, rng, rows, catalogue, anchor)
    link_composers_and_tags(articles, rng, rows, catalogue)
    numbered_sections = make_sections(articles, rng, rows)
    featured_of = make_featured_tracks(articles, rng, rows, catalogue.tracks_of, numbered_sections)
    return articles, featured_of


def insert_articles(
    scale: Scale, rng: random.Random, rows: Rows, catalogue: Catalogue, anchor: datetime
) -> list[Article]:
    standfirsts = [render_markdown(text, id_prefix="intro-") for text in STANDFIRSTS]
    works = catalogue.works
    articles = []
    for i in range(scale.articles):
        work = works[rng.randrange(len(works))]
        title = rng.choice(ARTICLE_TITLES).format(work=work.title)
        slug = {0: HOT_SLUG, 1: MID_SLUG}.get(i, f"{slugify(title)[:180]}-{i + 1}")
        standfirst = rng.randrange(len(STANDFIRSTS))
        articles.append(
            Article(
                title=title,
                slug=slug,
                standfirst=STANDFIRSTS[standfirst],
                standfirst_html=standfirsts[standfirst],
                work=work,
                author=catalogue.author,
                status=Article.Status.PUBLISHED,
                # The hot article is the newest, the one with 200 comments the next; two hours apart.
                publish_at=anchor - timedelta(hours=2 * i + 1),
            )
        )
    return rows.create(Article, articles)


def link_composers_and_tags(articles: list[Article], rng: random.Random, rows: Rows, catalogue: Catalogue) -> None:
    article_composers, tagged = [], []
    content_type = ContentType.objects.db_manager(rows.using).get_for_model(Article)
    for article in articles:
        for composer in catalogue.work_composers[article.work_id]:
            article_composers.append(Article.composers.through(article_id=article.pk, composer_id=composer))
        if catalogue.tags:
            count = min(rng.randint(*TAGS_PER_ARTICLE), len(catalogue.tags))
            for tag in rng.sample(catalogue.tags, count):
                tagged.append(TaggedItem(content_type=content_type, object_id=article.pk, tag=tag))
    rows.create(Article.composers.through, article_composers)
    rows.create(TaggedItem, tagged)


def make_sections(articles: list[Article], rng: random.Random, rows: Rows) -> dict[int, list[int]]:
    """Every article's sections; the ids of its numbered ones (the conclusion is not), by article id."""
    body_html: dict[tuple[int, int], str] = {}
    sections = []
    for article in articles:
        for position in range(1, SECTIONS_PER_ARTICLE + 1):
            conclusion = position == SECTIONS_PER_ARTICLE
            texts = CONCLUSIONS if conclusion else SECTION_BODIES
            variant = rng.randrange(len(texts))
            body = texts[variant]
            key = (variant + (100 if conclusion else 0), position)
            if key not in body_html:
                body_html[key] = render_markdown(body, id_prefix=f"section-{position}-")
            heading = SECTION_HEADINGS[position - 1]
            sections.append(
                Section(
                    article=article,
                    position=position,
                    heading=heading,
                    numbered=not conclusion,
                    body=body,
                    body_html=body_html[key],
                    word_count=len(heading.split()) + len(body.split()),
                )
            )
    numbered_sections: dict[int, list[int]] = {}
    for section in rows.create(Section, sections):
        if section.numbered:
            numbered_sections.setdefault(section.article_id, []).append(section.pk)
    return numbered_sections


def make_featured_tracks(
    articles: list[Article],
    rng: random.Random,
    rows: Rows,
    tracks_of: dict[int, list[Track]],
    numbered_sections: dict[int, list[int]],
) -> dict[int, list[int]]:
    """4 to 8 tracks of each article's work, spread over its numbered sections; their ids, by article id."""
    note_html: dict[tuple[int, int], str] = {}
    featured = []
    for index, article in enumerate(articles):
        tracks = tracks_of[article.work_id]
        count = min(rng.randint(*FEATURED_TRACKS), len(tracks))
        chosen = sorted(rng.sample(range(len(tracks)), count))
        own_sections = numbered_sections[article.pk]
        for position, track_index in enumerate(chosen, start=1):
            variant = rng.randrange(len(NOTES))
            if (variant, position) not in note_html:
                note_html[variant, position] = render_markdown(NOTES[variant], id_prefix=f"track-{position}-")
            featured.append(
                FeaturedTrack(
                    article=article,
                    track=tracks[track_index],
                    position=position,
                    section_id=own_sections[(position - 1) % len(own_sections)],
                    note=NOTES[variant],
                    note_html=note_html[variant, position],
                    appears_in=rng.choice(APPEARS_IN),
                    listening_url=f"https://www.youtube.com/watch?v=bench{index}t{position}"
                    if rng.random() < 0.5
                    else "",
                )
            )
    featured_of: dict[int, list[int]] = {}
    for item in rows.create(FeaturedTrack, featured):
        featured_of.setdefault(item.article_id, []).append(item.pk)
    return featured_of
