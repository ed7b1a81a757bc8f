"""The hostile-input corpus through every path a reader or an editor writes into, opened in Chromium.

Payloads go in through the real write paths (the comment form and service; the admin's form fields and the models'
save, which render Markdown and sanitize), many to a page, and the public pages are opened in Chromium with
alert/confirm/prompt/print hooked. Events a reader could cause are fired (hover, focus, clicks on script links, and
every event an on* attribute waits for), timers are run, and the DOM is checked for on* attributes, scripts and
script URLs. The sanitized run must execute nothing; the control run, with the sanitizer and escaping switched off,
must execute something on every path, so a detector that sees nothing cannot pass for a safe site.

`make test` runs a sample (every 10th payload of each file); XSS_FULL=1 runs the whole corpus (`make reliability`).
"""

import json
import os
from collections import Counter
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.safestring import mark_safe
from playwright.sync_api import Error as PlaywrightError

from articles.models import Article, Composer, FeaturedTrack, Section
from comments import services
from comments.forms import CommentForm, new_form_token
from comments.models import Comment
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
)
from tests.utils.xss_corpus import CORPUS_DIR_VARIABLE, NAUGHTY_STRINGS, CorpusMissing, Payload, corpus_dir, load_corpus
from throttling.clients import Client

FULL = os.environ.get("XSS_FULL") == "1"
SAMPLE_EVERY = 10  # without XSS_FULL: the 1st, 11th, 21st... payload of each file
# Without XSS_FULL, the paths that take a page load per payload (a search query, an article's own page for its
# title) take every 4th payload of that sample, to keep `make test` near a minute.
OWN_PAGE_EVERY = 1 if FULL else 4
BATCH = 50  # payloads on one page
CONTROL_SOURCE, CONTROL_SIZE = "xss_payloads_quick.txt", 20
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "xss-report.json"
PLAIN = "Plain words about the score."

# Runs in every frame before the page's own scripts: the dialogs a payload calls report to the test instead.
HOOKS = """
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xssHit(name, String(args[0]).slice(0, 80)); return null; };
}
"""

# What a reader could do to the page: hover, press, focus; then every event that an on* attribute waits for.
TRIGGER = """() => {
  const types = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "click", "dblclick",
    "contextmenu", "pointerover", "pointerenter", "pointerdown", "focus", "focusin", "blur", "keydown", "keyup",
    "input", "change", "toggle", "scroll", "wheel", "copy", "paste", "drag", "drop", "load", "error"];
  const isScriptUrl = (url) => { try { return new URL(url, location.href).protocol === "javascript:"; }
                                 catch { return false; } };
  for (const el of document.querySelectorAll("body *")) {
    const handlers = [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name.slice(2));
    for (const type of new Set([...types, ...handlers])) {
      try { el.dispatchEvent(new Event(type, {bubbles: true})); } catch {}
    }
    try { el.focus(); } catch {}
    const url = el.getAttribute("href") ?? el.getAttribute("xlink:href") ?? el.getAttribute("formaction");
    if (url !== null && isScriptUrl(url)) { try { el.click(); } catch {} }
  }
}"""

# The second, independent signal: what may not be in a page at all, executed or not. And how many of the
# elements that hold the payloads the page shows, so that a page that lost them cannot pass for a safe one.
DOM_CHECK = """(shows) => {
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "srcset", "lowsrc", "dynsrc", "ping", "cite", "longdesc", "codebase", "manifest", "icon"]);
  const dangerous = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base"]);
  const found = [];
  const show = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (attr.name.startsWith("on") || attr.name === "srcdoc") found.push(`${attr.name} attribute: ${show(el)}`);
      else if (urlAttributes.has(attr.name) && /^(javascript|vbscript|data):/.test(value)) {
        found.push(`script or data URL: ${show(el)}`);
      }
    }
    const ownScript = el instanceof HTMLScriptElement && el.src.startsWith(`${location.origin}/static/js/`);
    if (el.localName === "script" && el.type !== "application/ld+json" && !ownScript) found.push(`script: ${show(el)}`);
    if (dangerous.has(el.localName) || (el.localName === "meta" && el.httpEquiv)) found.push(`element: ${show(el)}`);
  }
  for (const data of document.querySelectorAll('script[type="application/ld+json"]')) {
    try { JSON.parse(data.textContent); } catch { found.push(`broken JSON-LD: ${show(data)}`); }
  }
  return {found, shown: shows ? document.querySelectorAll(shows).length : null};
}"""


@dataclass
class Page:
    path: str  # the input path whose payloads it shows
    url: str
    payloads: list[Payload]
    shows: tuple[str, int] | None = None  # a selector of the elements that hold the payloads, and how many


@dataclass
class PathFigures:
    tried: int = 0  # payloads that reached a page
    refused: Counter = field(default_factory=Counter)  # turned down by the write path's validation, by code
    pages: int = 0
    executed: int = 0
    dom_findings: int = 0


@dataclass
class Run:
    figures: dict[str, PathFigures] = field(default_factory=dict)
    executions: list[str] = field(default_factory=list)  # what ran, where, with the payloads of that page
    findings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # pages that did not show all their payloads

    def path(self, name: str) -> PathFigures:
        return self.figures.setdefault(name, PathFigures())

    def summary(self, payloads: list[Payload]) -> dict:
        return {
            "payloads": len(payloads),
            "paths": {name: {**asdict(f), "refused": dict(f.refused)} for name, f in self.figures.items()},
            "payloads_tried_on_paths": sum(f.tried for f in self.figures.values()),
            "pages_opened": sum(f.pages for f in self.figures.values()),
            "scripts_executed": sum(f.executed for f in self.figures.values()),
            "dom_findings": sum(f.dom_findings for f in self.figures.values()),
        }


def batches(payloads: list[Payload]) -> list[list[Payload]]:
    return [payloads[start : start + BATCH] for start in range(0, len(payloads), BATCH)]


def editor_value(model, field_name: str, payload: Payload, figures: PathFigures) -> str | None:
    """The payload as the admin's form field cleans it, or None (counted) when the admin would refuse it."""
    try:
        value = model._meta.get_field(field_name).formfield().clean(payload.text)
    except ValidationError as error:
        figures.refused[error.error_list[0].code or "invalid"] += 1
        return None
    if not value:
        figures.refused["blank"] += 1
        return None
    figures.tried += 1
    return value


def post_comment(article: Article, *, name: str, body: str, number: int) -> str | None:
    """Post as the comment view does, through the form and the service; the refusal's code, if refused."""
    data = {
        "author_name": name,
        "author_email": f"reader{number}@example.com",
        "body": body,
        "form_token": new_form_token(),
    }
    form = CommentForm(data, article=article)
    if not form.is_valid():
        return next(iter(form.errors.as_data().values()))[0].code or "invalid"
    try:
        services.create_comment(
            article=article,
            author_name=form.cleaned_data["author_name"],
            email=form.cleaned_data["author_email"],
            body=form.cleaned_data["body"],
            client=Client(ip_address="192.0.2.1", user_agent="xss corpus"),
            form_age=form.form_age,
            submission_token=form.submission_token,
        )
    except services.CommentRefused as refused:
        return refused.code
    return None


def load_comments(run: Run, path: str, payloads: list[Payload]) -> list[Page]:
    pages = []
    for number, batch in enumerate(batches(payloads)):
        article = ArticleFactory(title=f"Comments probe {path} {number}", slug=f"{path}-{number}".replace("_", "-"))
        posted = 0
        for n, payload in enumerate(batch):
            name, body = (payload.text, f"Comment {n}.") if path == "comment_name" else (f"Reader {n}", payload.text)
            if code := post_comment(article, name=name, body=body, number=n):
                run.path(path).refused[code] += 1
            else:
                posted += 1
        run.path(path).tried += posted
        # A moderator approves them all, spam and held ones too: every payload must reach the page.
        services.moderate(Comment.objects.filter(article=article), to_status=Comment.Status.APPROVED, actor=None)
        pages.append(Page(path, article.get_absolute_url(), batch, shows=("li[id^='comment-'] > article", posted)))
    return pages


def load_articles(run: Run, path: str, payloads: list[Payload]) -> list[Page]:
    """One article per payload in its title or standfirst, listed 50 to a tag page; each title's page too."""
    field_name = "title" if path == "article_title" else "standfirst"
    pages = []
    for number, batch in enumerate(batches(payloads)):
        tag = f"{path}-{number}".replace("_", "-")
        for n, payload in enumerate(batch):
            if (value := editor_value(Article, field_name, payload, run.path(path))) is None:
                continue
            fields = {"title": f"Probe {n} of xsslot{number}x", field_name: value}
            article = ArticleFactory(slug=f"{tag}-{n}", **fields)
            article.tags.add(tag)
            if path == "article_title" and n % OWN_PAGE_EVERY == 0:  # its page: <title>, meta tags, JSON-LD
                pages.append(Page(path, article.get_absolute_url(), [payload], shows=("h1#article-title", 1)))
        listed = Article.objects.filter(tags__slug=tag).count()
        pages.append(Page(path, reverse("articles:tag", args=[tag]), batch, shows=(".card", listed)))
        if path == "standfirst":  # search results show a snippet of the standfirst
            search = reverse("articles:search") + f"?q=xsslot{number}x"
            pages.append(Page(path, search, batch, shows=(".search-result", listed)))
    return pages


def load_sections(run: Run, path: str, payloads: list[Payload]) -> list[Page]:
    field_name = "heading" if path == "section_heading" else "body"
    pages = []
    for number, batch in enumerate(batches(payloads)):
        article = ArticleFactory(title=f"Sections probe {number}", slug=f"{path}-{number}".replace("_", "-"))
        for n, payload in enumerate(batch, start=1):
            if (value := editor_value(Section, field_name, payload, run.path(path))) is not None:
                SectionFactory(
                    article=article, position=n, **{"heading": f"Part {n}", "body": PLAIN, field_name: value}
                )
        shows = (".article-section", article.sections.count())
        pages.append(Page(path, article.get_absolute_url(), batch, shows=shows))
    return pages


def load_featured_notes(run: Run, path: str, payloads: list[Payload]) -> list[Page]:
    pages = []
    for number, batch in enumerate(batches(payloads)):
        work = WorkFactory()
        article = ArticleFactory(title=f"Tracks probe {number}", slug=f"tracks-{number}", work=work)
        for n, payload in enumerate(batch, start=1):
            if (note := editor_value(FeaturedTrack, "note", payload, run.path(path))) is not None:
                track = TrackFactory(work=work, position=n, title=f"Cue {n}")
                FeaturedTrackFactory(article=article, track=track, position=n, note=note)
        shows = (".featured-track", article.featured_tracks.count())
        pages.append(Page(path, article.get_absolute_url(), batch, shows=shows))
    return pages


def load_composer_bios(run: Run, path: str, payloads: list[Payload]) -> list[Page]:
    """A composer's page shows one biography: a batch's payloads are its paragraphs. (Each payload is also rendered
    on its own, by the same renderer and policy, as a section's body.)"""
    pages = []
    for number, batch in enumerate(batches(payloads)):
        paragraphs = [bio for payload in batch if (bio := editor_value(Composer, "bio", payload, run.path(path)))]
        composer = ComposerFactory(
            name=f"Composer probe {number}", slug=f"composer-probe-{number}", bio="\n\n".join(paragraphs)
        )
        pages.append(Page(path, composer.get_absolute_url(), batch, shows=(".prose", 1 if paragraphs else 0)))
    return pages


def search_pages(run: Run, path: str, payloads: list[Payload]) -> list[Page]:
    """The query is shown back in the title, the search box and the summary; the view judges it, not the test."""
    payloads = payloads[::OWN_PAGE_EVERY]
    run.path(path).tried += len(payloads)
    return [Page(path, reverse("articles:search") + "?" + urlencode({"q": p.text}), [p]) for p in payloads]


LOADERS = {
    "comment_name": load_comments,
    "comment_body": load_comments,
    "article_title": load_articles,
    "standfirst": load_articles,
    "section_heading": load_sections,
    "section_body": load_sections,
    "featured_note": load_featured_notes,
    "composer_bio": load_composer_bios,
    "search_query": search_pages,
}


class Detector:
    """A browser context that reports every dialog call, dialog, log line and popup of the pages it opens."""

    def __init__(self, browser, base_url: str):
        # Bypass the site's Content Security Policy: it would block inline scripts and so hide a sanitizer hole;
        # this test proves the sanitizer holds on its own.
        self.context = browser.new_context(bypass_csp=True, base_url=base_url)
        self.hits: list[str] = []
        self.context.expose_binding("__xssHit", lambda source, kind, detail: self.hits.append(f"{kind}({detail})"))
        self.context.add_init_script(HOOKS)
        self.context.clock.install()  # payloads' timers run when the test says, not after a sleep
        self.context.route("**/*", self.only_pages_of(base_url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.on("dialog", lambda dialog: (self.hits.append(f"dialog {dialog.type}"), dialog.dismiss()))
        self.page.on("popup", lambda popup: (self.hits.append(f"popup {popup.url}"), popup.close()))
        self.page.on("console", lambda m: m.type in ("log", "info", "debug") and self.hits.append(f"log {m.text}"))

    @staticmethod
    def only_pages_of(base_url: str):
        """Nothing leaves the machine (a payload's external image or script fails at once, and fires onerror),
        and the site's own style sheet and icon are left out: they take time and run no script."""

        def handle(route):
            request = route.request
            if request.url.startswith(base_url) and request.resource_type == "document":
                route.continue_()
            else:
                route.abort()

        return handle

    def visit(self, page: Page) -> tuple[list[str], dict]:
        """Open a page, check its DOM and do what a reader could; what executed, and what the check found."""
        start = len(self.hits)
        self.page.goto(page.url, wait_until="load")
        check = self.page.evaluate(DOM_CHECK, page.shows and page.shows[0])
        for frame in self.page.frames:
            if not frame.is_detached():
                with suppress(PlaywrightError):  # a payload navigated or removed the frame meanwhile
                    frame.evaluate(TRIGGER)
        self.page.clock.run_for(5_000)
        self.page.wait_for_load_state("load")  # a script link may have replaced the page
        self.page.evaluate("() => window.__xssHit('barrier', '')")  # earlier reports are all in
        return [hit for hit in self.hits[start:] if hit != "barrier()"], check

    def close(self):
        self.context.close()


def run_corpus(browser, live_server, payloads: list[Payload]) -> Run:
    run = Run()
    pages = [page for path, load in LOADERS.items() for page in load(run, path, payloads)]
    detector = Detector(browser, live_server.url)
    try:
        for page in pages:
            hits, check = detector.visit(page)
            findings = check["found"]
            if page.shows and check["shown"] != page.shows[1]:
                run.missing.append(f"{page.url} shows {check['shown']} {page.shows[0]}, not {page.shows[1]}")
            figures = run.path(page.path)
            figures.pages += 1
            figures.executed += len(hits)
            figures.dom_findings += len(findings)
            shown = ", ".join(map(str, page.payloads[:5])) + (" ..." if len(page.payloads) > 5 else "")
            run.executions += [f"{page.path} {page.url}: {hit} [payloads {shown}]" for hit in hits]
            run.findings += [f"{page.path} {page.url}: {finding}" for finding in findings]
    finally:
        detector.close()
    return run


def record(name: str, summary: dict) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[name] = summary
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(
        f"\n{name}: {summary['payloads']} payloads × {len(summary['paths'])} paths = "
        f"{summary['payloads_tried_on_paths']} tried (the rest refused by validation or sampled out), "
        f"{summary['pages_opened']} pages, {summary['scripts_executed']} scripts executed, "
        f"{summary['dom_findings']} DOM findings; {REPORT}"
    )


@pytest.fixture
def corpus_directory():
    try:
        return corpus_dir()
    except CorpusMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture
def roomy_site(settings):
    """One page holds a whole batch, and the comment rules let a fast, prolific poster through to moderation."""
    settings.ARTICLES_PER_PAGE = BATCH
    settings.COMMENTS_THREADS_PER_PAGE = BATCH
    settings.COMMENTS_RATE_LIMIT = 1_000_000
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0


@pytest.fixture
def sanitizer_off(monkeypatch):
    """The control: Markdown source stored as HTML, no sanitizing on output, no template escaping."""
    from django.template import base

    from articles.models import article, catalogue
    from articles.search import snippets
    from articles.templatetags import soundtrack
    from comments.templatetags import comments

    monkeypatch.setattr(article, "render_markdown", lambda text, *args, **kwargs: text)
    monkeypatch.setattr(catalogue, "render_markdown", lambda text, *args, **kwargs: text)
    monkeypatch.setattr(services, "render_comment", lambda body: body)
    monkeypatch.setattr(soundtrack, "sanitize_html", lambda html, *args: html)
    monkeypatch.setattr(comments, "sanitize_html", lambda html, *args: html)
    monkeypatch.setattr(snippets, "escape", mark_safe)
    monkeypatch.setattr(base, "conditional_escape", lambda value: mark_safe(str(value)))


@pytest.mark.django_db(transaction=True)
def test_no_payload_of_the_corpus_runs_a_script_on_any_input_path(browser, live_server, corpus_directory, roomy_site):
    corpus = load_corpus(corpus_directory, every=1 if FULL else SAMPLE_EVERY)
    run = run_corpus(browser, live_server, corpus.payloads)

    summary = run.summary(corpus.payloads) | {
        "corpus": {
            "full": FULL,
            "payloads": len(corpus.payloads),
            "read": corpus.read,
            "duplicates_left_out": corpus.duplicates,
            "nul_stripped": corpus.nul_stripped,
            "files": corpus.files,
        },
        "executions": run.executions[:50],
        "findings": run.findings[:50],
        "pages_missing_payloads": run.missing,
    }
    record("sanitized_full" if FULL else "sanitized_sample", summary)
    assert set(run.figures) == set(LOADERS)
    assert all(figures.tried and figures.pages for figures in run.figures.values()), summary["paths"]
    assert run.executions == [], "\n".join(run.executions[:20])
    assert run.findings == [], "\n".join(run.findings[:20])
    assert run.missing == [], run.missing


@pytest.mark.django_db(transaction=True)
def test_with_the_sanitizer_off_the_detector_sees_scripts_run_on_every_path(
    browser, live_server, corpus_directory, roomy_site, sanitizer_off
):
    corpus = load_corpus(corpus_directory)
    sample = [payload for payload in corpus.payloads if payload.source == CONTROL_SOURCE][:CONTROL_SIZE]
    run = run_corpus(browser, live_server, sample)

    record("control", run.summary(sample) | {"executions": run.executions[:50]})
    executed = {name: figures.executed for name, figures in run.figures.items()}
    assert all(executed.values()) and set(executed) == set(LOADERS), executed
    assert all(figures.dom_findings for figures in run.figures.values())


def test_the_corpus_loader_keeps_each_payload_whole_once_and_without_nul(tmp_path):
    (tmp_path / "a.txt").write_text(
        "<b>1</b>\r\n\n<i\x0c>2\x0b</i>\r\n<s>3</s>\n<b>1</b>\n<u>5\x00</u>\n", encoding="utf-8"
    )
    (tmp_path / NAUGHTY_STRINGS).write_text(json.dumps(["", "<u>5</u>", "\u2028x"]), encoding="utf-8")

    corpus = load_corpus(tmp_path)
    assert [(p.source, p.number, p.text) for p in corpus.payloads] == [
        ("a.txt", 1, "<b>1</b>"),
        ("a.txt", 3, "<i\x0c>2\x0b</i>"),
        ("a.txt", 4, "<s>3</s>"),
        ("a.txt", 6, "<u>5</u>"),
        (NAUGHTY_STRINGS, 2, "\u2028x"),
    ]
    assert (corpus.read, corpus.duplicates, corpus.nul_stripped) == (7, 2, 1)
    assert [p.text for p in load_corpus(tmp_path, every=2).payloads] == ["<b>1</b>", "<s>3</s>", "<u>5</u>"]


def test_a_missing_corpus_says_where_it_looked_and_how_to_point_at_it(tmp_path, monkeypatch):
    monkeypatch.setenv(CORPUS_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(CorpusMissing, match=f"{tmp_path}.*{CORPUS_DIR_VARIABLE}"):
        corpus_dir()
