"""The locks agree with pyproject.toml (hashes are pip's to check: it installs them with --require-hashes), and
the commit hooks with the tools the Makefile runs."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.utils.processes import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def locked(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in re.findall(r"^([\w.-]+)==(\S+)", text, re.MULTILINE)}


def unmet(requirements: list[str], versions: dict[str, str]) -> list[str]:
    """The requirements (for this platform) that the locked versions miss or fall outside of."""
    requirements = [Requirement(line) for line in requirements]
    return [
        str(requirement)
        for requirement in requirements
        if (requirement.marker is None or requirement.marker.evaluate())
        and versions.get(canonicalize_name(requirement.name)) not in requirement.specifier
    ]


def test_the_development_lock_meets_every_range_of_pyproject():
    """After a change to pyproject.toml's dependencies, `make upgrade` brings the locks up to date."""
    everything = PROJECT["dependencies"] + [
        line for extra in ("test", "dev") for line in PROJECT["optional-dependencies"][extra]
    ]

    assert unmet(everything, locked("dev.txt")) == [], "pyproject.toml changed: run `make upgrade`"


def test_the_production_lock_is_the_app_at_the_development_locks_versions():
    app, dev = locked("app.txt"), locked("dev.txt")

    assert unmet(PROJECT["dependencies"], app) == [], "pyproject.toml changed: run `make upgrade`"
    assert {name: version for name, version in app.items() if dev.get(name) != version} == {}


def test_tools_are_pinned_exactly():
    tools = [line for extra in ("test", "dev") for line in PROJECT["optional-dependencies"][extra]]

    assert {Requirement(line).name for line in tools if "==" in line} >= {"ruff", "pip-tools", "pre-commit"}


def test_the_commit_hooks_run_the_ruff_that_make_lint_runs():
    hooks = [
        hook
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for hook in repo["hooks"]
    ]
    pinned = {
        dependency for hook in hooks for dependency in hook.get("additional_dependencies", []) if "==" in dependency
    }
    ruff = next(line for line in PROJECT["optional-dependencies"]["test"] if Requirement(line).name == "ruff")

    assert {dependency for dependency in pinned if dependency.startswith("ruff==")} == {ruff}
    assert {hook["id"] for hook in hooks} == {"ruff-check", "ruff-format", "django-upgrade", "djhtml"}
    assert all("==" in dependency for hook in hooks for dependency in hook.get("additional_dependencies", []))
