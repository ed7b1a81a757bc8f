"""Mail in tests: a real SMTP server on a free port (aiosmtpd), and Django pointed at it."""

from email.message import EmailMessage

from reliability.mailservers import MailServer


def send_to(settings, server: MailServer) -> None:
    """Django's default mailer sends through ``server``."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
    }


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
