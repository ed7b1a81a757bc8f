"""How people are named on the site."""


def display_name(user) -> str:
    """A user's name as others read it: their full name, else their username."""
    return user.get_full_name() or user.get_username()
