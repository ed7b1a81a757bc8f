"""What the seed document (articles/seed/soundtrack-article-template.txt) holds, written out: the demo article and
the built-in article template both come from it."""

SEED_TAGS = ["Soundtrack", "FilmMusic", "UnderratedScores", "MusicAppreciation", "Composers", "FilmScoring",
             "GameMusic", "TVMusic"]  # fmt: skip
SEED_HEADINGS = [
    (True, "The Emotional Depth of the Score"),
    (True, "Innovative Use of Instruments and Genres"),
    (True, "Memorable Themes That Stay with You"),
    (True, "Enhancing the Narrative Without Overpowering It"),
    (True, "Cultural and Thematic Relevance"),
    (True, "Underrated Composers and Unsung Talent"),
    (False, "Conclusion: A Masterpiece Worth Celebrating"),
]
