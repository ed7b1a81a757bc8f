"""What the admin tells an editor who saved a new image: its sizes are made after the save (articles/images.py)."""

from django.contrib import messages

from ..images import images_awaiting_renditions


class ImageRenditionsNoticeMixin:
    """After a save that leaves an image without its renditions, say that the site shows it in a moment."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for image_field in images_awaiting_renditions(obj):
            label = obj._meta.get_field(image_field).verbose_name
            message = f"The new {label} is being resized for each screen size: the site shows it in a moment."
            self.message_user(request, message, messages.INFO)
