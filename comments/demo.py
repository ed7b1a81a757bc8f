"""A small discussion under the demo article: threads, favourite tracks, a spoiler and one comment to moderate."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.demo import DEMO_ARTICLE_SLUG
from articles.models import Article

from .markup import render_comment
from .models import Comment, ModerationEvent

# (key, reply to key, name, email, track title picked, status, body)
DISCUSSION = [
    ("mara", None, "Mara Lindqvist", "mara@example.com", "The Glass Orchard (Main Theme)", "approved",
     "I had the main theme stuck in my head for a week. The way it turns into a lullaby at the end is *devastating*."),
    ("tomas", "mara", "Tomás Reyes", "tomas@example.com", "Harvest of Light", "approved",
     "Same here. And the choir entrance in *Harvest of Light* is the moment the whole film clicked for me."),
    ("mara2", "tomas", "Mara Lindqvist", "mara@example.com", None, "approved",
     "Yes! ||When the keeper finally opens the glasshouse and the theme comes back in the major key|| I cried."),
    ("june", None, "June Okafor", "june@example.com", "Bellows and Breath", "approved",
     "Nobody talks about the pump organ. *Bellows and Breath* sounds like the orchard itself is breathing.\n\n"
     "> the score's most daring three and a half minutes\n\nAgreed, completely."),
    ("ash", None, "Ash Patel", "ash@example.com", "Unravelling", "pending",
     "Has anyone found the vinyl? I would love a proper release of the storm sequence."),
]  # fmt: skip


@transaction.atomic
def load_demo_discussion() -> int:
    """Create the demo discussion unless the demo article already has comments; return how many were made."""
    article = Article.objects.filter(slug=DEMO_ARTICLE_SLUG).prefetch_related("featured_tracks__track").first()
    if article is None or article.comments.exists():
        return 0
    tracks = {featured.track.title: featured for featured in article.featured_tracks.all()}
    made: dict[str, Comment] = {}
    start = timezone.now() - timedelta(hours=len(DISCUSSION) * 3)
    for index, (key, reply_to, name, email, track, status, body) in enumerate(DISCUSSION):
        parent = made.get(reply_to)
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            thread=(parent.thread or parent) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author_name=name,
            author_email=email,
            body=body,
            body_html=render_comment(body),
            favourite_track=tracks.get(track),
            status=status,
            created_at=start + timedelta(hours=index * 3),
        )
        ModerationEvent.objects.create(comment=comment, rule="demo_content", to_status=status, reason="Demo content.")
        made[key] = comment
    return len(made)
