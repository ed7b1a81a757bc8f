"""send_digests: each confirmed follower gets the last period's new articles about what they follow, once."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from follows.models import DigestSent, Follow
from reliability.mailservers import MailServer
from tests.utils.factories import ArticleFactory, ComposerFactory
from tests.utils.mail import html_of, send_to, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# The clock stands at Monday 1 June 2026, 12:00 UTC: yesterday is Sunday 31 May, last week began Monday 25 May.
YESTERDAY = datetime(2026, 5, 31, 9, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 5, 26, 9, 0, tzinfo=UTC)


def send_digests(**options) -> str:
    out = StringIO()
    call_command("send_digests", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def follow(email="reader@example.org", frequency="daily", confirmed=True, **target) -> Follow:
    return Follow.objects.create(
        email=email, frequency=frequency, confirmed_at=timezone.now() if confirmed else None, **target
    )


def test_a_daily_digest_lists_yesterdays_articles_about_each_followed_thing(
    mail_server, composer, work, tag, article_about
):
    follow(composer=composer)
    follow(work=work)
    follow(tag=tag)
    scored = article_about(at=YESTERDAY, composers=[composer], title="The hum of Under the Skin")
    about_work = article_about(at=YESTERDAY + timedelta(hours=2), work=work, title="Watching it twice")
    tagged = article_about(at=YESTERDAY, tags=[tag], title="Strings that scrape")
    article_about(at=YESTERDAY - timedelta(days=1), composers=[composer], title="Two days old")
    article_about(at=timezone.now() - timedelta(hours=1), work=work, title="Published today")
    article_about(at=YESTERDAY, title="About something else")
    ArticleFactory(status="draft", publish_at=YESTERDAY, work=work, title="A draft")

    assert "Daily digests of 2026-05-31 to 2026-06-01: 1 sent." in send_digests(frequency="daily")

    [mail] = mail_server.emails()
    assert mail["To"] == "reader@example.org"
    assert mail["Subject"] == (
        "[Soundtrack Notes] Daily digest: 3 new articles about Mica Levi, Under the Skin (2013), #strings"
    )
    text = text_of(mail).replace("\r\n", "\n")
    assert "New articles published on Sunday 31 May 2026:" in text
    for name, article in [("Mica Levi", scored), ("Under the Skin (2013)", about_work), ("#strings", tagged)]:
        assert f"{name} (http://127.0.0.1:8000/" in text
        assert f"- {article.title}\n  http://127.0.0.1:8000{article.get_absolute_url()}" in text
    for title in ("Two days old", "Published today", "About something else", "A draft"):
        assert title not in text
    assert f'<a href="http://127.0.0.1:8000{scored.get_absolute_url()}">{scored.title}</a>' in html_of(mail)


def test_a_weekly_digest_lists_last_weeks_articles_and_daily_followers_get_none_of_it(
    mail_server, composer, article_about
):
    follow(email="weekly@example.org", frequency="weekly", composer=composer)
    follow(email="daily@example.org", frequency="daily", composer=composer)
    monday = article_about(at=datetime(2026, 5, 25, 0, 0, tzinfo=UTC), composers=[composer])
    thursday = article_about(at=LAST_WEEK + timedelta(days=2), composers=[composer])
    article_about(at=datetime(2026, 5, 24, 23, 59, tzinfo=UTC), composers=[composer], title="The week before")

    send_digests(frequency="weekly")

    [mail] = mail_server.emails()
    assert mail["To"] == "weekly@example.org"
    assert "Weekly digest: 2 new articles about Mica Levi" in mail["Subject"]
    text = text_of(mail).replace("\r\n", "\n")
    assert "New articles published in the week from Monday 25 May 2026:" in text
    assert text.index(thursday.title) < text.index(monday.title)  # the newest first
    assert "The week before" not in text


def test_without_a_frequency_the_command_sends_both(mail_server, composer, article_about):
    follow(email="weekly@example.org", frequency="weekly", composer=composer)
    follow(email="daily@example.org", frequency="daily", composer=composer)
    article_about(at=YESTERDAY, composers=[composer])

    send_digests()

    assert sorted(mail["To"] for mail in mail_server.emails()) == ["daily@example.org", "weekly@example.org"]


def test_an_unconfirmed_follow_gets_no_digest(mail_server, composer, article_about):
    follow(composer=composer, confirmed=False)
    article_about(at=YESTERDAY, composers=[composer])

    send_digests()

    assert mail_server.emails() == []


def test_nothing_new_sends_nothing(mail_server, composer, article_about):
    follow(composer=composer)
    article_about(at=YESTERDAY, title="Not about them")

    assert "0 sent" in send_digests(frequency="daily")
    assert mail_server.emails() == [] and not DigestSent.objects.exists()


def test_running_twice_sends_nothing_twice_and_the_next_day_sends_the_next_days(
    mail_server, composer, article_about, clock
):
    follow(composer=composer)
    article_about(at=YESTERDAY, composers=[composer], title="Sunday's")
    article_about(at=timezone.now(), composers=[composer], title="Monday's")

    send_digests(frequency="daily")
    assert "0 sent" in send_digests(frequency="daily")
    assert len(mail_server.emails()) == 1

    clock.shift(timedelta(days=1))
    send_digests(frequency="daily")

    first, second = mail_server.emails()
    assert "Sunday's" in text_of(first) and "Monday's" not in text_of(first)
    assert "Monday's" in text_of(second) and "Sunday's" not in text_of(second)
    assert first["Message-ID"] != second["Message-ID"]


def test_a_refused_digest_is_sent_by_the_next_run(mail_server, composer, article_about, settings):
    follow(composer=composer)
    article_about(at=YESTERDAY, composers=[composer])
    refusing = MailServer(refuse=True).start()
    send_to(settings, refusing)
    try:
        with pytest.raises(CommandError, match="1 digest"):
            send_digests(frequency="daily")
    finally:
        refusing.stop()
    assert not DigestSent.objects.exists()

    send_to(settings, mail_server)
    send_digests(frequency="daily")

    assert len(mail_server.emails()) == 1


def test_one_digest_per_address_covers_all_its_follows(mail_server, composer, work, article_about):
    follow(composer=composer)
    follow(work=work)
    follow(email="other@example.org", composer=composer)
    article_about(at=YESTERDAY, work=work, composers=[composer])

    send_digests(frequency="daily")

    assert sorted(mail["To"] for mail in mail_server.emails()) == ["other@example.org", "reader@example.org"]


def test_an_address_unsubscribed_from_everything_gets_no_digest(mail_server, composer, article_about):
    from mailing.models import Unsubscribed

    follow(composer=composer)
    Unsubscribed.objects.create(email="reader@example.org")
    article_about(at=YESTERDAY, composers=[composer])

    send_digests()

    assert mail_server.emails() == []


def test_requests_nobody_confirmed_are_forgotten_once_their_link_has_expired(db, clock):
    composers = ComposerFactory.create_batch(2)
    follow(composer=composers[0], confirmed=False)
    clock.shift(timedelta(hours=47))
    follow(composer=composers[1], confirmed=False)
    clock.shift(timedelta(hours=2))

    send_digests()

    assert list(Follow.objects.values_list("composer", flat=True)) == [composers[1].pk]


@pytest.mark.parametrize("followers", [2, 8])
def test_the_digests_cost_a_few_queries_and_a_few_more_per_address(
    followers, mail_server, composer, tag, article_about, django_assert_max_num_queries
):
    for n in range(followers):
        follow(email=f"reader{n}@example.org", composer=composer)
        follow(email=f"reader{n}@example.org", tag=tag)
    article_about(at=YESTERDAY, composers=[composer], tags=[tag])

    # The articles, their composers and tags, the follows, and the two clean-ups (expired requests, old claims);
    # then each address's claim (an insert between a savepoint and its release), the check that the address may be
    # written to, and the claim marked sent.
    with django_assert_max_num_queries(6 + 5 * followers):
        send_digests(frequency="daily")

    assert len(mail_server.emails()) == followers
