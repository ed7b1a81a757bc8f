"""The moderation rules, one by one, each following its setting.

Each test builds a ``Submission`` and asks ``decide()`` for a status. The rules read settings on every call,
so the ``settings`` fixture shows that changing a setting changes the decision.
"""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core import signing

from comments.forms import FORM_TOKEN_SALT, CommentForm
from comments.models import Comment
from comments.moderation import Submission, decide, links_in
from tests.utils.clock import NOW
from tests.utils.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

KNOWN_EMAIL = "regular@example.com"
PENDING, APPROVED, SPAM = Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.SPAM


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def known_commenter():
    """An email with an earlier approved comment, so only the rule under test can hold its next one."""
    return CommentFactory(author_email=KNOWN_EMAIL, status=APPROVED)


def submission(article_id: int = 1, **overrides) -> Submission:
    fields = {
        "article_id": article_id,
        "body": "The horns in the second cue are wonderful.",
        "author_name": "Ada",
        "email": KNOWN_EMAIL,
        "form_age": timedelta(seconds=30),
    } | overrides
    return Submission(**fields)


def decided(**overrides) -> tuple[str, str]:
    decision = decide(submission(**overrides))
    return decision.status, decision.rule


class TestNewAndKnownCommenters:
    def test_a_first_comment_from_a_new_email_waits_for_review(self):
        assert decided(email="newcomer@example.com") == (PENDING, "first_comment")

    def test_an_email_with_an_earlier_approved_comment_is_approved_at_once(self, known_commenter):
        assert decided(email=KNOWN_EMAIL) == (APPROVED, "known_commenter")

    def test_the_earlier_approved_comment_may_be_on_any_article(self, article):
        CommentFactory(author_email=KNOWN_EMAIL, article=ArticleFactory())

        assert decided(article_id=article.pk, email=KNOWN_EMAIL) == (APPROVED, "known_commenter")

    def test_the_email_is_recognised_whatever_its_letter_case(self, known_commenter):
        assert decided(email="Regular@EXAMPLE.com") == (APPROVED, "known_commenter")

    @pytest.mark.parametrize("status", [PENDING, Comment.Status.REJECTED, SPAM])
    def test_an_earlier_comment_that_was_never_approved_does_not_vouch_for_the_email(self, status):
        CommentFactory(author_email=KNOWN_EMAIL, status=status)

        assert decided(email=KNOWN_EMAIL) == (PENDING, "first_comment")

    def test_a_comment_being_edited_cannot_vouch_for_itself(self, known_commenter):
        assert decided(email=KNOWN_EMAIL, exclude_comment_id=known_commenter.pk) == (PENDING, "first_comment")

    def test_a_known_commenter_is_still_held_when_another_rule_holds_the_comment(self, known_commenter, settings):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg"]

        assert decided(body="Where can I find a bootleg of the score?") == (PENDING, "moderation_list")
        assert decided(body="Three links: https://a.example https://b.example https://c.example") == (
            PENDING,
            "too_many_links",
        )

    def test_a_known_commenter_is_still_marked_spam_by_a_spam_rule(self, known_commenter):
        assert decided(honeypot="https://spam.example") == (SPAM, "honeypot")
        assert decided(body="Cheap viagra here") == (SPAM, "block_list")


class TestTooManyLinks:
    def test_as_many_links_as_the_setting_allows_are_fine(self, known_commenter):
        body = "See https://one.example/a and https://two.example/b"

        assert decided(body=body) == (APPROVED, "known_commenter")

    def test_one_link_more_than_the_setting_allows_holds_the_comment(self, known_commenter):
        decision = decide(submission(body="https://one.example https://two.example https://three.example"))

        assert (decision.status, decision.rule) == (PENDING, "too_many_links")
        assert decision.reason == "3 links (more than 2)."

    def test_markdown_links_autolinks_and_www_addresses_all_count(self, known_commenter):
        body = "[the score](https://one.example/score), <https://two.example/> and www.three.example/cue"

        assert len(links_in(body)) == 3
        assert decided(body=body) == (PENDING, "too_many_links")

    def test_links_to_allow_listed_music_and_reference_sites_are_not_counted(self, known_commenter):
        body = (
            "Listen on https://open.spotify.com/album/1, credits at https://musicbrainz.org/release-group/2, "
            "background at [Wikipedia](https://en.wikipedia.org/wiki/Film_score), "
            "the cue on https://www.youtube.com/watch?v=3 and the LP on https://artist.bandcamp.com/album/4, "
            "plus my own https://blog.example/post"
        )

        assert decided(body=body) == (APPROVED, "known_commenter")

    @pytest.mark.parametrize(
        "url",
        [
            "https://open.spotify.com.evil.example/album/1",
            "https://notwikipedia.org/wiki/Score",
            "https://evil.example/open.spotify.com",
            "https://spotify.com/album/1",  # only open.spotify.com is on the list
        ],
    )
    def test_a_host_that_only_looks_like_an_allow_listed_one_is_counted(self, known_commenter, url):
        body = f"{url} and https://one.example and https://two.example"

        assert decided(body=body) == (PENDING, "too_many_links")

    def test_the_limit_follows_the_setting(self, known_commenter, settings):
        one_link = "Have a look: https://one.example/review"
        five_links = " ".join(f"https://site{n}.example/" for n in range(5))

        settings.COMMENTS_MAX_LINKS = 0
        assert decided(body=one_link) == (PENDING, "too_many_links")
        settings.COMMENTS_MAX_LINKS = 5
        assert decided(body=five_links) == (APPROVED, "known_commenter")

    def test_the_allow_list_follows_the_setting(self, known_commenter, settings):
        body = "https://vgmrips.example/a https://vgmrips.example/b https://open.spotify.com/album/1"

        settings.COMMENTS_LINK_ALLOWLIST = ["vgmrips.example"]

        assert decided(body=body) == (APPROVED, "known_commenter")
        assert decided(body=body + " https://musicbrainz.org/x https://en.wikipedia.org/y") == (
            PENDING,
            "too_many_links",
        )


class TestModerationTerms:
    def test_by_default_no_term_holds_a_comment(self, known_commenter, settings):
        assert settings.COMMENTS_MODERATION_TERMS == []
        assert decided(body="Is there a bootleg of the sessions?") == (APPROVED, "known_commenter")

    def test_a_term_from_the_moderation_list_holds_the_comment(self, known_commenter, settings):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg", "leaked score"]

        decision = decide(submission(body="Anyone have the LEAKED SCORE?"))

        assert (decision.status, decision.rule) == (PENDING, "moderation_list")
        assert decision.reason == "Contains the term “leaked score” from the moderation list."

    def test_a_term_in_the_author_name_holds_the_comment_too(self, known_commenter, settings):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg"]

        assert decided(author_name="Bootleg Bob") == (PENDING, "moderation_list")

    def test_a_term_inside_a_longer_word_does_not_count(self, known_commenter, settings):
        settings.COMMENTS_MODERATION_TERMS = ["leak"]

        assert decided(body="The leakage of the main theme into the finale is clever.") == (
            APPROVED,
            "known_commenter",
        )


class TestBlockTerms:
    def test_a_term_from_the_block_list_marks_the_comment_as_spam(self):
        decision = decide(submission(body="Great score! Also: cheap Viagra at my site."))

        assert (decision.status, decision.rule) == (SPAM, "block_list")
        assert decision.reason == "Contains the blocked term “viagra”."

    def test_a_blocked_phrase_of_several_words_is_matched(self):
        assert decided(body="Claim your casino bonus today") == (SPAM, "block_list")

    def test_a_blocked_term_in_the_author_name_marks_spam(self):
        assert decided(author_name="Payday Loan Experts") == (SPAM, "block_list")

    def test_a_blocked_term_inside_a_longer_word_does_not_count(self, known_commenter):
        # "specialist" contains "cialis".
        assert decided(body="A specialist in orchestration would love this.") == (APPROVED, "known_commenter")

    def test_the_block_list_follows_the_setting(self, known_commenter, settings):
        settings.COMMENTS_BLOCK_TERMS = ["ringtone"]

        assert decided(body="Free ringtone downloads") == (SPAM, "block_list")
        assert decided(body="Cheap viagra") == (APPROVED, "known_commenter")

    def test_spam_rules_win_over_the_rules_that_only_hold(self, settings):
        settings.COMMENTS_MODERATION_TERMS = ["bootleg"]

        assert decided(body="bootleg viagra https://a.example https://b.example https://c.example") == (
            SPAM,
            "block_list",
        )


class TestLinksToFiles:
    @pytest.mark.parametrize(
        "body",
        [
            "Full album: https://files.example/score.mp3",
            "Lossless: [download](https://files.example/Score%20Suite.FLAC)",
            "Here https://files.example/track.mp3?download=1",
            "www.files.example/rips/main-theme.mp3",
            "Even on a music site: https://soundcloud.com/someone/theme.mp3",
        ],
    )
    def test_a_link_straight_to_an_audio_file_is_spam(self, known_commenter, body):
        assert decided(body=body) == (SPAM, "file_link")

    @pytest.mark.parametrize(
        "body",
        [
            "Grab it: magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=score",
            "[the torrent](MAGNET:?xt=urn:btih:abc)",
        ],
    )
    def test_a_magnet_link_is_spam(self, known_commenter, body):
        decision = decide(submission(body=body))

        assert (decision.status, decision.rule) == (SPAM, "file_link")
        assert decision.reason == "Links to a torrent (magnet link)."

    @pytest.mark.parametrize(
        "body",
        [
            "The history of the format: https://en.wikipedia.org/wiki/MP3",
            "Was the score released in FLAC or only as mp3? Does a magnet work on vinyl?",
            "https://shop.example/score-flac-edition",
        ],
    )
    def test_talking_about_audio_formats_or_linking_to_pages_about_them_is_fine(self, known_commenter, body):
        assert decided(body=body) == (APPROVED, "known_commenter")

    def test_the_file_extensions_follow_the_setting(self, known_commenter, settings):
        settings.COMMENTS_SPAM_FILE_EXTENSIONS = [".zip"]

        assert decided(body="https://files.example/score.zip") == (SPAM, "file_link")
        assert decided(body="https://files.example/score.mp3") == (APPROVED, "known_commenter")


class TestHoneypot:
    def test_a_filled_in_honeypot_marks_spam(self, known_commenter):
        assert decided(honeypot="https://cheap-watches.example") == (SPAM, "honeypot")

    def test_an_empty_honeypot_is_what_people_send(self, known_commenter):
        assert decided(honeypot="") == (APPROVED, "known_commenter")


class TestFormTiming:
    def test_a_fast_post_is_no_rules_business(self, known_commenter):
        # The form sends it back to its writer to post again (tests/comments/test_reader_comfort.py).
        assert decided(form_age=timedelta(seconds=0.5)) == (APPROVED, "known_commenter")

    def test_a_post_from_a_form_older_than_a_day_is_spam(self, known_commenter):
        assert decided(form_age=timedelta(days=1, seconds=1)) == (SPAM, "form_expired")
        assert decided(form_age=timedelta(days=1)) == (APPROVED, "known_commenter")

    def test_the_maximum_form_age_follows_the_setting(self, known_commenter, settings):
        settings.COMMENTS_MAX_FORM_AGE_SECONDS = 3600

        assert decided(form_age=timedelta(hours=1, seconds=1)) == (SPAM, "form_expired")
        assert decided(form_age=timedelta(minutes=59)) == (APPROVED, "known_commenter")

    def test_an_edit_has_no_form_age_and_no_timing_rule(self, known_commenter):
        assert decided(form_age=None) == (APPROVED, "known_commenter")


class TestSignedFormStamp:
    """The form carries a signed note of when it was rendered; the timing rules read its age from there."""

    def post_data(self, form: CommentForm, **overrides) -> dict:
        return {
            "author_name": "Ada",
            "author_email": "ada@example.com",
            "body": "Lovely score.",
            "form_token": form.initial["form_token"],
        } | overrides

    def test_the_form_age_is_the_time_between_rendering_and_posting(self, article):
        with time_machine.travel(NOW, tick=False):
            rendered = CommentForm(article=article)
        with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
            posted = CommentForm(self.post_data(rendered), article=article)
            assert posted.is_valid(), posted.errors

        assert posted.form_age == timedelta(seconds=5)

    def test_each_rendered_form_has_its_own_submission_token(self, article, settings):
        settings.COMMENTS_MIN_SECONDS_TO_POST = 0
        first = CommentForm(self.post_data(CommentForm(article=article)), article=article)
        second = CommentForm(self.post_data(CommentForm(article=article)), article=article)

        assert first.is_valid() and second.is_valid()
        assert first.submission_token != second.submission_token

    def test_a_form_token_not_signed_by_the_site_is_refused_and_replaced_with_a_fresh_one(self, article):
        forged = signing.dumps({"t": time.time() - 60, "id": "x"}, key="not-our-secret", salt=FORM_TOKEN_SALT)

        form = CommentForm(self.post_data(CommentForm(article=article), form_token=forged), article=article)

        assert not form.is_valid()
        assert form.errors["form_token"][0].startswith("This form could not be verified")
        assert form.data["form_token"] != forged
        assert signing.loads(form.data["form_token"], salt=FORM_TOKEN_SALT)["t"] <= time.time()
        assert form.data["body"] == "Lovely score."
