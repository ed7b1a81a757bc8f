"""The anonymous page cache and the fragments pages are assembled from, kept current by version stamps.

Shared infrastructure: it knows nothing of articles or comments. The apps tell it what changed
(``stamps.catalogue_changed()``, ``stamps.discussion_changed()``) from their own signal receivers, and a setting
names the callable that says when the next scheduled change is due (``PAGECACHE_NEXT_SCHEDULED_CHANGE``).
"""
