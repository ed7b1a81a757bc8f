"""The seed document, the demo article built from it, and the command that creates the first editor."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag, TaggedItem

from articles.demo import DEMO_ARTICLE_SLUG
from articles.models import Article, Composer, FeaturedTrack, Section, Track, Work
from articles.seed import SEED_PATH, parse_seed
from tests.utils.factories import UserFactory
from tests.utils.seed import SEED_HEADINGS, SEED_TAGS

pytestmark = pytest.mark.django_db

# A bracketed placeholder such as [title]: no quotes inside, so the JSON-LD arrays in the page do not count.
PLACEHOLDER = re.compile(r"\[[^\[\]\"]+\]")
PASSWORD = re.compile(r"password:\s+(\S+)")


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=out, no_color=True)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [
        Article,
        Section,
        FeaturedTrack,
        Work,
        Track,
        Track.composers.through,
        Composer,
        Tag,
        TaggedItem,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def page_text(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestSeed:
    def test_parse_seed_finds_the_title_the_intro_seven_sections_and_eight_tags(self):
        seed = parse_seed(SEED_PATH.read_text(encoding="utf-8"))

        assert seed.title == "Why Its Soundtrack Deserves More Recognition"
        assert seed.intro.startswith("Music is an essential element of storytelling")
        assert seed.intro.endswith("deserves far more recognition than it currently receives.")
        assert [(section.numbered, section.heading) for section in seed.sections] == SEED_HEADINGS
        assert all(len(section.paragraphs) >= 2 for section in seed.sections)
        assert seed.tags == SEED_TAGS

    def test_parse_seed_keeps_paragraphs_apart_and_the_tags_line_out_of_the_text(self):
        seed = parse_seed(
            "A title\n\nFirst intro line.\nSecond intro line.\n1. One\nBody one.\n\nBody two.\n"
            "Conclusion: The end\nLast words.\nTags: #A #B_c\n"
        )

        assert seed.title == "A title"
        assert seed.intro == "First intro line.\n\nSecond intro line."
        assert [(s.heading, s.numbered, s.body) for s in seed.sections] == [
            ("One", True, "Body one.\n\nBody two."),
            ("Conclusion: The end", False, "Last words."),
        ]
        assert seed.tags == ["A", "B_c"]


class TestLoadDemoContent:
    def test_it_creates_a_published_article_readers_can_open(self, client):
        output = run("load_demo_content")

        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)
        assert "Loaded the demo article" in output
        assert article.is_public
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_the_demo_article_has_six_numbered_sections_and_a_conclusion(self, client):
        run("load_demo_content")
        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)

        assert [number for number, _, _ in article.numbered_sections()] == [1, 2, 3, 4, 5, 6, None]
        assert [s.numbered for s in article.sections.all()] == [numbered for numbered, _ in SEED_HEADINGS]
        response = client.get(article.get_absolute_url())
        for number in range(1, 7):
            assertContains(response, f'<span class="section-number">{number}.</span>', count=1, html=True)
        assertNotContains(response, '<span class="section-number">7.</span>', html=True)
        conclusion = '<h2 id="section-7-heading">Conclusion: A Masterpiece Worth Celebrating</h2>'
        assertContains(response, conclusion, count=1, html=True)

    def test_the_demo_article_features_at_least_four_tracks_of_its_work_with_notes(self):
        run("load_demo_content")
        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)

        featured = list(article.featured_tracks.select_related("track", "section"))
        assert len(featured) >= 4
        for item in featured:
            assert item.note and item.note_html
            assert item.track.work == article.work and item.track.duration
            assert item.appears_in and item.listening_url.startswith("https://")
            assert item.section.article == article

    def test_the_demo_article_has_a_work_a_composer_and_the_eight_seed_tags(self):
        run("load_demo_content")
        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)

        assert article.work.title == "The Glass Orchard"
        assert article.work.tracks.count() == 8
        assert [composer.name for composer in article.composers.all()] == ["Ilse Varnholt"]
        assert article.composers.get().bio_html
        assert sorted(tag.name for tag in article.tags.all()) == sorted(SEED_TAGS)

    def test_no_bracketed_placeholder_remains_on_the_rendered_page(self, client):
        run("load_demo_content")
        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)

        html = page_text(client, article)

        assert PLACEHOLDER.findall(html) == []
        assert "The Glass Orchard" in html and "Ilse Varnholt" in html

    def test_the_demo_article_shows_its_reading_and_listening_times(self, client, settings):
        settings.READING_WORDS_PER_MINUTE = 230
        run("load_demo_content")

        response = client.get(Article.objects.get(slug=DEMO_ARTICLE_SLUG).get_absolute_url())

        # 828 words at 230 a minute; 4:12 + 5:05 + 3:37 + 3:55 + 6:02 of featured music is 22:51.
        assertContains(response, "<span>4 min read</span>", count=1, html=True)
        assertContains(response, "<span>23 min listen</span>", count=1, html=True)

    def test_running_it_twice_creates_nothing_new(self):
        run("load_demo_content")
        counts = row_counts()

        output = run("load_demo_content")

        assert row_counts() == counts
        assert "already there" in output

    def test_running_it_again_keeps_an_editors_changes_to_the_demo_article(self):
        run("load_demo_content")
        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)
        article.title = "An editor's title"
        article.save()
        first = article.sections.first()
        first.body = "Rewritten by an editor."
        first.save()
        article.sections.last().delete()
        article.tags.remove("TVMusic")

        run("load_demo_content")

        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)
        assert article.title == "An editor's title"
        assert article.sections.first().body == "Rewritten by an editor."
        assert article.sections.count() == 6
        assert "TVMusic" not in article.tags.names()

    def test_reset_rebuilds_the_demo_article_from_the_seed(self):
        run("load_demo_content")
        counts = row_counts()
        article = Article.objects.get(slug=DEMO_ARTICLE_SLUG)
        article.title = "An editor's title"
        article.save()
        article.sections.last().delete()
        article.featured_tracks.first().delete()
        article.tags.remove("TVMusic")

        output = run("load_demo_content", "--reset")

        rebuilt = Article.objects.get(slug=DEMO_ARTICLE_SLUG)
        assert "Loaded the demo article" in output
        assert rebuilt.title == "Why The Glass Orchard’s Soundtrack Deserves More Recognition"
        assert [(section.numbered, section.heading) for section in rebuilt.sections.all()] == SEED_HEADINGS
        assert sorted(rebuilt.tags.names()) == sorted(SEED_TAGS)
        assert row_counts() == counts


class TestEnsureEditor:
    def test_it_creates_an_active_staff_editor_whose_printed_password_signs_in(self, client):
        output = run("ensure_editor")

        user = get_user_model().objects.get(username="editor")
        assert user.is_active and user.is_staff and not user.is_superuser
        assert sorted(group.name for group in user.groups.all()) == ["Editors", "Moderators"]
        assert user.has_perm("articles.change_article") and user.has_perm("comments.change_comment")
        (password,) = PASSWORD.findall(output)
        assert output.count(password) == 1
        signed_in = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password})
        assert signed_in.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_each_fresh_database_gets_a_different_random_password(self):
        first = PASSWORD.findall(run("ensure_editor"))
        get_user_model().objects.all().delete()
        second = PASSWORD.findall(run("ensure_editor"))

        assert len(first) == len(second) == 1
        assert first != second
        assert len(first[0]) >= 16

    def test_a_second_run_creates_nothing_and_prints_no_password(self):
        first = run("ensure_editor")
        (password,) = PASSWORD.findall(first)
        users = list(get_user_model().objects.values_list("pk", "username", "password"))

        second = run("ensure_editor")

        assert list(get_user_model().objects.values_list("pk", "username", "password")) == users
        assert PASSWORD.findall(second) == []
        assert password not in second
        assert "sign in as editor" in second

    def test_an_existing_superuser_counts_as_an_editor(self):
        UserFactory(username="root", is_staff=True, is_superuser=True)

        output = run("ensure_editor")

        assert get_user_model().objects.count() == 1
        assert "sign in as root" in output and PASSWORD.findall(output) == []

    def test_a_taken_username_that_is_not_an_editor_is_refused(self):
        reader = UserFactory(username="editor")

        with pytest.raises(CommandError, match="exists but is not an editor"):
            run("ensure_editor")

        reader.refresh_from_db()
        assert not reader.is_staff and not reader.groups.exists()
        assert get_user_model().objects.count() == 1
