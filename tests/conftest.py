import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so cached pages or counters never leak between tests."""
    from django.core.cache import caches

    for alias in ("default", "ratelimit"):
        caches[alias].clear()
    yield
    for alias in ("default", "ratelimit"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _page_cache_only_where_asked(request, settings):
    """Most tests check what a page renders, and change rows behind the page's back; the page cache has tests
    of its own, marked ``page_cache``."""
    if "page_cache" not in request.keywords:
        settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(_fresh_cache, settings):
    """Users are made and signed in everywhere, and hashing is not what the tests check: spare them the
    deliberately slow hasher (production keeps Django's default). After ``_fresh_cache``, so that the caches are
    cleared with the project's settings, once a test's changed settings are undone."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _postgresql_where_marked(request):
    """Tests marked ``postgresql("what needs it")`` skip on SQLite, never in the PostgreSQL run."""
    marker = request.node.get_closest_marker("postgresql")
    if marker is not None:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip(f"{marker.args[0]}; run the suite with DATABASE_URL=postgres://...")


def _register_hypothesis_profiles():
    import os

    from hypothesis import HealthCheck, settings

    settings.register_profile("default", max_examples=200, deadline=None)
    # The slow run of `make reliability`: 10,000 generated documents per property.
    settings.register_profile("slow", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


_register_hypothesis_profiles()


@pytest.fixture(scope="session")
def project_after_make_run(tmp_path_factory):
    """A copy of the project with the .env that `make run` writes, as a developer's clone has after it (read-only
    for the tests: they share it)."""
    from tests.utils.processes import copy_project, write_development_env_file

    project = copy_project(tmp_path_factory.mktemp("project"))
    write_development_env_file(project)
    return project


@pytest.fixture
def mail_server(settings):
    """A real SMTP server that keeps what it is sent (``mail_server.emails()``), with the site's mail going to it."""
    from reliability.mailservers import MailServer
    from tests.utils.mail import send_to

    server = MailServer().start()
    send_to(settings, server)
    yield server
    server.stop()


@pytest.fixture
def clock():
    """Time stands still at ``tests.utils.clock.NOW`` unless the test moves it (``clock.shift(5)``), so ages, edit
    windows and rate limits are exact."""
    import time_machine

    from tests.utils.clock import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in_editor(client):
    """An editor (the Editors group), signed in on ``client``."""
    from tests.utils.factories import editor

    user = editor()
    client.force_login(user)
    return user


@pytest.fixture
def signed_in_moderator(client):
    """A moderator (the Moderators group), Mo Derator, signed in on ``client``."""
    from tests.utils.factories import moderator

    user = moderator(first_name="Mo", last_name="Derator")
    client.force_login(user)
    return user


@pytest.fixture
def signed_in_superuser(client):
    """A superuser, signed in on ``client``."""
    from tests.utils.factories import UserFactory

    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def deferring_tasks(settings):
    """A task backend that keeps tasks, run_after included, instead of running them (Django's dummy backend)."""
    from django.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    yield task_backends["default"]
    task_backends["default"].clear()
