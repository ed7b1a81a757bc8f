"""The lexicon that misspelt query words are corrected to (spelling.py); ``articles.models`` re-exports it."""

from django.db import models


class SearchWord(models.Model):
    """A word of some article's search text; misspelt query words are corrected to the closest (spelling.py)."""

    word = models.CharField(max_length=64, primary_key=True)

    def __str__(self):
        return self.word
