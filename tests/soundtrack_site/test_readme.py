"""The README's commands work as written, pasted into a fresh shell after `make run`."""

import re
import subprocess
import sys

import pytest

from tests.utils.processes import ROOT, copy_project, outside_the_test_suite

README = (ROOT / "README.md").read_text()
# Every code span or line of a code block that runs manage.py, however it is written.
MANAGE_PY = re.compile(r"(?:`|^)([^`\n]*manage\.py[^`\n]*)", re.MULTILINE)
RUNNABLE = ".venv/bin/python manage.py "
COMMANDS = sorted(set(re.findall(r"manage\.py (\w+)", README)))


def test_every_manage_py_command_in_the_readme_is_written_the_way_it_runs():
    """`manage.py x` alone is "command not found", and `./manage.py x` asks for a `python` a fresh Debian lacks."""
    written = MANAGE_PY.findall(README)

    assert len(written) >= 5 and "changepassword" in COMMANDS
    assert [command for command in written if not command.startswith(RUNNABLE)] == []


@pytest.mark.parametrize("command", COMMANDS)
def test_the_readmes_manage_py_command_runs_after_make_run(command, project_after_make_run):
    """In a copy of the project with only the .env that `make run` writes: none of the shell's variables. Each
    needs the settings to load (Django would otherwise not know the apps' commands, changepassword included)."""
    typed = subprocess.run(
        [sys.executable, "manage.py", command, "--help"],
        cwd=project_after_make_run,
        env=outside_the_test_suite(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert typed.returncode == 0, typed.stderr
    assert f"manage.py {command}" in typed.stdout


def test_without_the_env_file_the_same_commands_do_not_run(tmp_path):
    """What the README's commands did before `make run` wrote .env: this test would have caught it."""
    project = copy_project(tmp_path)
    typed = subprocess.run(
        [sys.executable, "manage.py", "changepassword", "--help"],
        cwd=project,
        env=outside_the_test_suite(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert typed.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in typed.stderr
