"""The bare Django app the bench reads every page against: startproject's settings and middleware, served by
gunicorn under the site's own gunicorn.conf.py, answering exactly the bytes asked for."""

import ast
import runpy
from pathlib import Path

import django
import pytest

from bench.common import ROOT, STATE, free_port
from bench.harness import Bench
from bench.reference import settings as reference_settings
from bench.run import parse_options
from bench.scenarios import measure_bare
from bench.servers import fetch, reference_server

STARTPROJECT_SETTINGS = Path(django.__file__).parent / "conf" / "project_template" / "project_name" / "settings.py-tpl"


def startproject_setting(name: str):
    """A setting as `django-admin startproject` of the installed Django writes it (its template is valid Python)."""
    for node in ast.parse(STARTPROJECT_SETTINGS.read_text()).body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} is not in {STARTPROJECT_SETTINGS}")


@pytest.mark.parametrize("name", ["MIDDLEWARE", "INSTALLED_APPS", "AUTH_PASSWORD_VALIDATORS", "MAILERS"])
def test_the_bare_app_has_the_settings_of_djangos_own_startproject(name):
    assert getattr(reference_settings, name) == startproject_setting(name)


@pytest.fixture(scope="module")
def bare_app():
    """The bare app as the bench starts it: the site's gunicorn.conf.py with this environment, on a free port."""
    server = reference_server(free_port()).start()
    yield server
    server.stop()


@pytest.mark.parametrize("size", [456, 10_435, 133_946])
def test_the_bare_app_serves_exactly_the_bytes_asked_for_through_startprojects_middleware(bare_app, size):
    status, headers, body = fetch(f"{bare_app.base}/?bytes={size}")

    assert status == 200
    assert len(body) == int(headers["Content-Length"]) == size
    assert body.startswith(b"<!doctype html>") and body.endswith(b"</html>\n")
    # Set by SecurityMiddleware and XFrameOptionsMiddleware: the request went through startproject's stack.
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in headers  # no session, no CSRF token: nothing but the page


def test_the_bare_app_runs_the_worker_class_and_count_of_the_sites_gunicorn_conf(bare_app):
    site_conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert len(bare_app.booted_workers(site_conf["workers"])) == site_conf["workers"]
    assert f"Using worker: {site_conf['worker_class']}" in (STATE / "reference.log").read_text()


def test_each_page_is_read_against_a_bare_page_of_its_size_measured_beside_it_under_load(bare_app):
    bench = Bench(parse_options(["--quick", "--duration", "1", "--connections", "2"]))
    bench.reference = bare_app

    read_against = [measure_bare(bench, size, beside=f"page {n}") for n, size in enumerate((10_000, 10_000, 11_000))]

    assert read_against == ["10000", "10000-1", "11000"]
    assert [figures["label"] for figures in bench.results["bare"].values()] == [
        "Bare Django app, 10,000 bytes, beside page 0",
        "Bare Django app, 10,000 bytes, beside page 1",
        "Bare Django app, 11,000 bytes, beside page 2",
    ]
    for figures in bench.results["bare"].values():
        assert (figures["status"], figures["errors"]) == (200, 0)
        assert figures["bytes"] == int(figures["path"].removeprefix("/?bytes="))
        assert figures["requests"] > 0
