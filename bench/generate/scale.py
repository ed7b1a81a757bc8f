"""How much the generator makes: the scales, and the fixed shape of every generated article and thread."""

from dataclasses import asdict, dataclass

HOT_SLUG = "bench-hot-article"
MID_SLUG = "bench-article-200-comments"
MID_COMMENTS = 200
AUTHOR_USERNAME = "bench-author"
SECTIONS_PER_ARTICLE = 7  # six numbered sections and a conclusion
TRACKS_PER_WORK = 10
FEATURED_TRACKS = (4, 8)
TAGS_PER_ARTICLE = (2, 4)
TOP_LEVEL_SHARE = 0.35  # the rest of the comments reply to an earlier approved one
FAVOURITE_SHARE = 0.15
COMMENTER_POOL = 20_000  # distinct commenter emails: people come back
BATCH_SIZE = 2000
# Words the search bench looks for: a phrase in one of the section bodies.
SEARCH_PHRASE = "leitmotif returns"


@dataclass(frozen=True)
class Scale:
    articles: int = 10_000
    works: int = 2_000
    composers: int = 1_500
    tags: int = 300
    comments: int = 500_000
    pending: int = 100_000
    hot_comments: int = 1_000
    seed: int = 1

    def check(self) -> None:
        if self.articles < 2 or self.works < 1 or self.composers < 1 or self.tags < 0:
            raise ValueError(
                "Need at least 2 articles (the hot one and the one with 200 comments), a work, a composer."
            )
        others = self.comments - self.hot_comments - MID_COMMENTS
        if others < self.pending or self.pending < 0 or self.hot_comments < 0:
            raise ValueError(
                f"--comments must cover the hot article's {self.hot_comments}, the {MID_COMMENTS} of the second "
                f"article and the {self.pending} pending ones."
            )
        if others and self.articles == 2:
            raise ValueError("With only 2 articles there is nowhere to put the other comments.")

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Scale()
QUICK = Scale(articles=300, works=60, composers=50, tags=30, comments=8_000, pending=1_500, hot_comments=1_000)
