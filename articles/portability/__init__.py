"""Articles as Markdown files with front matter, out (``export_articles``) and back in (``import_articles``).

A file is ``<slug>.md``::

    ---
    title: Why The Glass Orchard's soundtrack deserves more recognition
    slug: why-the-glass-orchards-soundtrack-deserves-more-recognition
    status: published                      # draft, scheduled or published
    publish_at: 2026-05-31 12:00:00+00:00  # null for a draft without one
    created_at: 2026-05-30 09:12:44+00:00
    updated_at: 2026-05-31 12:00:00+00:00
    work:
      title: The Glass Orchard
      kind: film                           # film, tv or game
      year: 2019
      slug: the-glass-orchard
      tracks:                              # the soundtrack album
      - number: 1
        title: Frost on the Branches
        duration: '2:48'
    composers:
    - name: Ilse Varnholt
      slug: ilse-varnholt
    tags:
    - FilmMusic
    comments_open: true
    seo_description: ''
    featured_tracks:
    - position: 1
      track: Frost on the Branches         # a title of the work's tracks (or its number, when titles repeat)
      section: 1                           # the position of the section that discusses it; optional
      appears_in: the opening titles       # optional, as are moments, listening_url and note
      moments: ['0:01:12', '1:58:40']      # when it plays in the work (an older export's "timestamp": one moment)
      listening_url: https://open.spotify.com/track/...
      note: |-
        The theme that stays with you.
    ---
    The standfirst, in Markdown.

    ## The section's heading {#section-1}

    Its body, in Markdown. A conclusion is marked unnumbered:

    ## Conclusion {#section-7 .unnumbered}

Headings of sections carry their position as ``{#section-N}`` (the anchor the article page gives them) and are
recognised by it: a plain ``## heading`` line inside a section's body stays part of the body. Importing creates
or updates the article with the file's slug; its work, composers and tracks are found by slug (or title, or
track number) and created when missing, never changed. ``created_at`` and ``updated_at`` are taken from the file
when it has them (so that a round trip changes nothing); a file without ``updated_at`` gets the import's time.
The author, the cover image and the composers' biographies are not part of the file.
"""

from .exporting import article_file, export_articles
from .importing import ImportFailed, import_article_file

__all__ = ["ImportFailed", "article_file", "export_articles", "import_article_file"]
