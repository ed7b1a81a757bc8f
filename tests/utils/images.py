"""Images as an editor's browser uploads them."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(width: int, height: int, *, image_format: str = "JPEG", name: str = "cover.jpg") -> SimpleUploadedFile:
    """An image with a gradient (something for the encoder to do), as the browser would upload it."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    data = BytesIO()
    image.save(data, image_format)
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")
