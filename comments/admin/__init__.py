"""The moderators' admin: the comment queue, readers' reports and the history of decisions."""

from . import queue, records  # noqa: F401 (registers the admins)
