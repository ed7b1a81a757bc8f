"""Editors reorder sections and featured tracks in the article form, including swapping two positions."""

import pytest
from django.urls import reverse

from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, SectionFactory, TrackFactory, editor

pytestmark = pytest.mark.django_db


def change_form_data(article, sections, featured):
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "work": article.work_id,
        "tags": "",
        "status": article.status,
        "publish_at_0": article.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": article.publish_at.strftime("%H:%M:%S"),
        "comments_open": "on",
        "seo_description": "",
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "featured_tracks-TOTAL_FORMS": len(featured),
        "featured_tracks-INITIAL_FORMS": len(featured),
    }
    for index, (section, position) in enumerate(sections):
        data |= {
            f"sections-{index}-id": section.pk,
            f"sections-{index}-article": article.pk,
            f"sections-{index}-position": position,
            f"sections-{index}-numbered": "on",
            f"sections-{index}-heading": section.heading,
            f"sections-{index}-body": section.body,
        }
    for index, (item, position) in enumerate(featured):
        data |= {
            f"featured_tracks-{index}-id": item.pk,
            f"featured_tracks-{index}-article": article.pk,
            f"featured_tracks-{index}-position": position,
            f"featured_tracks-{index}-track": item.track_id,
            f"featured_tracks-{index}-note": item.note,
        }
    return data


def test_swapping_two_sections_and_two_featured_tracks_in_one_save_works(client):
    client.force_login(editor())
    article = ArticleFactory()
    first, second, third = (SectionFactory(article=article, position=n, heading=f"S{n}") for n in (1, 2, 3))
    a, b = (FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work), position=n) for n in (1, 2))

    data = change_form_data(article, [(first, 2), (second, 1), (third, 3)], [(a, 2), (b, 1)])
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert [s.heading for s in article.sections.order_by("position")] == ["S2", "S1", "S3"]
    assert list(article.featured_tracks.order_by("position")) == [b, a]


def test_two_sections_given_the_same_position_are_refused_with_a_message(client):
    client.force_login(editor())
    article = ArticleFactory()
    first, second = (SectionFactory(article=article, position=n, heading=f"S{n}") for n in (1, 2))

    data = change_form_data(article, [(first, 2), (second, 2)], [])
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for position" in response.content.decode()
    assert [s.position for s in article.sections.order_by("pk")] == [1, 2]


def test_positions_above_the_limit_are_refused(client):
    client.force_login(editor())
    article = ArticleFactory()
    section = SectionFactory(article=article, position=1)

    data = change_form_data(article, [(section, 10_000)], [])
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 9999" in response.content.decode()
