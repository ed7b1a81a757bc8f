"""Hostile input to the admin never answers 500: every changelist's search and filters, every autocomplete and
every autocomplete field of every form, on both databases (PostgreSQL is where a NUL byte in a query breaks)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article
from comments.models import ModerationEvent
from tests.utils.admin import change_url, form_data, model_admins
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    CommentReportFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
)
from tests.utils.html import parse

pytestmark = pytest.mark.django_db

NUL = "\x00"
NOT_IDS = ["abc", "\x00", "99999999999999999999", "-1", "1.5", "²"]


@pytest.fixture
def world():
    """One row of every kind, so that every changelist, change form and inline has something to show."""
    article = ArticleFactory()
    SectionFactory(article=article)
    featured = FeaturedTrackFactory(article=article)
    featured.track.composers.add(ComposerFactory())
    article.composers.add(ComposerFactory())
    article.tags.add("strings")
    TrackFactory(work=article.work)
    comment = CommentFactory(article=article)
    CommentReportFactory(comment=comment)
    ModerationEvent.objects.create(comment=comment, rule="test", to_status=comment.status)
    return article


def changelists():
    for model, model_admin in model_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        yield pytest.param(url, model_admin, id=model._meta.label)


def filter_parameters(client, url: str, model_admin) -> list[str]:
    """Every query parameter the changelist's filters, date drill-down and search answer to."""
    response = client.get(url)
    assert response.status_code == 200
    names = {"q", "o", "p", "e"}
    for spec in response.context["cl"].filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return sorted(names)


@pytest.mark.parametrize(("url", "model_admin"), list(changelists()))
def test_a_nul_byte_in_any_filter_or_search_of_any_changelist_is_a_bad_request(
    client, signed_in_superuser, world, url, model_admin
):
    answers = {
        name: client.get(url, {name: f"x{NUL}y"}).status_code for name in filter_parameters(client, url, model_admin)
    }

    assert answers == dict.fromkeys(answers, 400)


@pytest.mark.parametrize(("url", "model_admin"), list(changelists()))
def test_values_that_are_not_ids_in_any_filter_of_any_changelist_answer_below_500(
    client, signed_in_superuser, world, url, model_admin
):
    surprises = []
    for name in filter_parameters(client, url, model_admin):
        for value in NOT_IDS[:1] + NOT_IDS[2:]:
            status = client.get(url, {name: value}).status_code
            if status >= 500:
                surprises.append(f"{name}={value!r}: {status}")

    assert surprises == []


def test_the_nul_byte_answer_is_the_sites_own_400_page(client, signed_in_superuser, world):
    response = client.get(reverse("admin:comments_comment_changelist"), {"q": f"brass{NUL}"})

    assert response.status_code == 400
    assert parse(response).find("h1").text == "Bad request"


def autocomplete_fields():
    """(app label, model name, field name) of every autocomplete field of every admin and inline."""
    for model, model_admin in model_admins():
        for owner in [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]:
            for field_name in owner.autocomplete_fields:
                meta = owner.model._meta
                yield pytest.param(meta.app_label, meta.model_name, field_name, id=f"{meta.label}.{field_name}")


@pytest.mark.parametrize(("app_label", "model_name", "field_name"), list(autocomplete_fields()))
@pytest.mark.parametrize("term", [NUL, f"Work{NUL}", "%", "_", "\\"])
def test_any_autocomplete_term_answers_below_500(
    client, signed_in_superuser, world, app_label, model_name, field_name, term
):
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term}

    response = client.get(reverse("admin:autocomplete"), query)

    assert response.status_code == (400 if NUL in term else 200)


def forms_with_autocomplete_fields():
    """The change page of each admin whose form or inlines have autocomplete fields."""
    for model, model_admin in model_admins():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        if model_admin.autocomplete_fields or any(inline.autocomplete_fields for inline in inlines):
            yield pytest.param(model, id=model._meta.label)


@pytest.mark.parametrize("model", list(forms_with_autocomplete_fields()))
@pytest.mark.parametrize("value", NOT_IDS)
def test_a_value_that_is_not_an_id_in_any_autocomplete_field_is_a_form_error(
    client, signed_in_superuser, world, model, value
):
    meta = model._meta
    url = change_url(model._default_manager.first())
    page = client.get(url)
    names = [
        select.attrs["name"]
        for select in parse(page).find_all("select", class_="admin-autocomplete")
        if "__prefix__" not in select.attrs["name"]
    ]
    assert names, f"no autocomplete field on {url}"
    for name in names:
        data = form_data(page, f"{meta.model_name}_form") | {name: [value]}

        response = client.post(url, data)

        assert response.status_code == 200, (name, response.status_code)
        errors = parse(response).find_all("ul", class_="errorlist")
        refusals = ("Select a valid choice", "is not a valid value", "Null characters are not allowed")
        assert any(refusal in error.text for error in errors for refusal in refusals), name


def test_an_action_on_ids_that_are_not_ids_changes_nothing_and_answers_below_500(client, signed_in_superuser, world):
    surprises = []
    for model, model_admin in model_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in model_admin.get_actions(client.get(url).wsgi_request):
            response = client.post(url, {"action": action, "_selected_action": NOT_IDS, "post": "yes"})
            if response.status_code >= 500:
                surprises.append(f"{model._meta.label} {action}: {response.status_code}")

    assert surprises == []
    assert Article.objects.count() == 1
