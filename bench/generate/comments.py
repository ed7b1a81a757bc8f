"""The comments: planned first (who replies to whom, when, with which status), then inserted depth by depth."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from articles.models import Article
from comments.markup import render_comment
from comments.models import Comment

from .rows import Rows
from .scale import BATCH_SIZE, COMMENTER_POOL, FAVOURITE_SHARE, MID_COMMENTS, TOP_LEVEL_SHARE, Scale
from .texts import COMMENT_BODIES


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


def make_comments(
    scale: Scale,
    rng: random.Random,
    rows: Rows,
    articles: list[Article],
    featured_of: dict[int, list[int]],
    *,
    anchor: datetime,
    max_depth: int,
    log,
) -> None:
    log(f"{scale.comments} comments ({scale.pending} pending)…")
    counts = comment_counts(scale, rng, articles)
    plan: list[CommentPlan] = []
    for article in articles:
        approved, pending = counts[article.pk]
        if approved + pending:
            featured = featured_of.get(article.pk, [])
            plan_discussion(plan, article, approved, pending, featured, rng, anchor=anchor, max_depth=max_depth)
    insert_comments(plan, rows, max_depth=max_depth)


def comment_counts(scale: Scale, rng: random.Random, articles: list[Article]) -> dict[int, tuple[int, int]]:
    """(approved, pending) per article: the hot and 200-comment articles get approved comments only."""
    counts = {article.pk: [0, 0] for article in articles}
    counts[articles[0].pk][0] = scale.hot_comments
    counts[articles[1].pk][0] = MID_COMMENTS
    others = [article.pk for article in articles[2:]]
    approved = scale.comments - scale.hot_comments - MID_COMMENTS - scale.pending
    for column, total in ((0, approved), (1, scale.pending)):
        for _ in range(total):
            counts[others[rng.randrange(len(others))]][column] += 1
    return {pk: (a, p) for pk, (a, p) in counts.items()}


def plan_discussion(
    plan: list[CommentPlan],
    article: Article,
    approved: int,
    pending: int,
    featured: list[int],
    rng: random.Random,
    *,
    anchor: datetime,
    max_depth: int,
) -> None:
    """Add one article's comments to the plan, in time order; replies hang under earlier approved comments."""
    total = approved + pending
    span = (anchor - article.publish_at).total_seconds()
    times = sorted(article.publish_at + timedelta(seconds=span * rng.random()) for _ in range(total))
    statuses = [Comment.Status.APPROVED] * approved + [Comment.Status.PENDING] * pending
    rng.shuffle(statuses)
    repliable: list[int] = []  # approved comments a reply may hang under
    for created_at, status in zip(times, statuses, strict=True):
        index = len(plan)
        if repliable and rng.random() >= TOP_LEVEL_SHARE:
            parent_index = repliable[rng.randrange(len(repliable))]
            parent = plan[parent_index]
            thread = parent.thread if parent.thread >= 0 else parent_index
            depth = parent.depth + 1
        else:
            parent_index, thread, depth = -1, -1, 0
        favourite = featured[rng.randrange(len(featured))] if featured and rng.random() < FAVOURITE_SHARE else None
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
        if status == Comment.Status.APPROVED and depth + 1 < max_depth:
            repliable.append(index)


def insert_comments(plan: list[CommentPlan], rows: Rows, *, max_depth: int) -> None:
    bodies_html = [render_comment(body) for body in COMMENT_BODIES]
    pks: list[int | None] = [None] * len(plan)
    # Parents first: each depth in its own pass, so that replies know their parent's and thread's ids.
    for depth in range(max_depth):
        level = [index for index, item in enumerate(plan) if item.depth == depth]
        for start in range(0, len(level), BATCH_SIZE * 5):
            chunk = level[start : start + BATCH_SIZE * 5]
            objs = [comment_row(plan[index], pks, bodies_html) for index in chunk]
            with transaction.atomic(using=rows.using):
                made = rows.create(Comment, objs)
            for index, comment in zip(chunk, made, strict=True):
                pks[index] = comment.pk


def comment_row(item: CommentPlan, pks: list[int | None], bodies_html: list[str]) -> Comment:
    return Comment(
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
