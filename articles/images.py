"""Uploaded images: article covers, composer photos and author photos.

An upload is checked by its content (Pillow reads it; the file name proves nothing) and stored through the field's
storage under a name of its real type in the editor's save. Its renditions (a few widths, WebP, stored the same way,
so that an object storage backend can replace the file system without a change here) are made by a task after the
save commits (``make_image_renditions``), so no save waits on resizing: until they are there, pages show no image.
Pages show the renditions through a ``ResponsiveImage`` (``src``, ``srcset``, ``width``, ``height``, ``alt``).
"""

import logging
import secrets
import warnings
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ImageField, Model
from django.db.models.fields.files import FieldFile
from django.tasks import task
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

from taskqueue.retries import retry_later

logger = logging.getLogger(__name__)

# What editors may upload, by the format Pillow reads in the file, and the extension it is stored under.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED_FORMATS_TEXT = "a JPEG, PNG or WebP image"
RENDITION_FORMAT, RENDITION_EXTENSION, RENDITION_QUALITY = "WEBP", "webp", 82


class NotAnAcceptedImage(ValueError):
    """The content is not an image Pillow can read (``image_format`` is None), or not of an accepted format."""

    def __init__(self, image_format: str | None):
        super().__init__(image_format or "not an image")
        self.image_format = image_format


def cover_upload_to(instance, filename: str) -> str:
    return _unique_name("articles/covers", filename)


def composer_photo_upload_to(instance, filename: str) -> str:
    return _unique_name("composers/photos", filename)


def author_photo_upload_to(instance, filename: str) -> str:
    return _unique_name("authors/photos", filename)


def _unique_name(folder: str, filename: str) -> str:
    """A new name for every upload: replacing an image never reuses a URL that a browser or a CDN has cached."""
    path = PurePosixPath(filename)
    stem = slugify(path.stem)[:50].strip("-") or "image"
    return f"{folder}/{stem}-{secrets.token_hex(4)}{path.suffix.lower()}"


def open_image(data: bytes) -> Image.Image:
    """Open (lazily: the header only) an image of an accepted format, or raise ``NotAnAcceptedImage``.

    Pillow refuses images of absurd pixel counts with ``Image.DecompressionBombError``.
    """
    try:
        with warnings.catch_warnings():
            # IMAGE_MAX_DIMENSION refuses huge images; Pillow's own warning about them would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise NotAnAcceptedImage(None) from error
    if image.format not in ACCEPTED_FORMATS:
        raise NotAnAcceptedImage(image.format)
    return image


def _read(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def check_upload(file: FieldFile, *, min_width: int, min_height: int) -> None:
    """Refuse a new upload that is not an accepted image, is too heavy, or too small or too large in pixels."""
    if getattr(file, "_committed", True):
        return  # stored already: it was checked when it was uploaded, under the limits of that day
    if file.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            "This image is %(size)s; the limit is %(limit)s.",
            code="image_too_heavy",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
        )
    limit = settings.IMAGE_MAX_DIMENSION
    try:
        image = open_image(_read(file))
    except NotAnAcceptedImage as error:
        detail = f" (this one is {error.image_format})" if error.image_format else ""
        raise ValidationError(
            "Upload %(accepted)s%(detail)s. The file's content decides, not its name.",
            code="image_type",
            params={"accepted": ACCEPTED_FORMATS_TEXT, "detail": detail},
        ) from error
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "This image has far too many pixels; it may be at most %(limit)d pixels on each side.",
            code="image_too_large",
            params={"limit": limit},
        ) from error
    width, height = image.size
    if width > limit or height > limit:
        raise ValidationError(
            "This image is %(width)d×%(height)d pixels; it may be at most %(limit)d pixels on each side.",
            code="image_too_large",
            params={"width": width, "height": height, "limit": limit},
        )
    if width < min_width or height < min_height:
        raise ValidationError(
            "This image is %(width)d×%(height)d pixels; it needs to be at least %(min_width)d×%(min_height)d.",
            code="image_too_small",
            params={"width": width, "height": height, "min_width": min_width, "min_height": min_height},
        )
    try:
        image.load()  # the whole file, so that a truncated or damaged one is refused here and not on save
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This image is damaged or incomplete: upload %(accepted)s again.",
            code="image_damaged",
            params={"accepted": ACCEPTED_FORMATS_TEXT},
        ) from error


def validate_cover_image(file: FieldFile) -> None:
    check_upload(file, min_width=settings.COVER_IMAGE_MIN_WIDTH, min_height=settings.COVER_IMAGE_MIN_HEIGHT)


def validate_composer_photo(file: FieldFile) -> None:
    check_upload(file, min_width=settings.COMPOSER_PHOTO_MIN_WIDTH, min_height=settings.COMPOSER_PHOTO_MIN_HEIGHT)


def validate_author_photo(file: FieldFile) -> None:
    """An author's portrait: the rules of a composer's photo."""
    validate_composer_photo(file)


def alt_text_error(image: FieldFile, alt: str, field: str) -> dict[str, ValidationError]:
    """The error to raise from ``clean()`` when an image has no text alternative; empty when all is well."""
    if image and not alt.strip():
        return {
            field: ValidationError(
                "Describe the image for readers who cannot see it (alt text).", code="image_alt_required"
            )
        }
    return {}


def rendition_widths(width: int) -> list[int]:
    """The configured widths, none wider than the original (an upscaled copy only costs bytes)."""
    return sorted({min(target, width) for target in settings.IMAGE_RENDITION_WIDTHS})


def refresh_renditions(image: FieldFile, renditions: list[dict]) -> list[dict]:
    """Call on save: store a newly assigned image under the extension of its real type; keep the renditions made
    from the image, and drop any made from another (a replaced or cleared image). An image left without renditions
    gets them from ``make_image_renditions``, queued by ``make_renditions_after_commit()`` once the save is made.

    Replaced files stay in storage: a revision being restored, or a page still cached, may point at them.
    """
    if not image:
        return []
    if image._committed:
        return renditions if renditions and all(_made_from(image.name, r["name"]) for r in renditions) else []
    data = _read(image.file)
    try:
        extension = ACCEPTED_FORMATS[open_image(data).format]
    except NotAnAcceptedImage as error:
        raise ValueError(f"{image.name} is not {ACCEPTED_FORMATS_TEXT}; validate it with full_clean()") from error
    # Stored under the extension of its real type, which object storage serves the Content-Type from.
    image.save(f"{PurePosixPath(image.name).stem}.{extension}", ContentFile(data), save=False)
    return []


def renditions_field(image_field: str) -> str:
    """The field an image field's renditions are kept in: ``cover`` → ``cover_renditions``."""
    return f"{image_field}_renditions"


def images_awaiting_renditions(instance: Model) -> list[str]:
    """The image fields of ``instance`` that hold an image whose renditions are not made yet."""
    return [
        field.name
        for field in instance._meta.concrete_fields
        if isinstance(field, ImageField)
        and getattr(instance, field.name)
        and not getattr(instance, renditions_field(field.name))
    ]


def make_renditions_after_commit(instance: Model) -> None:
    """Call after a save: each image without its renditions gets them from a task, once the save commits."""
    for image_field in images_awaiting_renditions(instance):
        make = partial(
            make_image_renditions.enqueue,
            model=instance._meta.label,
            pk=instance.pk,
            image_field=image_field,
            image_name=getattr(instance, image_field).name,
        )
        # Robust: a queue that cannot take the task is logged, never raised into a save that has committed.
        transaction.on_commit(make, robust=True)


@task
def make_image_renditions(*, model: str, pk: int, image_field: str, image_name: str, attempt: int = 1) -> None:
    """Make the renditions of ``image_name`` and save them on the row, unless it shows another image by then (that
    save queued a task of its own) or has them already (a task run twice). Saving them moves the page cache's stamps
    and purges the pages that show the image, as any save of the row does. A storage that fails is tried again
    later; an image that cannot be decoded is logged, and the row stays without renditions (no image shown)."""
    rows = apps.get_model(model).objects
    row = rows.filter(pk=pk).first()
    if row is None or not _needs_renditions(row, image_field, image_name):
        return
    image = getattr(row, image_field)
    try:
        with image.storage.open(image_name, "rb") as stored:
            data = stored.read()
    except OSError:
        arguments = {"model": model, "pk": pk, "image_field": image_field, "image_name": image_name}
        retry_later(make_image_renditions, attempt=attempt, kwargs=arguments)
        raise
    try:
        renditions = make_renditions(data, name=image_name, storage=image.storage)
    except (NotAnAcceptedImage, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        logger.exception("The renditions of %s (%s %s) could not be made; it shows no image.", image_name, model, pk)
        return
    # Made outside the row's lock (resizing takes a while); saved only onto the image they were made from.
    with transaction.atomic():
        row = rows.select_for_update().filter(pk=pk).first()
        if row is not None and _needs_renditions(row, image_field, image_name):
            setattr(row, renditions_field(image_field), renditions)
            row.save(update_fields=[renditions_field(image_field)])


def _needs_renditions(row: Model, image_field: str, image_name: str) -> bool:
    return getattr(row, image_field).name == image_name and image_field in images_awaiting_renditions(row)


def _made_from(image_name: str, rendition_name: str) -> bool:
    """Whether the rendition was made from this image (their names share its stem), and not from an earlier one."""
    return PurePosixPath(rendition_name).name.startswith(f"{PurePosixPath(image_name).stem}-")


def make_renditions(data: bytes, *, name: str, storage) -> list[dict]:
    """Resize the image to each rendition width, save each through ``storage``; return their widths and names."""
    source = open_image(data)
    icc_profile = source.info.get("icc_profile")
    source = ImageOps.exif_transpose(source)  # photos taken sideways stand up; the EXIF data is left behind
    source = source.convert("RGBA" if source.has_transparency_data else "RGB")
    path = PurePosixPath(name)
    renditions = []
    for width in rendition_widths(source.width):
        height = max(1, round(source.height * width / source.width))
        resized = source if width == source.width else source.resize((width, height), Image.Resampling.LANCZOS)
        out = BytesIO()
        resized.save(out, RENDITION_FORMAT, quality=RENDITION_QUALITY, icc_profile=icc_profile)
        stored = storage.save(
            str(path.parent / "renditions" / f"{path.stem}-{width}w.{RENDITION_EXTENSION}"), ContentFile(out.getvalue())
        )
        renditions.append({"width": width, "height": height, "name": stored})
    return renditions


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    url: str


@dataclass(frozen=True)
class ResponsiveImage:
    """What an <img> needs: the largest rendition as ``src``, all of them as ``srcset``, its size and alt text."""

    renditions: tuple[Rendition, ...]
    alt: str

    @classmethod
    def of(cls, image: FieldFile, renditions: list[dict], alt: str) -> "ResponsiveImage | None":
        if not image or not renditions:
            return None
        return cls(
            renditions=tuple(
                Rendition(width=r["width"], height=r["height"], url=image.storage.url(r["name"]))
                for r in sorted(renditions, key=lambda r: r["width"])
            ),
            alt=alt,
        )

    @property
    def largest(self) -> Rendition:
        return self.renditions[-1]

    @property
    def src(self) -> str:
        return self.largest.url

    @property
    def width(self) -> int:
        return self.largest.width

    @property
    def height(self) -> int:
        return self.largest.height

    @property
    def srcset(self) -> str:
        return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in self.renditions)
