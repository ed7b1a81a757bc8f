"""The admin as the tests use it: the models it registers, its pages' URLs, and its forms as a browser posts them
(every field of the rendered page, with the editor's changes) or as a test writes them out."""

from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.urls import reverse

from articles.models import Article
from tests.utils.html import Node, parse

SKIPPED_INPUT_TYPES = {"submit", "button", "reset", "file", "image"}


def registered_models() -> list[type[Model]]:
    """Every model the admin site registers, in the order of the installed apps."""
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


def model_admins() -> list[tuple[type[Model], admin.ModelAdmin]]:
    """(model, its ModelAdmin) for every model the admin site registers."""
    return [(model, admin.site.get_model_admin(model)) for model in registered_models()]


def change_url(obj) -> str:
    """The admin change page of any registered model's object."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _enclosing_select(option: Node) -> Node | None:
    node = option.parent
    while node is not None and node.tag != "select":
        node = node.parent
    return node


def _posted(control: Node) -> tuple[str, str] | None:
    """(name, value) that a browser posts for the control as the page shows it; None for nothing."""
    attrs = control.attrs
    if "disabled" in attrs:
        return None
    if control.tag == "input" and attrs.get("name") and attrs.get("type", "text") not in SKIPPED_INPUT_TYPES:
        if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
            return attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
    elif control.tag == "option" and "selected" in attrs:
        select = _enclosing_select(control)
        if select is not None and select.attrs.get("name") and "disabled" not in select.attrs:
            return select.attrs["name"], attrs.get("value", "")
    elif control.tag == "textarea" and attrs.get("name"):
        # A textarea's content starts after one leading newline, which browsers drop.
        return attrs["name"], control.raw_text.removeprefix("\n")
    return None


def form_data(response, form_id: str = "article_form") -> dict[str, list[str]]:
    """What submitting the page's form would post, by name (a list of values each, as a browser sends them)."""
    data: dict[str, list[str]] = {}
    for form in parse(response).find_all("form", id=form_id):
        for name, value in filter(None, map(_posted, form.descendants())):
            data.setdefault(name, []).append(value)
    assert data, f"no form #{form_id} on the page"
    return data


def inline_data(prefix: str, rows: list[dict]) -> dict:
    """The POST data of an inline formset of new rows, management form included."""
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def article_data(work, *, sections=(), featured_tracks=(), **fields) -> dict:
    """What the article add form posts, with its two inlines (prefixes as the rendered form names them)."""
    data = {
        "title": "Why the cello carries the whole score",
        "slug": "",
        "standfirst": "A *low* voice.",
        "work": work.pk,
        "tags": "",
        "status": Article.Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        "comments_open": "on",
        "seo_description": "",
        **fields,
    }
    data.update(inline_data("sections", list(sections)))
    data.update(inline_data("featured_tracks", list(featured_tracks)))
    return data
