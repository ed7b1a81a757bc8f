"""Slots: marks in cached HTML where each view puts a value of its own (a reader's name, a fresh form token)."""

from django.utils.crypto import salted_hmac


def slot(name: str) -> str:
    """The mark for ``name``. Derived from the secret key, so no reader's text can contain one (a reader would see
    somebody's CSRF token or name inside a comment); letters and digits only, so escaping leaves it as it is."""
    return "slot" + salted_hmac("pagecache.slot", name, algorithm="sha256").hexdigest()[:30]


def fill_slots(html: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        html = html.replace(slot(name), value)
    return html
