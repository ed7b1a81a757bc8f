"""Varnish in front of the app (issue 13): the cached article through it, a realistic mix of readers through it
with its hit ratio, and how soon a moderator's approval shows through it.

Varnish runs the repository's VCL (deploy/varnish/, started by reliability.varnish) with the app server as its
backend; the app server runs with the edge settings (``edge_environment``), so its pages carry surrogate keys (and no
comment-form token: the form's script fetches one), and every change purges the keys it touches.
"""

import random
import secrets
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from django.urls import reverse

from reliability.varnish import Varnish

from .common import log
from .harness import Bench
from .pages import MODERATOR, READER
from .scenarios import measure_bare, post_lua
from .servers import fetch
from .wrk import POST_LUA, lua_string

# Zipf's law: the article of popularity rank k is read 1/k**ZIPF_EXPONENT as often as the most read one.
ZIPF_EXPONENT = 1.0
MIX_PICKS = 100_000  # the sequence of reads the mix's connections walk through
SIGNED_IN_EVERY = 20  # one read in 20 (5%) by a signed-in reader (with a session cookie and its hints)
POST_EVERY = 200  # one comment (its form's values, then its POST) after every 200 reads
APPROVALS = 20
VISIBLE_WITHIN_SECONDS = 10  # an approval not seen by then counts as this long
POLL_SECONDS = 0.01
WARMING_CLIENTS = 8
VARNISH_MEMORY = "2g"

# What browsers say they take: the mix's readers get pages compressed, as every browser does.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"

# The realistic mix: reads along a Zipf sequence of articles, some signed in, and after every {post_every} reads a
# comment: the values the form's script fetches when its reader starts on it (comments/views.py, form_values), then
# the post (POST_LUA's request, under another name), by browsers.
MIX_LUA = (
    POST_LUA.replace("request = function()", "post_request = function()")
    + r"""
reads = {}
for line in io.lines("{reads}") do table.insert(reads, line) end
sent = 0
request = function()
  sent = sent + 1
  if {post_every} > 0 then
    local step = sent % ({post_every} + 2)
    if step == {post_every} then
      return wrk.format("GET", "{values_url}", {["Accept-Encoding"] = "{encodings}"})
    elseif step == {post_every} + 1 then
      return post_request()
    end
  end
  local path = reads[(id * 7919 + sent) % #reads + 1]
  if {signed_in_every} > 0 and sent % {signed_in_every} == 3 then
    return formatted(signed_in, path, signed_in_headers)
  end
  return formatted(anonymous, path, anonymous_headers)
end
-- Each article's request is made once and sent again as made (wrk's advice: the client then spends on a read of
-- the mix what it spends on a read of one page).
anonymous, signed_in = {}, {}
anonymous_headers = {["Accept-Encoding"] = "{encodings}"}
signed_in_headers = {["Cookie"] = {cookie}, ["Accept-Encoding"] = "{encodings}"}
formatted = function(made, path, headers)
  local request = made[path]
  if request == nil then
    request = wrk.format("GET", path, headers)
    made[path] = request
  end
  return request
end
"""
)


def edge_environment(varnish_port: int) -> dict[str, str]:
    """What the app server needs to know with Varnish in front: what to purge, and where."""
    return {"EDGE_CACHE_BACKEND": "varnish", "EDGE_CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}"}


def start_varnish(bench: Bench) -> Varnish:
    log(f"Starting Varnish on port {bench.varnish_port} in front of the app…")
    # Room for every article of the full scale (10,000 pages of up to a few hundred KB): none evicted in the mix.
    return Varnish(backend_port=bench.port, port=bench.varnish_port, memory=VARNISH_MEMORY).start()


def measure(bench: Bench, varnish: Varnish) -> None:
    measure_article(bench, varnish)
    measure_mix(bench, varnish)
    measure_approvals(bench, varnish)


def measure_article(bench: Bench, varnish: Varnish) -> None:
    """The 200-comment article from Varnish's cache, read as the target reads it (asking for no compression), then as
    browsers do; then as a signed-in reader's browser does (the mix's signed-in reads)."""
    label = "Article, 200 comments, through Varnish"
    measure_article_as(bench, varnish, "article_edge", label, {})
    browsers = {"Accept-Encoding": BROWSER_ENCODINGS}
    measure_article_as(bench, varnish, "article_edge_browsers", f"{label}, browsers taking gzip", browsers)
    signed_in = browsers | {"Cookie": bench.cookie(READER)}
    measure_article_as(bench, varnish, "article_edge_signed_in", f"{label}, signed in, taking gzip", signed_in)


def measure_article_as(bench: Bench, varnish: Varnish, key: str, label: str, headers: dict[str, str]) -> None:
    path = bench.results["paths"]["article"]
    fetch(varnish.url + path, headers=headers)
    status, sent_headers, body = fetch(varnish.url + path, headers=headers)
    bare_key = measure_bare(bench, len(body), beside=label)
    bench.wrk(path, base=varnish.url, duration=1, headers=headers)
    log(f"{label}: {bench.connections} connections, {bench.duration}s…")
    since = varnish.counters("MAIN.cache_hit", "MAIN.cache_miss")
    figures = bench.wrk(path, base=varnish.url, headers=headers)
    bench.results["pages"][key] = {
        "label": label,
        "path": path,
        "user": None,
        "status": status,
        "bytes": len(body),
        "cache": sent_headers.get("X-Cache"),
        "bare_key": bare_key,
        **figures,
        **varnish.hit_ratio(since),
    }
    cache = sent_headers.get("X-Cache")
    log(f"  {figures['rps']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, {cache}")


def zipf_reads(paths: list[str], count: int, *, exponent: float = ZIPF_EXPONENT, seed: int = 13) -> list[str]:
    """``count`` reads of ``paths`` (most popular first) drawn by Zipf's law, the same for the same seed."""
    weights = [1 / rank**exponent for rank in range(1, len(paths) + 1)]
    return random.Random(seed).choices(paths, weights=weights, k=count)


def article_paths() -> list[str]:
    """Every published article, newest first: the newer an article, the more it is read."""
    from articles.models import Article

    slugs = Article.objects.published().order_by("-publish_at", "pk").values_list("slug", flat=True)
    return [f"/articles/{slug}/" for slug in slugs]


def mix_lua(bench: Bench, reads: list[str]) -> str:
    """MIX_LUA for one wrk run: its comments' bodies and emails new to the run (the same again would be refused as
    a duplicate of an earlier run's)."""
    bench.run_id = secrets.token_hex(4)
    reads_file = bench.tmp / "reads.txt"
    reads_file.write_text("\n".join(reads) + "\n")
    return (
        post_lua(bench, MIX_LUA)
        .replace("{reads}", str(reads_file))
        .replace("{post_every}", str(bench.options.mix_post_every))
        .replace("{signed_in_every}", str(bench.options.mix_signed_in_every))
        .replace("{cookie}", lua_string(bench.cookie(READER)))
        .replace("{encodings}", BROWSER_ENCODINGS)
        .replace("{values_url}", reverse("comments:form-values"))
    )


def mix_shares(bench: Bench) -> str:
    signed_in, posts = bench.options.mix_signed_in_every, bench.options.mix_post_every
    return ", ".join(
        (
            f"{1 / signed_in:.0%} signed in" if signed_in else "none signed in",
            f"1 comment POST per {posts}" if posts else "no comment POSTs",
        )
    )


def read_every_article_once(varnish: Varnish, paths: list[str]) -> None:
    """What a site in service has: every article in Varnish already (kept for an hour, until it changes), in the
    copy kept for browsers."""
    headers = {"Accept-Encoding": BROWSER_ENCODINGS}
    with ThreadPoolExecutor(max_workers=WARMING_CLIENTS) as pool:
        for _ in pool.map(lambda path: fetch(varnish.url + path, headers=headers), paths):
            pass


def measure_mix(bench: Bench, varnish: Varnish) -> None:
    """The mix through Varnish once every article was read (a site in service keeps them until they change): its
    throughput, and the hit ratio of the measured run alone."""
    paths = article_paths()
    reads = zipf_reads(paths, MIX_PICKS)
    label = f"Mix through Varnish: Zipf over {len(paths):,} articles, {mix_shares(bench)}, browsers taking gzip"
    log(f"{label}: every article read once, then {bench.connections} connections, {bench.duration}s…")
    read_every_article_once(varnish, paths)
    bench.wrk("/", base=varnish.url, lua_extra=mix_lua(bench, reads), duration=1)
    lua = mix_lua(bench, reads)
    since = varnish.counters("MAIN.cache_hit", "MAIN.cache_miss")
    figures = bench.wrk("/", base=varnish.url, lua_extra=lua)
    counted = varnish.hit_ratio(since) | varnish.counters("MAIN.n_object", "MAIN.n_lru_nuked")
    mean_bytes = figures["bytes_read"] // max(figures["requests"], 1)
    status = fetch(varnish.url + paths[0])[0]
    bench.results["pages"]["mix_edge"] = {
        "label": label,
        "path": f"{len(paths)} articles",
        "user": None,
        "status": status,
        "bytes": mean_bytes,  # the mean response, headers included
        "bare_key": measure_bare(bench, mean_bytes, beside=label),
        "articles": len(paths),
        **figures,
        **counted,
    }
    log(f"  {figures['rps']} req/s, hit ratio {counted['hit_ratio']}, {figures['errors']} errors")


def pending_comments(count: int) -> list:
    """Pending replies to public threads, one per published article: each shows, once approved, on the page of its
    thread (``shown_at()``), whichever page of the discussion that is."""
    from articles.models import Article
    from comments.models import Comment

    approved, pending = Comment.Status.APPROVED, Comment.Status.PENDING
    replies = Comment.objects.filter(
        status=pending, parent__status=approved, parent__parent=None, article__in=Article.objects.published()
    )
    found = {}
    for comment in replies.select_related("article").order_by("pk").iterator():
        found.setdefault(comment.article_id, comment)
        if len(found) == count:
            break
    return list(found.values())


def shown_at(comment) -> str:
    """The address of the page of the discussion that shows ``comment`` once it is public."""
    from comments.threads import page_of

    page = page_of(comment)
    return comment.article.get_absolute_url() + (f"?comments={page}" if page > 1 else "")


def measure_approvals(bench: Bench, varnish: Varnish) -> None:
    """A moderator approves a pending comment (the moderation service, as the admin's action does; the purge task
    run at once, the tasks backend of the bench); an anonymous reader polling the page of the article's discussion
    that shows it, through Varnish, sees it."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import override_settings

    from comments.models import Comment
    from comments.services import moderate

    moderator = get_user_model().objects.get(username=MODERATOR)
    seconds = []
    log(f"Approve → visible through Varnish: {APPROVALS} approvals…")
    with override_settings(EDGE_CACHE_BACKEND="varnish", EDGE_CACHE_PURGE_URLS=[varnish.url]):
        for comment in pending_comments(APPROVALS):
            url = varnish.url + shown_at(comment)
            fetch(url)
            cached = fetch(url)[1].get("X-Cache")
            started = time.monotonic()
            with transaction.atomic():
                moderate(Comment.objects.filter(pk=comment.pk), to_status=Comment.Status.APPROVED, actor=moderator)
            seconds.append(seen_after(url, shown_marker(comment), started) | {"cached_before": cached})
    bench.results["approve_visible"] = approval_figures(seconds)
    log(f"  p50 {bench.results['approve_visible']['p50_ms']} ms, p95 {bench.results['approve_visible']['p95_ms']} ms")


def shown_marker(comment) -> str:
    """What only a page showing ``comment`` holds: the id of its author's name (templates/comments/card.html)."""
    return f'id="by-{comment.pk}"'


def seen_after(url: str, marker: str, started: float) -> dict:
    """Poll ``url`` until its page holds ``marker``: the seconds since ``started``, and the polls it took."""
    polls = 0
    while time.monotonic() - started < VISIBLE_WITHIN_SECONDS:
        polls += 1
        if marker.encode() in fetch(url)[2]:
            return {"seconds": time.monotonic() - started, "polls": polls}
        time.sleep(POLL_SECONDS)
    return {"seconds": float(VISIBLE_WITHIN_SECONDS), "polls": polls, "timed_out": True}


def approval_figures(approvals: list[dict]) -> dict:
    seconds = sorted(approval["seconds"] for approval in approvals)
    cut = statistics.quantiles(seconds, n=20, method="inclusive") if len(seconds) > 1 else seconds * 19
    return {
        "approvals": len(seconds),
        "p50_ms": round(statistics.median(seconds) * 1000, 1) if seconds else None,
        "p95_ms": round(cut[18] * 1000, 1) if seconds else None,
        "max_ms": round(seconds[-1] * 1000, 1) if seconds else None,
        "timed_out": sum(1 for approval in approvals if approval.get("timed_out")),
        "hits_before": sum(1 for approval in approvals if approval["cached_before"] == "hit"),
    }
