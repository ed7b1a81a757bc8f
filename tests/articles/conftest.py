from functools import partial

import pytest


@pytest.fixture
def signed_in_ada(client):
    """An editor whose name pages show, Ada Lovelace (username ada), signed in on ``client``."""
    from tests.utils.factories import editor

    user = editor(username="ada", first_name="Ada", last_name="Lovelace")
    client.force_login(user)
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block leaves for the commit (the search index refresh), as a real commit would:
    ``with committed(): ...``."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def musicbrainz(settings):
    """A MusicBrainz web service of recorded responses on 127.0.0.1 (``tests.utils.musicbrainz``), which the
    site's settings point at."""
    from tests.utils.musicbrainz import MusicBrainzServer

    with MusicBrainzServer() as server:
        settings.MUSICBRAINZ_URL = server.url
        yield server
