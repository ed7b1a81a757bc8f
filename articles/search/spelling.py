"""Spelling correction for searches that find nothing, on every database.

The lexicon (``SearchWord``) holds every word of three letters or more in the articles' search text: titles, work
titles, composers, tags, sections and featured tracks. A query that finds nothing has each of its words that the
lexicon lacks replaced by the closest word it has, when they are close enough; the search then runs again with the
corrected query, and the page says so. On PostgreSQL the closest word is found by trigram distance through a GiST
index (migration 0010), in one query for all the words of the query, with no session setting to rely on; on other
databases (SQLite) by difflib's similarity ratio, over the lexicon's words of about the same length (one query).
"""

import difflib
import re
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.db.models.functions import Length

from .models import SearchWord
from .postgres import is_indexed

WORD = re.compile(r"\b[^\W\d_]{3,64}\b")  # letters only: numbers and one- or two-letter words are not corrected
MIN_SIMILARITY = 0.5  # "ditant" and "distant" share half their trigrams; "bassoon" and "bass" fewer (0.44)
# difflib's ratio, elsewhere: "zimer" and "zimmer" 0.91, "scoer" and "score" 0.8, "bassoon" and "brass" 0.67.
MIN_RATIO = 0.75
MAX_LENGTH_DIFFERENCE = 2  # past it the ratio of two short words is below MIN_RATIO anyway

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
    closest = closest_by_trigrams(asked, using) if is_indexed(using) else closest_by_ratio(asked, using)
    if not closest:
        return None
    return WORD.sub(lambda match: closest.get(match.group().lower(), match.group()), query)


def closest_by_trigrams(asked: list[str], using: str) -> dict[str, str]:
    """PostgreSQL: each unknown word's closest known one by trigram similarity, when similar enough."""
    with connections[using].cursor() as cursor:
        cursor.execute(CLOSEST_WORDS, [asked])
        rows = cursor.fetchall()
    return {word: known for word, known, similarity in rows if known != word and similarity >= MIN_SIMILARITY}


def closest_by_ratio(asked: list[str], using: str) -> dict[str, str]:
    """Other databases: each unknown word's closest known one by difflib's ratio, when similar enough."""
    lengths = Q()
    for word in asked:
        lengths |= Q(length__range=(len(word) - MAX_LENGTH_DIFFERENCE, len(word) + MAX_LENGTH_DIFFERENCE))
    candidates = (
        SearchWord.objects.using(using).annotate(length=Length("word")).filter(lengths).values_list("word", flat=True)
    )
    known = set(candidates)
    closest = {}
    for word in asked:
        if word not in known and (matches := difflib.get_close_matches(word, known, n=1, cutoff=MIN_RATIO)):
            closest[word] = matches[0]
    return closest
