"""What `manage.py check --deploy` says of mail to readers in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_mail_settings(app_configs, **kwargs):
    warnings = []
    if not settings.SITE_URL.startswith("https://"):
        warnings.append(
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an https:// address: the links in emails are built from it, "
                "and mail clients offer one-click unsubscribing (RFC 8058) only for HTTPS links.",
                hint="Set SITE_URL to the site's public https:// address.",
                id="mailing.W001",
            )
        )
    if settings.TASKS_BACKEND == "immediate":
        warnings.append(
            Warning(
                "TASKS_BACKEND is immediate: every email (reply notices, confirmations, digests' links) is sent "
                "inside the request that asks for it, and a slow mail server slows readers' posts.",
                hint="Set TASKS_BACKEND=database and run the task worker (docs/DEPLOYMENT.md).",
                id="mailing.W002",
            )
        )
    return warnings
