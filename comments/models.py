from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, FeaturedTrack

# Moderators see "10,000+" rather than wait for a count of the whole table.
QUEUE_COUNT_LIMIT = 10_000


def count_for_queue(queryset) -> int:
    """How many rows there are, counting no further than one past QUEUE_COUNT_LIMIT (a full count of a huge queue
    costs a scan of the table). Any queryset: the admin also pages a comment's history of log entries."""
    return queryset.order_by()[: QUEUE_COUNT_LIMIT + 1].count()


def queue_count_label(count: int) -> str:
    """A count from ``count_for_queue()`` as moderators read it: "10,000+" past the limit."""
    return f"{QUEUE_COUNT_LIMIT:,}+" if count > QUEUE_COUNT_LIMIT else str(count)


# The moderation queue's order: pending first. An expression, so that an index on the same expression serves it.
QUEUE_RANK = Case(
    When(status="pending", then=Value(0)),
    When(status="approved", then=Value(1)),
    When(status="spam", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
QUEUE_ORDER = (QUEUE_RANK.asc(), F("created_at").desc(), F("pk").desc())


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What readers see."""
        return self.filter(status=Comment.Status.APPROVED)

    def in_moderation(self):
        """The moderators' queue: waiting for a decision."""
        return self.filter(status=Comment.Status.PENDING)

    def unconfirmed(self):
        """Waiting for their writers to confirm the email address (comments/email_confirmation.py): never shown."""
        return self.filter(status=Comment.Status.UNCONFIRMED)

    def reported(self):
        return self.filter(report_count__gt=0)  # the comment_reported index

    def reported_since_review(self):
        """Comments a moderator approved that readers have reported since: they wait for a moderator's look."""
        # From the reports' side: there are few reports, and many approved comments.
        later = CommentReport.objects.filter(created_at__gt=F("comment__reviewed_at")).values("comment_id")
        return self.approved().filter(pk__in=later)

    def queue_order(self):
        """Pending first, then approved, spam and rejected; the newest first within each (the queue index)."""
        return self.order_by(*QUEUE_ORDER)

    def with_latest_event(self):
        """Each comment with its latest moderation event (who or which rule put it where it is), all in one query:
        read it from ``Comment.latest_event``."""
        latest = ModerationEvent.objects.select_related("actor").order_by("-created_at", "-pk")[:1]
        return self.prefetch_related(Prefetch("events", queryset=latest, to_attr="latest_events"))

    def for_article(self, article: Article):
        return self.filter(article=article)

    def thread_starts(self):
        """The comments that start a thread. Asked by their empty ``thread`` (never by ``parent``, which is empty for
        the same comments: comment_depth_matches_parent) so that comment_article_threads alone answers."""
        return self.filter(thread__isnull=True)

    def by_address(self, email: str):
        """The comments written from an email address, in any case (the comment_author_email_status index); none
        for an empty one (erased comments have no address)."""
        return self.filter(author_email__iexact=email) if email.strip() else self.none()

    def discussion_counts(self, article: Article) -> "DiscussionCounts":
        """Approved comments, threads and the favourite-track tally of an article, in one query."""
        rows = (
            self.approved()
            .for_article(article)
            # Replies count only while their thread is public too, as the page shows them.
            .filter(Q(thread__isnull=True) | Q(thread__status=Comment.Status.APPROVED))
            .order_by()
            .values("favourite_track_id")
            .annotate(comments=Count("id"), threads=Count("id", filter=Q(thread__isnull=True)))
        )
        counts = DiscussionCounts()
        for row in rows:
            counts.comments += row["comments"]
            counts.threads += row["threads"]
            if row["favourite_track_id"]:
                counts.favourite_tracks[row["favourite_track_id"]] = row["comments"]
        return counts


class DiscussionCounts:
    def __init__(self):
        self.comments = 0
        self.threads = 0
        self.favourite_tracks: dict[int, int] = {}


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"
        # Waits for its writer to confirm the email address (COMMENTS_CONFIRM_EMAIL) before the rules decide.
        UNCONFIRMED = "unconfirmed", "Unconfirmed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", editable=False
    )
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The top-level comment of this comment's thread; empty for a top-level comment.",
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    author_name = models.CharField("name", max_length=80)
    author_email = models.EmailField("email", max_length=254, blank=True)  # blank once erased (anonymised)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    favourite_track = models.ForeignKey(
        FeaturedTrack,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="picked_by",
        verbose_name="track that stood out",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    notify_replies = models.BooleanField(
        "email me replies", default=False, help_text="Its writer asked to be emailed when replies are approved."
    )
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    report_count = models.PositiveIntegerField(default=0, editable=False)
    reviewed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a moderator last approved it. Readers' reports then no longer take it off the page: they "
        "ask moderators to look again. The author's edit clears it.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "thread", "created_at"], name="comment_article_threads"),
            # A page of threads: an article's thread starts in their order, the first page's read without sorting
            # them all (comment_article_threads finds them, but "thread IS NULL" leaves its order unused).
            models.Index(
                fields=["article", "status", "created_at", "id"],
                condition=Q(thread__isnull=True),
                name="comment_article_thread_starts",
            ),
            models.Index(fields=["status", "-created_at"], name="comment_queue"),
            models.Index(QUEUE_RANK, F("created_at").desc(), F("id").desc(), name="comment_queue_order"),
            # Few comments are reported: the queue counts and lists them without reading the others.
            models.Index(
                QUEUE_RANK,
                F("created_at").desc(),
                F("id").desc(),
                condition=Q(report_count__gt=0),
                name="comment_reported",
            ),
            # The known-commenter rule and the duplicate check compare emails case-insensitively.
            models.Index(Upper("author_email"), "status", name="comment_author_email_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True, thread__isnull=True, depth=0)
                | Q(parent__isnull=False, thread__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        # Not the article's title: the admin shows this to moderators, who may not see unpublished articles.
        return f"Comment {self.pk} by {self.author_name}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def is_public(self) -> bool:
        """Shown to every reader (``CommentQuerySet.approved()`` is the same rule for many)."""
        return self.status == self.Status.APPROVED

    def can_still_edit(self) -> bool:
        """Whether its author may still change or delete it: while it is shown or waits, for a while after posting."""
        window = timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)
        return self.status in (self.Status.PENDING, self.Status.APPROVED) and timezone.now() - self.created_at <= window

    @property
    def latest_event(self) -> "ModerationEvent | None":
        """The latest decision on it, from ``CommentQuerySet.with_latest_event()``."""
        return self.latest_events[0] if self.latest_events else None

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def edit_url(self) -> str:
        return reverse("comments:edit", kwargs={"pk": self.pk})


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        SPOILER = "spoiler", "Unmarked spoiler"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter_key = models.CharField(
        max_length=100, editable=False, help_text="Who reported: a user id or an anonymous browser's key."
    )
    network = models.CharField(
        "client address",
        max_length=64,
        blank=True,
        editable=False,
        help_text="The client reports are counted by: an IPv4 address or an IPv6 /64 network. Empty on reports "
        "made before reports were counted by address.",
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.OTHER)
    note = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="report_once_per_reader"),
            models.UniqueConstraint(
                fields=["comment", "network"], condition=~Q(network=""), name="report_once_per_address"
            ),
        ]
        indexes = [models.Index(fields=["network", "-created_at"], name="report_network_recent")]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id}: {self.get_reason_display()}"


class ModerationEvent(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=50, blank=True, help_text="The rule that decided, when no person did.")
    from_status = models.CharField(max_length=12, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Comment.Status.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        who = self.actor or f"rule {self.rule}"
        return f"{who}: {self.from_status or 'new'} → {self.to_status}"


class ModeratorNotice(models.Model):
    """The moderators' summary email of one period (COMMENTS_NOTIFY_EVERY_MINUTES long, starting on the clock).

    The row is claimed before the email goes out and kept once it may have gone: however often the task runs (a
    retry, a worker killed mid-send, two workers at once), the period's summary is sent at most once.
    """

    period_start = models.DateTimeField(unique=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"Moderators' notice of {self.period_start:%Y-%m-%d %H:%M}"


class ReplyNotice(models.Model):
    """What one address was last emailed about the replies in one thread (comments/replies.py).

    The row is claimed before each email goes out (``sent_at`` moves, ``told`` grows) and kept once the email may
    have gone: a retried or repeated run finds the replies told and the window taken, so none is sent twice.
    """

    recipient = models.EmailField(max_length=254, help_text="The subscriber's address, in lower case.")
    thread = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(help_text="When the latest email was claimed: sent, or maybe sent.")
    told = models.JSONField(default=list, help_text="The ids of the replies already emailed about.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "thread"], name="reply_notice_once_per_thread"),
        ]

    def __str__(self) -> str:
        return f"Replies in thread {self.thread_id} emailed to {self.recipient}"
