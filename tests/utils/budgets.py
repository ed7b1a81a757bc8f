"""Query budgets that several test modules assert, pinned by measuring; a change to one is a change to the site."""

# The article page: the article, its tags, composers, sections, featured tracks (with their tracks and sections
# joined), the tracks' composers (for the structured data), the previous and the next article with the related
# ones ("more like this": one query, articles/nearby.py), then
# the discussion's two: its counts, and the comments shown with their picked tracks (a reader's own pending
# comments come in the same query; the session is in the cache). The comments' cards come from the cache. Once the
# page's list of comments is kept for every reader (comments/section.py), the page's threads and the last change of
# each comment they show are read instead of the comments (the threads first, so that their comments are found through
# indexes: comments/threads.py); a changed list reads the comments too, on a page whose other parts are kept.
ARTICLE_PAGE_QUERIES = 9

# Pinned with 2 and with 20 articles; the lookup of the tag, composer or work comes on top of the count, the page
# of articles and the prefetch of their tags and composers (a work's page also lists its tracks, and the composers
# credited on them or on its articles; a composer's page, the timeline of their works).
LIST_PAGE_MAX_QUERIES = {"home": 4, "tag": 5, "composer": 6, "work": 7}

# Pinned with 2 and with 20 results: on PostgreSQL the ranked ids of the matches (which give the count too), the
# page of results and the prefetch of their tags and composers; SQLite counts instead. Then the composers and the
# works the query names, one query each.
SEARCH_PAGE_MAX_QUERIES = 6
