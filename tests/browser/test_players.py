"""Players in place, in Chromium: an article with featured tracks on every provider asks nothing of any of them and
holds no cookie of theirs until the reader presses "Play … here"; then that provider's player, and only it, is
framed (the page's policy allows its exact origin, the browser refuses nothing) and takes the focus. Without
JavaScript the listening links open the provider. Screenshot: test-artifacts/screenshots/players-*.png.

The machine may be offline: every request off the live server is answered by a stand-in page, and the stand-in is
served only to requests the browser actually sent, so a frame the policy refused would never reach it."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.utils.browser import assert_accessible
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRACKS = {  # title: (listening link, the player it opens)
    "Harvest of Light": (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
    ),
    "Updraft": (
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=share",
        "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC",
    ),
    "Cold Orchard": (
        "https://music.apple.com/gb/album/the-glass-orchard/1440818660?i=1440818664",
        "https://embed.music.apple.com/gb/album/the-glass-orchard/1440818660?i=1440818664",
    ),
    "Embers": (
        "https://soundcloud.com/mira-holt/embers",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fmira-holt%2Fembers&auto_play=true",
    ),
    "Night Ferry": (  # the address of Bandcamp's Share → Embed dialog
        "https://bandcamp.com/EmbeddedPlayer/album=1234567890/size=large/bgcol=ffffff/linkcol=0687f5/tracklist=false"
        "/track=987654321/transparent=true/",
        "https://bandcamp.com/EmbeddedPlayer/album=1234567890/size=large/bgcol=ffffff/linkcol=0687f5/tracklist=false"
        "/artwork=small/track=987654321/transparent=true/",
    ),
}
FRAMED = {
    "https://www.youtube-nocookie.com",
    "https://open.spotify.com",
    "https://embed.music.apple.com",
    "https://bandcamp.com",
    "https://w.soundcloud.com",
}
BANDCAMP = ("Last Light", "https://mira-holt.bandcamp.com/track/last-light")  # an artist's page: no ids


@pytest.fixture
def article():
    work = WorkFactory(title="The Glass Orchard", year=2019)
    article = ArticleFactory(title="Why The Glass Orchard's score matters", work=work)
    for title, (link, _) in [*TRACKS.items(), (BANDCAMP[0], (BANDCAMP[1], None))]:
        FeaturedTrackFactory(article=article, track=TrackFactory(work=work, title=title), listening_url=link)
    return article


@pytest.fixture
def reader(live_server, new_page):
    """A page whose every request is recorded, its CSP violations and console messages too; requests off the live
    server get a stand-in page."""
    page = new_page()
    page.requests, page.console = [], []
    page.context.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: page.console.append(message.text))
    page.context.route(
        lambda url: not url.startswith(live_server.url + "/"),
        lambda route: route.fulfill(content_type="text/html", body="<title>Player stand-in</title><p>Player</p>"),
    )
    page.add_init_script(
        "window.violations = []; document.addEventListener('securitypolicyviolation',"
        " (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return page


def off_site(page, live_server) -> list[str]:
    return [url for url in page.requests if not url.startswith(live_server.url + "/")]


def test_no_provider_hears_of_the_reader_until_they_press_play_and_then_only_the_one_they_chose(
    live_server, reader, screenshot, article
):
    response = reader.goto(live_server.url + article.get_absolute_url())
    reader.wait_for_load_state("networkidle")

    assert off_site(reader, live_server) == []
    site = urlsplit(live_server.url).hostname
    assert {cookie["domain"].lstrip(".") for cookie in reader.context.cookies()} <= {site}
    assert reader.locator("iframe").count() == 0
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    framed = set(policy["frame-src"].split())
    assert framed == FRAMED == {f"https://{urlsplit(player).hostname}" for _, player in TRACKS.values()}
    last_light = reader.locator(".featured-track", has_text=BANDCAMP[0])
    expect(last_light.get_by_role("link", name=f"“{BANDCAMP[0]}”")).to_have_attribute("href", BANDCAMP[1])
    expect(last_light.get_by_role("button")).to_have_count(0)  # Bandcamp's player needs ids its pages' links lack
    assert_accessible(reader)

    played = []
    for title, (link, player) in TRACKS.items():
        track = reader.locator(".featured-track", has_text=title)
        button = track.get_by_role("button", name=f"Play “{title}” here")
        expect(track.get_by_role("link", name=f"“{title}”")).to_have_attribute("href", link)
        with reader.expect_request(player):
            button.focus()
            reader.keyboard.press("Enter")
        played.append(player)

        frame = track.locator("iframe")
        expect(frame).to_have_attribute("src", player)
        expect(frame).to_have_attribute("title", f"Player for “{title}”")
        expect(frame).to_be_focused()
        expect(button).to_have_count(0)
        assert off_site(reader, live_server) == played  # that player alone, nothing else of any provider
        assert f"https://{urlsplit(player).hostname}" in framed
        if len(played) == 1:
            screenshot(reader, "players-after-a-click")
            assert_accessible(reader)

    assert reader.evaluate("violations") == []
    assert [message for message in reader.console if "Refused" in message or "Security Policy" in message] == []


def test_without_javascript_the_link_opens_the_provider_and_no_button_shows(live_server, browser, article):
    context = browser.new_context(java_script_enabled=False)
    try:
        context.route(
            lambda url: not url.startswith(live_server.url + "/"),
            lambda route: route.fulfill(content_type="text/html", body="<title>The provider</title>"),
        )
        page = context.new_page()
        page.goto(live_server.url + article.get_absolute_url())

        track = page.locator(".featured-track", has_text="Updraft")
        expect(page.get_by_role("button", name="here")).to_have_count(0)  # hidden, so out of the accessibility tree
        expect(page.locator("iframe")).to_have_count(0)
        with page.expect_navigation(url=TRACKS["Updraft"][0]):
            track.get_by_role("link", name="“Updraft”").click()
        expect(page).to_have_title("The provider")
    finally:
        context.close()
