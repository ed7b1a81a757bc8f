"""The moderation rules: given what a reader submitted, decide its status and say which rule decided.

Each rule reads its threshold or list from settings, so moderators can tune them without a deploy.
Spam rules run first, then the rules that hold a comment for review, then the known-commenter rule.

What people do too is never spam: a post that comes sooner than ``COMMENTS_MIN_SECONDS_TO_POST`` after its form
was shown (a paste, the browser's autofill) goes back to its writer to post again (comments/forms.py), and no
rule here sees it.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Comment

URL_PATTERN = re.compile(r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>()\[\]"'`]+|\bmagnet:\?[^\s<>()"'`]+""", re.I)


@dataclass(frozen=True)
class Decision:
    status: str
    rule: str
    reason: str


@dataclass(frozen=True)
class Submission:
    """What the rules look at."""

    article_id: int
    body: str
    author_name: str
    email: str
    honeypot: str = ""
    form_age: timedelta | None = None  # time between rendering the form and posting it; None: not a new post
    exclude_comment_id: int | None = None  # when re-checking an edit, the comment itself


def links_in(text: str) -> list[str]:
    return URL_PATTERN.findall(text)


def _host(url: str) -> str:
    if url.lower().startswith("www."):
        url = "https://" + url
    return (urlsplit(url).hostname or "").lower()


def _allowed_host(host: str) -> bool:
    return any(host == allowed or host.endswith("." + allowed) for allowed in settings.COMMENTS_LINK_ALLOWLIST)


def _matching_term(text: str, terms: list[str]) -> str | None:
    lowered = text.lower()
    for term in terms:
        if term and re.search(r"(?<!\w)" + re.escape(term.lower()) + r"(?!\w)", lowered):
            return term
    return None


def _spam(submission: Submission) -> Decision | None:
    spam = Comment.Status.SPAM
    if submission.honeypot:
        return Decision(spam, "honeypot", "The hidden field that only robots fill in was filled in.")
    if submission.form_age is not None and submission.form_age > timedelta(
        seconds=settings.COMMENTS_MAX_FORM_AGE_SECONDS
    ):  # the form refuses such a post first; this catches any other caller
        return Decision(spam, "form_expired", "Posted from a form rendered more than a day earlier.")
    text = f"{submission.author_name}\n{submission.body}"
    if term := _matching_term(text, settings.COMMENTS_BLOCK_TERMS):
        return Decision(spam, "block_list", f"Contains the blocked term “{term}”.")
    for url in links_in(submission.body):
        lowered = url.lower()
        if lowered.startswith("magnet:"):
            return Decision(spam, "file_link", "Links to a torrent (magnet link).")
        path = urlsplit(lowered if "://" in lowered else "https://" + lowered).path
        if path.endswith(tuple(settings.COMMENTS_SPAM_FILE_EXTENSIONS)):
            return Decision(spam, "file_link", f"Links straight to a file: {url}")
    return None


def _hold(submission: Submission) -> Decision | None:
    pending = Comment.Status.PENDING
    if term := _matching_term(f"{submission.author_name}\n{submission.body}", settings.COMMENTS_MODERATION_TERMS):
        return Decision(pending, "moderation_list", f"Contains the term “{term}” from the moderation list.")
    counted = [url for url in links_in(submission.body) if not _allowed_host(_host(url))]
    if len(counted) > settings.COMMENTS_MAX_LINKS:
        return Decision(pending, "too_many_links", f"{len(counted)} links (more than {settings.COMMENTS_MAX_LINKS}).")
    return None


def _known_commenter(submission: Submission) -> bool:
    earlier = Comment.objects.approved().filter(author_email__iexact=submission.email)
    if submission.exclude_comment_id:
        earlier = earlier.exclude(pk=submission.exclude_comment_id)
    return earlier.exists()


def decide(submission: Submission) -> Decision:
    """The status a submission gets, and why."""
    decision = _spam(submission) or _hold(submission)
    if decision:
        return decision
    if _known_commenter(submission):
        return Decision(Comment.Status.APPROVED, "known_commenter", "This email has an earlier approved comment.")
    return Decision(Comment.Status.PENDING, "first_comment", "A first comment from this email waits for review.")


def recent_duplicates(submission: Submission) -> Q:
    """The comments a submission would repeat: the same author's recent comments of the same words on the same
    article."""
    since = timezone.now() - timedelta(minutes=settings.COMMENTS_DUPLICATE_WINDOW_MINUTES)
    duplicates = Q(
        article_id=submission.article_id,
        author_email__iexact=submission.email,
        body=submission.body,
        created_at__gte=since,
    )
    if submission.exclude_comment_id:
        duplicates &= ~Q(pk=submission.exclude_comment_id)
    return duplicates


def is_recent_duplicate(submission: Submission) -> bool:
    """An exact repeat of the same author's recent comment on the same article."""
    return Comment.objects.filter(recent_duplicates(submission)).exists()
