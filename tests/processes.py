"""Django in a process of its own, configured by what a test gives it and nothing of the shell's."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The site's own variables: a developer's shell may set any of them, and none may reach a test's process unasked.
OUR_VARIABLES = ("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "SENTRY_")


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without the site's variables, plus ``env``."""
    return {k: v for k, v in os.environ.items() if not k.startswith(OUR_VARIABLES)} | env


def run_django(code: str, *, cwd: Path = ROOT, environment: dict[str, str] | None = None, **env: str):
    """Set Django up in a new process and run ``code`` with ``settings`` at hand."""
    environment = clean_environment(**env) if environment is None else environment
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=cwd,
        env=environment | {"DJANGO_SETTINGS_MODULE": "soundtrack_site.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
