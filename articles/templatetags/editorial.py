from django import template

from articles.models import Article

register = template.Library()


@register.simple_tag
def upcoming_articles(limit: int = 5) -> list[Article]:
    """The next scheduled articles, for the admin's "Coming up" panel."""
    return list(Article.objects.upcoming().only("title", "publish_at")[:limit])
