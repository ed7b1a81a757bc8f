"""schema.org JSON-LD for search engines: an article as a BlogPosting about its work, and its breadcrumbs.

The functions return plain dicts; ``json_ld_script`` turns one into the <script> element for the page's head.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .images import ResponsiveImage
from .models import Article, Composer, FeaturedTrack, Work
from .templatetags.soundtrack import iso_duration

SCHEMA_TYPE_OF_WORK = {Work.Kind.FILM: "Movie", Work.Kind.TV: "TVSeries", Work.Kind.GAME: "VideoGame"}

# What django.utils.html.json_script escapes, so that "</script>" in any text cannot end the element early.
# Its type is application/ld+json, not application/json: a data block that browsers never execute, so a
# Content Security Policy without 'unsafe-inline' does not block it.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_ld_script(data: dict) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped)


def article_graph(request: HttpRequest, article: Article) -> dict:
    return {"@context": "https://schema.org", "@graph": [blog_posting(request, article), breadcrumbs(request, article)]}


def blog_posting(request: HttpRequest, article: Article) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url())
    featured_tracks = article.featured_tracks.all()
    cover = article.cover_image
    return _without_empty(
        {
            "@type": "BlogPosting",
            "headline": article.title,
            "description": article.meta_description,
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "image": cover and image_object(request, cover),
            "datePublished": article.publish_at,
            "dateModified": article.updated_at,
            "author": author_person(request, article),
            "publisher": {
                "@type": "Organization",
                "name": settings.SITE_NAME,
                "url": request.build_absolute_uri(reverse("articles:home")),
            },
            "keywords": [tag.name for tag in article.tags.all()],
            "wordCount": article.word_count,
            "about": creative_work(article.work),
            "mentions": [
                music_recording(featured, article.composers.all(), article.work) for featured in featured_tracks
            ],
        }
    )


def author_person(request: HttpRequest, article: Article) -> dict | None:
    """The author by the name readers see, with their page; nothing for an author without a public name."""
    if not article.byline:
        return None
    url = article.author_url
    return _without_empty({"@type": "Person", "name": article.byline, "url": url and request.build_absolute_uri(url)})


def image_object(request: HttpRequest, image: ResponsiveImage) -> dict:
    return {
        "@type": "ImageObject",
        "url": request.build_absolute_uri(image.src),
        "width": image.width,
        "height": image.height,
    }


def creative_work(work: Work) -> dict:
    return _without_empty(
        {
            "@type": SCHEMA_TYPE_OF_WORK[work.kind],
            "name": work.title,
            "datePublished": work.year and str(work.year),
            "sameAs": [url for _label, url in work.external_links()],
        }
    )


def music_recording(featured: FeaturedTrack, article_composers, work: Work) -> dict:
    """The track, and the piece it records, credited to its composers (the article's when the track names none);
    each moment it plays in the work, a clip of the work starting then."""
    track = featured.track
    composers = track.composers.all() or article_composers
    composition = {"@type": "MusicComposition", "name": track.title, "composer": [person(c) for c in composers]}
    return _without_empty(
        {
            "@type": "MusicRecording",
            "name": track.title,
            "duration": iso_duration(track.duration),
            "recordingOf": _without_empty(composition),
            "subjectOf": [
                {
                    "@type": "Clip",
                    "name": f"{track.title} in {work.title}",
                    "startOffset": moment,
                    "isPartOf": {"@type": SCHEMA_TYPE_OF_WORK[work.kind], "name": work.title},
                }
                for moment in featured.moments
            ],
        }
    )


def person(composer: Composer) -> dict:
    return _without_empty(
        {"@type": "Person", "name": composer.name, "sameAs": [url for _label, url in composer.external_links()]}
    )


def breadcrumbs(request: HttpRequest, article: Article) -> dict:
    """Home › Work › Article."""
    trail = [
        (settings.SITE_NAME, reverse("articles:home")),
        (article.work.title, article.work.get_absolute_url()),
        (article.title, article.get_absolute_url()),
    ]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": request.build_absolute_uri(path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def _without_empty(data: dict) -> dict:
    """Leave out what is unknown (no author, no year, no links) rather than saying null."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}
