"""The placeholders left in an article as the change form lists them: each with the id of the field that holds it,
and each section or featured track told how many of them it holds."""

from dataclasses import dataclass

from django.forms import BaseForm

from ..placeholders import Placeholder


@dataclass(frozen=True)
class PlaceholderLeft:
    placeholder: Placeholder
    field_id: str  # the id of the input that holds it, or "" when the form has none

    @property
    def text(self) -> str:
        return self.placeholder.text

    @property
    def where(self) -> str:
        return self.placeholder.where


def placeholders_with_fields(
    placeholders: list[Placeholder], form: BaseForm, rows: dict[str, list[BaseForm]]
) -> list[PlaceholderLeft]:
    """Each placeholder with its field's id, in ``form`` or in the row of ``rows`` its place counts (sections and
    featured tracks in reading order); each row's form gets ``placeholders_left``, how many it holds."""
    for forms in rows.values():
        for row_form in forms:
            row_form.placeholders_left = 0
    found = []
    for placeholder in placeholders:
        place, holder = placeholder.place, form
        if place is not None and place.rows:
            forms = rows.get(place.rows, [])
            holder = forms[place.row] if place.row < len(forms) else None
            if holder is not None:
                holder.placeholders_left += 1
        field_name = place.field if place is not None else ""
        field_id = holder[field_name].auto_id if holder is not None and field_name in holder.fields else ""
        found.append(PlaceholderLeft(placeholder, field_id or ""))
    return found
