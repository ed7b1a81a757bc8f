from datetime import timedelta

import pytest

from mailing import tokens
from mailing.models import UsedToken

pytestmark = pytest.mark.django_db


def test_a_link_reads_back_what_it_was_made_with():
    token = tokens.make("export", {"e": "reader@example.org"})

    assert tokens.read("export", token, max_age=timedelta(hours=1)) == {"e": "reader@example.org"}


def test_a_link_made_for_one_purpose_opens_nothing_else():
    token = tokens.make("export", {"e": "reader@example.org"})

    with pytest.raises(tokens.BadToken) as refused:
        tokens.read("erase", token)
    assert not refused.value.expired
    assert "not valid" in refused.value.message


def test_a_changed_link_is_refused():
    token = tokens.make("export", {"e": "reader@example.org"})

    with pytest.raises(tokens.BadToken):
        tokens.read("export", token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_an_old_link_has_expired_and_says_so(clock):
    token = tokens.make("export", {"e": "reader@example.org"})
    clock.shift(timedelta(hours=2))

    with pytest.raises(tokens.BadToken) as refused:
        tokens.read("export", token, max_age=timedelta(hours=1))
    assert refused.value.expired
    assert "expired" in refused.value.message


def test_a_single_use_link_works_once():
    token = tokens.make("erase", {"e": "reader@example.org"})

    assert tokens.use_once("erase", token)
    assert not tokens.use_once("erase", token)
    assert tokens.use_once("export", token)  # another purpose's use is its own


def test_the_marks_of_used_links_go_once_such_links_have_expired(clock):
    old = tokens.make("erase", {"e": "ada@example.org"})
    assert tokens.use_once("erase", old, max_age=timedelta(hours=48))
    clock.shift(timedelta(hours=49))

    assert tokens.use_once("erase", tokens.make("erase", {"e": "ben@example.org"}), max_age=timedelta(hours=48))

    assert UsedToken.objects.count() == 1  # the old link's mark is gone: read() refuses the link as expired anyway
    with pytest.raises(tokens.BadToken):
        tokens.read("erase", old, max_age=timedelta(hours=48))
