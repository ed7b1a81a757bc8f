from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "mailing"
    verbose_name = "Mail to readers"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
