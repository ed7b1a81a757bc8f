"""How people are named on the site: publicly (bylines, feeds, structured data, a signed-in reader's comment form)
and in the admin.

The login name is an account's key, not a name: it never appears publicly. The author profile
(``articles.models.Author``) holds the name a staff author chose; ``user.author_profile`` is read here without
importing the model, so select it with the user (``select_related("author__author_profile")``) where many are shown.
"""


def author_profile(user):
    """The user's author profile, or None. Only staff write, so only staff have one: a reader's name costs no
    query, and a staff member's none when the profile was selected with the user."""
    if user is None or not user.is_staff:
        return None
    return getattr(user, "author_profile", None)


def public_name(user) -> str:
    """The name readers see: the author's display name, else the full name; empty rather than the login name."""
    if user is None:
        return ""
    profile = author_profile(user)
    return profile.name if profile else user.get_full_name()


def admin_name(user) -> str:
    """The name staff see in the admin: the public name, else the login name (staff know one another by it)."""
    return public_name(user) or user.get_username()
