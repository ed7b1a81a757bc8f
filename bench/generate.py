"""A large, deterministic site for the benchmark (``manage.py generate_bench_data``), built with bulk inserts.

The same scale and seed give the same rows (timestamps are anchored to the start of the day). Markdown is rendered
once per distinct text with the site's own renderers and the HTML is reused across rows, so the full scale builds
in minutes. Bulk inserts send no signals: the search index is rebuilt at the end (PostgreSQL) and the page cache
version moved.
"""

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.markup import render_markdown
from articles.models import Article, Composer, FeaturedTrack, Section, Track, Work
from articles.search import is_indexed, rebuild_search_index
from comments.markup import render_comment
from comments.models import Comment, CommentReport, ModerationEvent
from pagecache.stamps import catalogue_changed

HOT_SLUG = "bench-hot-article"
MID_SLUG = "bench-article-200-comments"
MID_COMMENTS = 200
AUTHOR_USERNAME = "bench-author"
SECTIONS_PER_ARTICLE = 7  # six numbered sections and a conclusion
TRACKS_PER_WORK = 10
FEATURED_TRACKS = (4, 8)
TAGS_PER_ARTICLE = (2, 4)
TOP_LEVEL_SHARE = 0.35  # the rest of the comments reply to an earlier approved one
FAVOURITE_SHARE = 0.15
COMMENTER_POOL = 20_000  # distinct commenter emails: people come back
BATCH_SIZE = 2000
# Words the search bench looks for: a phrase in one of the section bodies.
SEARCH_PHRASE = "leitmotif returns"


@dataclass(frozen=True)
class Scale:
    articles: int = 10_000
    works: int = 2_000
    composers: int = 1_500
    tags: int = 300
    comments: int = 500_000
    pending: int = 100_000
    hot_comments: int = 1_000
    seed: int = 1

    def check(self) -> None:
        if self.articles < 2 or self.works < 1 or self.composers < 1 or self.tags < 0:
            raise ValueError(
                "Need at least 2 articles (the hot one and the one with 200 comments), a work, a composer."
            )
        others = self.comments - self.hot_comments - MID_COMMENTS
        if others < self.pending or self.pending < 0 or self.hot_comments < 0:
            raise ValueError(
                f"--comments must cover the hot article's {self.hot_comments}, the {MID_COMMENTS} of the second "
                f"article and the {self.pending} pending ones."
            )
        if others and self.articles == 2:
            raise ValueError("With only 2 articles there is nowhere to put the other comments.")

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Scale()
QUICK = Scale(articles=300, works=60, composers=50, tags=30, comments=8_000, pending=1_500, hot_comments=1_000)

ADJECTIVES = [
    "Silent", "Crimson", "Hollow", "Distant", "Broken", "Golden", "Frozen", "Hidden", "Last", "Endless",
    "Electric", "Midnight", "Wandering", "Iron", "Paper", "Glass", "Burning", "Sleeping", "Northern", "Secret",
]  # fmt: skip
NOUNS = [
    "Harbour", "Kingdom", "Signal", "Garden", "Frontier", "Lighthouse", "Orchard", "Station", "Mirror", "Voyage",
    "Citadel", "Meridian", "Archive", "Cathedral", "Desert", "Engine", "Forest", "Island", "Labyrinth", "Tide",
]  # fmt: skip
FIRST_NAMES = [
    "Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Felix", "Greta", "Hiro", "Ines", "Jonas", "Kiri", "Lars",
    "Mina", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko", "Ugo", "Vera", "Wen", "Xavier",
    "Yara", "Zoltan", "Amara", "Bjorn", "Carmen", "Dario", "Esme", "Farid", "Gael", "Hana", "Ivo", "Jun",
    "Kalani", "Leila", "Marek", "Noor",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Takahashi", "Petrov", "Castellano", "Nakamura", "Brennan", "Haddad",
    "Kowalski", "Fitzgerald", "Oyelaran", "Santoro", "Valdivia", "Eriksen", "Mbeki", "Rautio", "Delacroix",
    "Yamamoto", "Ferreira", "Novak", "Grimaldi", "Achterberg", "Szabo", "Quispe", "Halvorsen", "Marchetti",
    "Ibarra", "Kuznetsova", "Lemaire", "Oduya", "Prakash", "Renner", "Solberg", "Tanaka", "Uribe", "Vasquez",
    "Whitcombe", "Zielinski", "Abernathy",
]  # fmt: skip
TAG_STYLES = [
    "orchestral", "synth", "choral", "ambient", "jazz", "folk", "minimalist", "electronic", "piano", "strings",
    "brass", "percussion", "chiptune", "rock", "operatic", "leitmotif", "noir", "western", "horror", "fantasy",
]  # fmt: skip
TAG_KINDS = [
    "scores", "themes", "era", "revival", "classics", "favourites", "deep cuts", "essentials", "landmarks", "cues",
    "suites", "ballads", "anthems", "textures", "motifs", "sketches", "rarities", "debuts", "reissues", "highlights",
]  # fmt: skip
TRACK_TITLES = [
    "Main Title", "Arrival", "The Long Road", "Night Watch", "Homecoming", "Storm Front", "First Light",
    "The Chase", "Lament", "End Credits", "Reunion", "Into the Dark",
]  # fmt: skip
ARTICLE_TITLES = [
    "Why the {work} soundtrack deserves more recognition",
    "Listening again to {work}",
    "The music of {work}, track by track",
    "What {work} taught me about film music",
    "{work}: a score worth revisiting",
]
STANDFIRSTS = [
    "A score that did far more than accompany the pictures: it *told* the story.",
    "Years later, its themes still turn up in **playlists** and concert halls.",
    "An underrated soundtrack, and the handful of cues that make it special.",
    "How a small ensemble and a patient composer built something lasting.",
]
SECTION_HEADINGS = [
    "The opening theme",
    "Orchestration and texture",
    "The quiet moments",
    "Action and momentum",
    "Themes that return",
    "The final act",
    "Conclusion",
]
SECTION_BODIES = [
    "The opening cue sets out the **main theme** on solo cello, then lets the strings answer it.\n\n"
    "Listen for the way the harmony refuses to resolve until the very last bar. It is a patient, "
    "generous piece of writing that trusts the audience.",
    "Brass and low woodwinds carry most of the weight, with *muted trumpets* adding colour. The percussion is "
    "sparse and deliberate.\n\n- timpani in the climaxes\n- a single snare for the march\n- bowed cymbals for "
    "the eerie scenes",
    "Some of the best moments are almost silent: a sustained synth pad, a celesta, a breath of choir. The score "
    "knows when to step back and let the images speak.",
    "The action cues are built on ostinatos in odd meters, which keeps them restless without becoming noise. "
    "A syncopated bass line drives the chase sequences forward.",
    f"Every time the hero hesitates, the {SEARCH_PHRASE} in a new key: first on piano, then on the full "
    "orchestra, finally hummed by a choir. It is the glue of the whole soundtrack.",
    "By the final act the themes collide in a long crescendo, and the resolution arrives exactly when the story "
    "needs it. Few soundtracks earn their ending this well.",
]
CONCLUSIONS = [
    "This soundtrack deserves a place beside the acknowledged classics. Put it on, start to finish, and listen.",
    "It rewards repeated listening: each time another detail comes forward. Give it the recognition it deserves.",
]
NOTES = [
    "The cue where the *main theme* first appears in full.",
    "Listen for the **low brass** entering under the strings.",
    "A quiet, intimate piece for piano and celesta.",
    "The most exciting action cue of the soundtrack.",
]
APPEARS_IN = ["Opening titles", "The chase", "A quiet night", "The final battle", "End credits", ""]
COMMENT_BODIES = [
    "The main theme stayed with me for days.",
    "I had never noticed the **cello** line until reading this. Listening again now.",
    "Great write-up. The end credits suite is my favourite track of the whole album.",
    "Not sure I agree about the action cues, they feel a bit generic to me.",
    "This was the soundtrack of my childhood. ||The final track still makes me cry.||",
    "Has anyone found the expanded edition on vinyl?",
    "The quiet moments are the best part: *less is more*.",
    "Thanks for the recommendation, adding it to my playlist.",
]


@dataclass
class CommentPlan:
    article_id: int
    parent: int  # index into the plan, -1 for a top-level comment
    thread: int  # index of the top-level comment, -1 for a top-level comment
    depth: int
    status: str
    created_at: datetime
    body: int
    author: int
    favourite_track_id: int | None


def anchor_time() -> datetime:
    """The fixed 'now' of the generated site: the start of today, so two runs on one day give the same rows."""
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def generate(
    scale: Scale = FULL, *, using: str = DEFAULT_DB_ALIAS, log: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Fill an empty site with the bench data; return how many rows of each kind were made."""
    scale.check()
    rng = random.Random(scale.seed)
    anchor = anchor_time()
    generator = _Generator(scale, rng, anchor, using, log)
    with transaction.atomic(using=using):
        generator.people()
        generator.works_and_composers()
        generator.tags()
        generator.articles()
    generator.comments()
    if is_indexed(using):
        log("Building the search index…")
        rebuild_search_index(using=using)
    catalogue_changed()
    return generator.counts


def delete_site_content(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove every article, work, composer, tag and comment (the bench database's content, before a new set)."""
    models = [
        ModerationEvent, CommentReport, Comment, TaggedItem, Tag, FeaturedTrack, Section,
        Article.composers.through, Article, Track.composers.through, Track, Composer, Work,
    ]  # fmt: skip
    connection = connections[using]
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # Deferred foreign key checks still pending in this transaction would make TRUNCATE fail: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    with transaction.atomic(using=using):
        for model in models:
            model._default_manager.using(using).all().delete()


class _Generator:
    def __init__(self, scale: Scale, rng: random.Random, anchor: datetime, using: str, log):
        self.scale, self.rng, self.anchor, self.using, self.log = scale, rng, anchor, using, log
        self.counts: dict[str, int] = {}
        # Threads as deep as the site allows: depths 0 to COMMENTS_MAX_DEPTH - 1.
        self.max_depth = max(1, settings.COMMENTS_MAX_DEPTH)

    def _bulk(self, model, objs: list) -> list:
        made = model._default_manager.using(self.using).bulk_create(objs, batch_size=BATCH_SIZE)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(made)
        return made

    def people(self) -> None:
        user_model = get_user_model()
        self.author, _ = user_model._default_manager.db_manager(self.using).get_or_create(
            username=AUTHOR_USERNAME, defaults={"first_name": "Bench", "last_name": "Writer"}
        )

    def works_and_composers(self) -> None:
        rng, scale = self.rng, self.scale
        self.log(f"{scale.composers} composers, {scale.works} works and their tracks…")
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(names)
        bios = [render_markdown(bio, id_prefix="bio-") for bio in STANDFIRSTS]
        composers = []
        for i in range(scale.composers):
            name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
            bio = rng.randrange(len(STANDFIRSTS))
            composers.append(
                Composer(name=name, slug=f"{slugify(name)}-{i + 1}", bio=STANDFIRSTS[bio], bio_html=bios[bio])
            )
        self.composers = self._bulk(Composer, composers)

        titles = [f"The {adjective} {noun}" for adjective in ADJECTIVES for noun in NOUNS]
        rng.shuffle(titles)
        kinds = list(Work.Kind.values)
        works = []
        for i in range(scale.works):
            title = titles[i % len(titles)] + (f" {i // len(titles) + 1}" if i >= len(titles) else "")
            works.append(
                Work(
                    title=title,
                    year=1970 + rng.randrange(55),
                    kind=kinds[i % len(kinds)],
                    slug=f"{slugify(title)}-{i + 1}",
                )
            )
        self.works = self._bulk(Work, works)

        # Each work has a principal composer, and sometimes a second one for a few tracks.
        self.work_composers: dict[int, list[int]] = {}
        tracks, track_composers = [], []
        for work in self.works:
            principal = self.composers[rng.randrange(len(self.composers))].pk
            second = self.composers[rng.randrange(len(self.composers))].pk if rng.random() < 0.2 else None
            self.work_composers[work.pk] = [principal] + ([second] if second and second != principal else [])
            for position in range(1, TRACKS_PER_WORK + 1):
                title = TRACK_TITLES[(position - 1) % len(TRACK_TITLES)]
                duration = timedelta(seconds=60 + rng.randrange(300))
                tracks.append(Track(work=work, position=position, title=title, duration=duration))
        self.tracks = self._bulk(Track, tracks)
        self.tracks_of: dict[int, list[Track]] = {}
        for track in self.tracks:
            self.tracks_of.setdefault(track.work_id, []).append(track)
            composers = self.work_composers[track.work_id]
            composer = composers[-1] if len(composers) > 1 and track.position % 4 == 0 else composers[0]
            track_composers.append(Track.composers.through(track_id=track.pk, composer_id=composer))
        self._bulk(Track.composers.through, track_composers)

    def tags(self) -> None:
        names = [f"{style} {kind}" for style in TAG_STYLES for kind in TAG_KINDS]
        self.rng.shuffle(names)
        tags = []
        for i in range(self.scale.tags):
            name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
            tags.append(Tag(name=name, slug=slugify(name)))
        self.tag_objects = self._bulk(Tag, tags)

    def articles(self) -> None:
        rng, scale = self.rng, self.scale
        self.log(f"{scale.articles} articles with {SECTIONS_PER_ARTICLE} sections and featured tracks…")
        standfirsts = [render_markdown(text, id_prefix="intro-") for text in STANDFIRSTS]
        articles = []
        for i in range(scale.articles):
            work = self.works[rng.randrange(len(self.works))]
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
                    author=self.author,
                    status=Article.Status.PUBLISHED,
                    # The hot article is the newest, the one with 200 comments the next; two hours apart.
                    publish_at=self.anchor - timedelta(hours=2 * i + 1),
                )
            )
        self.article_objects = self._bulk(Article, articles)

        article_composers, tagged = [], []
        content_type = ContentType.objects.db_manager(self.using).get_for_model(Article)
        for article in self.article_objects:
            for composer in self.work_composers[article.work_id]:
                article_composers.append(Article.composers.through(article_id=article.pk, composer_id=composer))
            if self.tag_objects:
                count = min(rng.randint(*TAGS_PER_ARTICLE), len(self.tag_objects))
                for tag in rng.sample(self.tag_objects, count):
                    tagged.append(TaggedItem(content_type=content_type, object_id=article.pk, tag=tag))
        self._bulk(Article.composers.through, article_composers)
        self._bulk(TaggedItem, tagged)

        body_html: dict[tuple[int, int], str] = {}
        sections = []
        for article in self.article_objects:
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
        sections = self._bulk(Section, sections)
        numbered_sections: dict[int, list[int]] = {}
        for section in sections:
            if section.numbered:
                numbered_sections.setdefault(section.article_id, []).append(section.pk)

        note_html: dict[tuple[int, int], str] = {}
        featured = []
        for index, article in enumerate(self.article_objects):
            tracks = self.tracks_of[article.work_id]
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
        featured = self._bulk(FeaturedTrack, featured)
        self.featured_of: dict[int, list[int]] = {}
        for item in featured:
            self.featured_of.setdefault(item.article_id, []).append(item.pk)

    def _comment_counts(self) -> dict[int, tuple[int, int]]:
        """(approved, pending) per article: the hot and 200-comment articles get approved comments only."""
        scale, rng = self.scale, self.rng
        articles = self.article_objects
        counts = {article.pk: [0, 0] for article in articles}
        counts[articles[0].pk][0] = scale.hot_comments
        counts[articles[1].pk][0] = MID_COMMENTS
        others = [article.pk for article in articles[2:]]
        approved = scale.comments - scale.hot_comments - MID_COMMENTS - scale.pending
        for column, total in ((0, approved), (1, scale.pending)):
            for _ in range(total):
                counts[others[rng.randrange(len(others))]][column] += 1
        return {pk: (a, p) for pk, (a, p) in counts.items()}

    def _plan_comments(self) -> list[CommentPlan]:
        rng, anchor = self.rng, self.anchor
        plan: list[CommentPlan] = []
        counts = self._comment_counts()
        for article in self.article_objects:
            approved, pending = counts[article.pk]
            total = approved + pending
            if not total:
                continue
            span = (anchor - article.publish_at).total_seconds()
            times = sorted(article.publish_at + timedelta(seconds=span * rng.random()) for _ in range(total))
            statuses = [Comment.Status.APPROVED] * approved + [Comment.Status.PENDING] * pending
            rng.shuffle(statuses)
            repliable: list[int] = []  # approved comments a reply may hang under
            featured = self.featured_of.get(article.pk, [])
            for created_at, status in zip(times, statuses, strict=True):
                index = len(plan)
                if repliable and rng.random() >= TOP_LEVEL_SHARE:
                    parent_index = repliable[rng.randrange(len(repliable))]
                    parent = plan[parent_index]
                    thread = parent.thread if parent.thread >= 0 else parent_index
                    depth = parent.depth + 1
                else:
                    parent_index, thread, depth = -1, -1, 0
                favourite = (
                    featured[rng.randrange(len(featured))] if featured and rng.random() < FAVOURITE_SHARE else None
                )
                plan.append(
                    CommentPlan(
                        article_id=article.pk,
                        parent=parent_index,
                        thread=thread,
                        depth=depth,
                        status=status,
                        created_at=created_at,
                        body=rng.randrange(len(COMMENT_BODIES)),
                        author=rng.randrange(COMMENTER_POOL),
                        favourite_track_id=favourite,
                    )
                )
                if status == Comment.Status.APPROVED and depth + 1 < self.max_depth:
                    repliable.append(index)
        return plan

    def comments(self) -> None:
        self.log(f"{self.scale.comments} comments ({self.scale.pending} pending)…")
        plan = self._plan_comments()
        bodies_html = [render_comment(body) for body in COMMENT_BODIES]
        pks: list[int | None] = [None] * len(plan)
        # Parents first: each depth in its own pass, so that replies know their parent's and thread's ids.
        for depth in range(self.max_depth):
            level = [index for index, item in enumerate(plan) if item.depth == depth]
            for start in range(0, len(level), BATCH_SIZE * 5):
                chunk = level[start : start + BATCH_SIZE * 5]
                objs = []
                for index in chunk:
                    item = plan[index]
                    objs.append(
                        Comment(
                            article_id=item.article_id,
                            parent_id=pks[item.parent] if item.parent >= 0 else None,
                            thread_id=pks[item.thread] if item.thread >= 0 else None,
                            depth=item.depth,
                            author_name=f"Listener {item.author}",
                            author_email=f"listener{item.author}@example.com",
                            body=COMMENT_BODIES[item.body],
                            body_html=bodies_html[item.body],
                            favourite_track_id=item.favourite_track_id,
                            status=item.status,
                            ip_address=f"198.51.100.{item.author % 250 + 1}",
                            user_agent="Mozilla/5.0 (bench)",
                            created_at=item.created_at,
                        )
                    )
                with transaction.atomic(using=self.using):
                    made = self._bulk(Comment, objs)
                for index, comment in zip(chunk, made, strict=True):
                    pks[index] = comment.pk
