"""Article covers and composer photos: checked by content and size, stored through the storage API in the save,
resized into renditions by a task once the save commits, and shown with srcset on the article page, the composer
page and the cards."""

import logging
import struct
import zlib
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains

from articles.images import make_image_renditions
from articles.indexing.store import PendingSearchRefresh
from articles.models import Article, Composer
from tests.utils.admin import article_data, change_url
from tests.utils.budgets import ARTICLE_PAGE_QUERIES, LIST_PAGE_MAX_QUERIES
from tests.utils.factories import ArticleFactory, ComposerFactory, WorkFactory
from tests.utils.html import get_page
from tests.utils.images import image_upload
from tests.utils.seo import json_ld, meta

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a folder of this test's own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    settings.IMAGE_RENDITION_WIDTHS = [480, 960, 1600]
    return settings.MEDIA_ROOT


def validation_codes(error: ValidationError, field: str) -> list[str]:
    return [e.code for e in error.error_dict[field]]


def committed():
    """The end of the block stands for the commit of the saves in it: what they left for after their commit (the
    renditions' task) runs then, at once (the test's task backend, as in development)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def saved(instance):
    """``instance`` saved and committed, as read back afterwards (its renditions made by then)."""
    with committed():
        instance.save()
    instance.refresh_from_db()
    return instance


def article_with_cover(upload=None, *, alt: str = "A lone cellist on a frozen lake", **fields) -> Article:
    article = ArticleFactory.build(work=WorkFactory(), cover=upload or image_upload(1200, 600), cover_alt=alt, **fields)
    article.full_clean()
    return saved(article)


def rendition_files() -> list[str]:
    return sorted(default_storage.listdir("articles/covers/renditions")[1])


class TestCoverValidation:
    def refusal(self, upload, *, alt: str = "Alt text") -> ValidationError:
        article = ArticleFactory.build(work=WorkFactory(), cover=upload, cover_alt=alt)
        with pytest.raises(ValidationError) as raised:
            article.full_clean()
        return raised.value

    def test_a_jpg_that_is_really_text_is_refused(self):
        upload = SimpleUploadedFile("cover.jpg", b"Just some words, not a picture.\n", content_type="image/jpeg")

        error = self.refusal(upload)

        assert validation_codes(error, "cover") == ["image_type"]
        assert "JPEG, PNG or WebP" in error.message_dict["cover"][0]

    def test_a_gif_named_jpg_is_refused_and_named_for_what_it_is(self):
        error = self.refusal(image_upload(1200, 600, image_format="GIF", name="cover.jpg"))

        assert validation_codes(error, "cover") == ["image_type"]
        assert "this one is GIF" in error.message_dict["cover"][0]

    def test_a_truncated_jpeg_is_refused_as_damaged(self):
        whole = image_upload(1200, 600).read()
        upload = SimpleUploadedFile("cover.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

        assert validation_codes(self.refusal(upload), "cover") == ["image_damaged"]

    def test_a_file_over_the_size_limit_is_refused(self, settings):
        upload = image_upload(1200, 600)
        settings.IMAGE_MAX_BYTES = upload.size - 1

        error = self.refusal(upload)

        assert validation_codes(error, "cover") == ["image_too_heavy"]

    def test_an_image_narrower_than_the_cover_minimum_is_refused(self, settings):
        settings.COVER_IMAGE_MIN_WIDTH = 800

        error = self.refusal(image_upload(799, 600))

        assert validation_codes(error, "cover") == ["image_too_small"]
        assert error.message_dict["cover"] == ["This image is 799×600 pixels; it needs to be at least 800×400."]

    def test_an_image_larger_than_the_maximum_dimension_is_refused(self, settings):
        settings.IMAGE_MAX_DIMENSION = 1000

        error = self.refusal(image_upload(1200, 600))

        assert validation_codes(error, "cover") == ["image_too_large"]

    def test_a_tiny_file_declaring_a_huge_image_is_refused_without_decoding_it(self):
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0)  # 30000×30000, 8-bit RGB
        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")

        error = self.refusal(SimpleUploadedFile("cover.png", png, content_type="image/png"))

        assert validation_codes(error, "cover") == ["image_too_large"]

    def test_a_cover_without_alt_text_is_refused(self):
        error = self.refusal(image_upload(1200, 600), alt="   ")

        assert validation_codes(error, "cover_alt") == ["image_alt_required"]

    def test_an_article_without_a_cover_needs_no_alt_text(self):
        ArticleFactory.build(work=WorkFactory(), cover_alt="").full_clean()

    @pytest.mark.parametrize(("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
    def test_each_accepted_type_is_stored_under_the_extension_of_its_content(self, image_format, extension):
        article = article_with_cover(image_upload(1000, 500, image_format=image_format, name="Upload From Camera.JPG"))

        assert article.cover.name.startswith("articles/covers/upload-from-camera-")
        assert article.cover.name.endswith(f".{extension}")
        with default_storage.open(article.cover.name) as stored:
            assert Image.open(stored).format == image_format


class TestRenditions:
    def test_saving_a_cover_stores_each_rendition_through_the_storage(self):
        article = article_with_cover(image_upload(2000, 1000))

        assert [(r["width"], r["height"]) for r in article.cover_renditions] == [(480, 240), (960, 480), (1600, 800)]
        for rendition in article.cover_renditions:
            assert rendition["name"].startswith("articles/covers/renditions/")
            with default_storage.open(rendition["name"]) as stored:
                image = Image.open(stored)
                assert (image.format, image.size) == ("WEBP", (rendition["width"], rendition["height"]))

    def test_a_cover_narrower_than_the_largest_rendition_is_never_enlarged(self):
        article = article_with_cover(image_upload(1200, 600))

        assert [r["width"] for r in article.cover_renditions] == [480, 960, 1200]

    def test_saving_again_keeps_the_renditions_and_replacing_the_cover_makes_new_ones(self):
        article = article_with_cover()
        first_cover, first_renditions = article.cover.name, article.cover_renditions

        article.title = "A new title"
        saved(article)
        assert (article.cover.name, article.cover_renditions) == (first_cover, first_renditions)

        article.cover = image_upload(1200, 600, name="second.jpg")
        saved(article)
        assert article.cover.name != first_cover
        assert {r["name"] for r in article.cover_renditions}.isdisjoint(r["name"] for r in first_renditions)

    def test_a_stored_image_assigned_by_name_gets_its_own_renditions(self):
        first, second = article_with_cover(), article_with_cover(image_upload(1000, 500))

        first.cover = second.cover.name
        saved(first)

        assert [r["width"] for r in first.cover_renditions] == [480, 960, 1000]
        assert all(default_storage.exists(r["name"]) for r in first.cover_renditions)

    def test_clearing_the_cover_clears_its_renditions(self):
        article = article_with_cover()

        article.cover = None
        saved(article)

        assert not article.cover
        assert article.cover_renditions == []
        assert article.cover_image is None

    def test_the_camera_orientation_is_applied_and_the_metadata_left_behind(self):
        image = Image.linear_gradient("L").resize((1200, 900)).convert("RGB")
        exif = image.getexif()
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
        exif[0x010F] = "Secret Camera Co"  # Make
        data = BytesIO()
        image.save(data, "JPEG", exif=exif)

        article = article_with_cover(SimpleUploadedFile("portrait.jpg", data.getvalue(), content_type="image/jpeg"))

        largest = article.cover_renditions[-1]
        assert (largest["width"], largest["height"]) == (900, 1200)
        with default_storage.open(largest["name"]) as stored:
            assert not Image.open(stored).getexif()


class TestRenditionsTask:
    def test_the_save_stores_the_upload_and_the_renditions_come_after_the_commit(self, client):
        article = ArticleFactory.build(work=WorkFactory(), cover=image_upload(1200, 600), cover_alt="A frozen lake")

        with TestCase.captureOnCommitCallbacks() as after_commit:
            article.save()
            article.refresh_from_db()
            assert article.cover.name.startswith("articles/covers/cover-")
            assert default_storage.exists(article.cover.name)
            assert article.cover_renditions == []
            assert not default_storage.exists("articles/covers/renditions")  # no resizing in the save
            assert get_page(client, article.get_absolute_url()).find_all("div", class_="article-cover") == []
        for callback in after_commit:
            callback()

        article.refresh_from_db()
        assert [r["width"] for r in article.cover_renditions] == [480, 960, 1200]
        # Saving them moved the page cache's stamps: the page kept without the cover shows it now.
        img = get_page(client, article.get_absolute_url()).find("div", class_="article-cover").find("img")
        assert img.attrs["srcset"].endswith(" 1200w")

    def test_saving_the_renditions_leaves_the_search_index_as_it_is(self):
        article = ArticleFactory.build(work=WorkFactory(), cover=image_upload(1200, 600), cover_alt="A frozen lake")
        with TestCase.captureOnCommitCallbacks() as after_save:
            article.save()
        (refresh,) = [callback for callback in after_save if isinstance(callback, PendingSearchRefresh)]
        refresh()  # the save's own refresh, as its commit runs it (the renditions' task is called below)

        with TestCase.captureOnCommitCallbacks() as after_task:
            make_image_renditions.call(**self.task_arguments(article))

        article.refresh_from_db()
        assert article.cover_renditions
        assert not any(isinstance(callback, PendingSearchRefresh) for callback in after_task)

    def test_a_task_run_again_makes_nothing_twice(self):
        article = article_with_cover()
        made, files = article.cover_renditions, rendition_files()

        make_image_renditions.call(**self.task_arguments(article))

        article.refresh_from_db()
        assert article.cover_renditions == made
        assert rendition_files() == files

    def test_a_task_for_an_image_replaced_since_leaves_the_new_one_to_its_own_task(self):
        article = article_with_cover()
        replaced = self.task_arguments(article)
        with TestCase.captureOnCommitCallbacks() as after_commit:
            article.cover = image_upload(1000, 500, name="second.jpg")
            article.save()
        files = rendition_files()

        make_image_renditions.call(**replaced)

        article.refresh_from_db()
        assert (article.cover_renditions, rendition_files()) == ([], files)
        for callback in after_commit:  # the second image's task
            callback()
        article.refresh_from_db()
        assert [r["width"] for r in article.cover_renditions] == [480, 960, 1000]

    def test_a_stored_image_that_cannot_be_decoded_is_logged_and_shows_no_image(self, client, caplog):
        article = ArticleFactory.build(work=WorkFactory(), cover=image_upload(1200, 600), cover_alt="A frozen lake")
        with TestCase.captureOnCommitCallbacks() as after_commit:
            article.save()
        with default_storage.open(article.cover.name, "wb") as stored:  # damaged in storage since the upload
            stored.write(b"not an image any more")

        with caplog.at_level(logging.ERROR, logger="articles.images"):
            for callback in after_commit:
                callback()

        article.refresh_from_db()
        assert article.cover_renditions == []
        assert f"The renditions of {article.cover.name}" in caplog.text
        assert get_page(client, article.get_absolute_url()).find_all("div", class_="article-cover") == []

    def test_a_storage_that_cannot_be_read_is_tried_again_later(self, deferring_tasks):
        article = ArticleFactory.build(work=WorkFactory(), cover=image_upload(1200, 600), cover_alt="A frozen lake")
        article.save()  # its commit's task is not run: the file goes missing first
        default_storage.delete(article.cover.name)

        with pytest.raises(FileNotFoundError):
            make_image_renditions.call(**self.task_arguments(article))

        (retry,) = deferring_tasks.results
        assert (retry.task.func, retry.kwargs) == (
            make_image_renditions.func,
            self.task_arguments(article) | {"attempt": 2},
        )
        assert retry.task.run_after > retry.enqueued_at
        article.refresh_from_db()
        assert article.cover_renditions == []

    @staticmethod
    def task_arguments(article) -> dict:
        return {"model": "articles.Article", "pk": article.pk, "image_field": "cover", "image_name": article.cover.name}


class TestPages:
    def test_the_article_page_shows_the_cover_in_every_rendition(self, client):
        article = article_with_cover(image_upload(2000, 1000), alt="A lone cellist on a frozen lake")

        img = get_page(client, article.get_absolute_url()).find("div", class_="article-cover").find("img")

        urls = [default_storage.url(r["name"]) for r in article.cover_renditions]
        assert img.attrs["srcset"] == f"{urls[0]} 480w, {urls[1]} 960w, {urls[2]} 1600w"
        assert img.attrs["src"] == urls[2]
        assert img.attrs["sizes"] == "(min-width: 800px) 756px, 100vw"
        assert (img.attrs["alt"], img.attrs["width"], img.attrs["height"]) == (
            "A lone cellist on a frozen lake",
            "1600",
            "800",
        )
        assert img.attrs["fetchpriority"] == "high"  # the page's main image is not lazy

    def test_the_home_page_cards_show_a_small_lazy_cover(self, client):
        article_with_cover(alt="A lone cellist on a frozen lake")

        img = get_page(client, reverse("articles:home")).find("div", class_="card-image").find("img")

        assert (img.attrs["sizes"], img.attrs["loading"]) == ("144px", "lazy")
        assert img.attrs["alt"] == "A lone cellist on a frozen lake"
        assert img.attrs["srcset"].count("w, ") == 2

    def test_covers_cost_no_query_on_the_article_page_or_the_list(self, client, django_assert_max_num_queries):
        article = article_with_cover()
        for _ in range(3):
            article_with_cover()

        with django_assert_max_num_queries(ARTICLE_PAGE_QUERIES):
            client.get(article.get_absolute_url())
        with django_assert_max_num_queries(LIST_PAGE_MAX_QUERIES["home"]):
            client.get(reverse("articles:home"))

    def test_an_article_without_a_cover_has_no_image(self, client):
        article = ArticleFactory()

        page = get_page(client, article.get_absolute_url())

        assert page.find_all("img") == []
        assert not page.find("head").find_all("meta", property="og:image")

    def test_sharing_previews_and_structured_data_name_the_cover(self, client):
        article = article_with_cover(image_upload(2000, 1000), alt="A lone cellist on a frozen lake")
        largest = f"http://testserver{default_storage.url(article.cover_renditions[-1]['name'])}"

        page = get_page(client, article.get_absolute_url())

        head = page.find("head")
        assert meta(head, property="og:image") == largest
        assert meta(head, property="og:image:alt") == "A lone cellist on a frozen lake"
        assert meta(head, name="twitter:card") == "summary_large_image"
        (posting,) = [node for node in json_ld(page)["@graph"] if node["@type"] == "BlogPosting"]
        assert posting["image"] == {"@type": "ImageObject", "url": largest, "width": 1600, "height": 800}

    def test_the_uploaded_files_are_served_from_the_media_url(self, client):
        article = article_with_cover()

        assert article.cover.url.startswith("/media/articles/covers/")
        assert all(default_storage.exists(r["name"]) for r in article.cover_renditions)


class TestComposerPhoto:
    def test_a_composer_needs_no_photo(self, client):
        composer = ComposerFactory(photo_alt="")
        composer.full_clean()

        page = get_page(client, composer.get_absolute_url())

        assert composer.photo_image is None
        assert page.find_all("img") == []

    def test_a_photo_needs_alt_text(self):
        composer = ComposerFactory.build(photo=image_upload(600, 600, name="portrait.jpg"), photo_alt="")

        with pytest.raises(ValidationError) as raised:
            composer.full_clean()

        assert validation_codes(raised.value, "photo_alt") == ["image_alt_required"]

    def test_a_photo_smaller_than_the_minimum_is_refused(self, settings):
        settings.COMPOSER_PHOTO_MIN_WIDTH = settings.COMPOSER_PHOTO_MIN_HEIGHT = 320
        composer = ComposerFactory.build(photo=image_upload(300, 400, name="portrait.jpg"), photo_alt="A portrait")

        with pytest.raises(ValidationError) as raised:
            composer.full_clean()

        assert validation_codes(raised.value, "photo") == ["image_too_small"]

    def test_the_composer_page_shows_the_photo_in_its_renditions(self, client):
        composer = ComposerFactory.build(photo=image_upload(1000, 1000, name="portrait.jpg"), photo_alt="At the piano")
        composer.full_clean()
        saved(composer)

        page = get_page(client, composer.get_absolute_url())

        img = page.find("div", class_="composer-photo").find("img")
        assert composer.photo.name.startswith("composers/photos/portrait-")
        assert [r["width"] for r in composer.photo_renditions] == [480, 960, 1000]
        assert img.attrs["srcset"].endswith(" 1000w")
        assert (img.attrs["alt"], img.attrs["sizes"], img.attrs["loading"]) == ("At the piano", "216px", "lazy")
        assert meta(page.find("head"), property="og:image").startswith("http://testserver/media/composers/photos/")


RESIZED_COVER = "The new cover image is being resized for each screen size: the site shows it in a moment."


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestAdmin:
    def test_the_file_picker_offers_only_accepted_types(self, client, signed_in_editor):
        response = client.get(reverse("admin:articles_article_add"))

        assertContains(response, 'accept="image/jpeg,image/png,image/webp"')

    def test_an_editor_uploads_a_cover_with_its_alt_text(self, client, signed_in_editor):
        work = WorkFactory()
        data = article_data(work, title="With a cover", cover=image_upload(1200, 600), cover_alt="A frozen lake")

        with committed():
            response = client.post(reverse("admin:articles_article_add"), data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get(title="With a cover")
        assert article.cover_alt == "A frozen lake"
        assert [r["width"] for r in article.cover_renditions] == [480, 960, 1200]
        assert RESIZED_COVER in told(response)
        client.get(response.url)  # the messages shown, and gone

        data["cover"] = ""  # saved again with the same cover: nothing is resized, nothing said
        with committed():
            response = client.post(change_url(article), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert RESIZED_COVER not in told(response)

    def test_the_admin_form_refuses_a_cover_without_alt_text(self, client, signed_in_editor):
        data = article_data(WorkFactory(), title="No alt", cover=image_upload(1200, 600), cover_alt="")

        response = client.post(reverse("admin:articles_article_add"), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["cover_alt"] == [
            "Describe the image for readers who cannot see it (alt text)."
        ]
        assert not Article.objects.filter(title="No alt").exists()

    def test_the_admin_form_refuses_text_posing_as_a_jpeg(self, client, signed_in_editor):
        fake = SimpleUploadedFile("cover.jpg", b"<?php echo 'hello'; ?>", content_type="image/jpeg")
        data = article_data(WorkFactory(), title="Fake", cover=fake, cover_alt="Fake")

        response = client.post(reverse("admin:articles_article_add"), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["cover"]
        assert not Article.objects.filter(title="Fake").exists()

    def test_an_editor_adds_a_photo_to_a_composer(self, client, signed_in_editor):
        composer = ComposerFactory()
        data = {"name": composer.name, "slug": composer.slug, "bio": composer.bio, "photo_alt": "At the piano"}
        data["photo"] = image_upload(640, 640, image_format="PNG", name="portrait.png")

        with committed():
            response = client.post(change_url(composer), data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        composer = Composer.objects.get(pk=composer.pk)
        assert composer.photo.name.endswith(".png")
        assert [r["width"] for r in composer.photo_renditions] == [480, 640]
        assert "The new photo is being resized for each screen size: the site shows it in a moment." in told(response)
