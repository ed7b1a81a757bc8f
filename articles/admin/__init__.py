"""The admin of the articles app. Django's autodiscovery imports this package; importing it registers every
ModelAdmin below.

- ``catalogue``: works (with their tracks inline), composers, tracks; ``musicbrainz``: a work's track list
  imported from MusicBrainz;
- ``article``: the article list, change form and bulk actions (publishing through ``articles.publishing``);
- ``editorial``: the article admin's own views (previews, revisions, a draft from a template);
- ``authors``: author profiles (every staff author may edit their own);
- ``templates``: article templates; ``tags``: django-taggit's tags, with a permission check of ours;
- ``inlines``, ``forms``, ``widgets``: what those are built from;
- ``django_internals``: every use of Django's private admin and forms API, and why.
"""

from .article import ArticleAdmin
from .authors import AuthorAdmin
from .catalogue import ComposerAdmin, TrackAdmin, WorkAdmin
from .tags import TagAdmin
from .templates import ArticleTemplateAdmin

__all__ = [
    "ArticleAdmin",
    "ArticleTemplateAdmin",
    "AuthorAdmin",
    "ComposerAdmin",
    "TagAdmin",
    "TrackAdmin",
    "WorkAdmin",
]
