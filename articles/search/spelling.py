"""Spelling correction for searches that find nothing (PostgreSQL).

The lexicon (``SearchWord``) holds every word of three letters or more in the articles' search text: titles, work
titles, composers, tags, sections and featured tracks. A query that full text finds nothing for has each of its
words that the lexicon lacks replaced by the closest word it has, when they are close enough; the search then runs
again with the corrected query, and the page says so. The closest word is found by trigram distance through a GiST
index (migration 0010), in one query for all the words of the query, with no session setting to rely on.
"""

import re
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

from .models import SearchWord

WORD = re.compile(r"\b[^\W\d_]{3,64}\b")  # letters only: numbers and one- or two-letter words are not corrected
MIN_SIMILARITY = 0.5  # "ditant" and "distant" share half their trigrams; "bassoon" and "bass" fewer (0.44)

CLOSEST_WORDS = """
    SELECT asked.word, closest.word, closest.similarity
    FROM unnest(%s::text[]) AS asked(word)
    CROSS JOIN LATERAL (
        SELECT lexicon.word, similarity(lexicon.word, asked.word) AS similarity
        FROM articles_searchword AS lexicon
        ORDER BY lexicon.word <-> asked.word
        LIMIT 1
    ) AS closest
"""


def words_of(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(text)}


def record_words(texts: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Add the words of these texts to the lexicon (words already there are left alone)."""
    words = set().union(*map(words_of, texts))
    SearchWord.objects.using(using).bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=2000
    )


def corrected_query(query: str, *, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The query with each unknown word replaced by the closest known one; None when nothing was replaced.

    Quotes, minus signs and "or" stay where they are, so the corrected query means what the reader asked."""
    asked = sorted({match.lower() for match in WORD.findall(query)})
    if not asked:
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(CLOSEST_WORDS, [asked])
        rows = cursor.fetchall()
    closest = {word: known for word, known, similarity in rows if known != word and similarity >= MIN_SIMILARITY}
    if not closest:
        return None
    return WORD.sub(lambda match: closest.get(match.group().lower(), match.group()), query)
