"""Django in a process of its own, configured by what a test gives it and nothing of the shell's."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

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


def copy_project(destination: Path) -> Path:
    """A copy of the project's files (tracked, or new and not ignored: no .env, .venv or var/) in ``destination``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    return destination


def write_development_env_file(project: Path) -> Path:
    """The .env that `make run` writes, written by the Makefile's own rule."""
    subprocess.run(
        ["make", "--silent", ".env", f"PYTHON={sys.executable}"], cwd=project, check=True, capture_output=True
    )
    return project / ".env"


def outside_the_test_suite(**env: str) -> dict[str, str]:
    """The environment of a command typed in a fresh shell: none of the site's variables, and not under pytest
    (whose processes never read .env)."""
    return {k: v for k, v in clean_environment(**env).items() if k != "PYTEST_VERSION"}
