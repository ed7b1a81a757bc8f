"""What the bench measures: every page under wrk beside the bare Django app serving a page of its size, one client
for the latency targets, the article's weight, worker memory over a mix of pages, and comment POSTs."""

import gzip
import time
import urllib.parse

from .common import log
from .harness import Bench
from .wrk import MIX_LUA, POST_LUA, lua_string

POST_CLIENTS = 16
MEMORY_REQUESTS = 100_000  # a fiftieth in a quick run
# A page is read against a bare page already measured within this fraction of its size (their throughputs differ
# by less than the noise); else the bare app is measured at the page's own size.
# The pages of the latency targets (targets.py reads p50 or p95 of each), one client at a time.
SINGLE_CLIENT = ("article_own", "hot_own", "search_word", "search_phrase", "search_misspelt", "moderation")
# Mostly what readers ask for most (cached pages), with uncached list pages and searches among them.
MEMORY_MIX = {"home", "article", "hot", "tag", "composer", "feed", "sitemap", "search_word", "composer_signed_in"}


def probe(bench: Bench, key: str, path: str, user: str | None) -> dict:
    """One request for the status, size and query count (on a miss, then on a hit for anonymous pages)."""
    status, headers, body = bench.fetch(path, user)
    info = {"status": status, "bytes": len(body), "queries": int(headers.get("X-Bench-Queries", -1))}
    if user is None:
        _status, headers, _body = bench.fetch(path)
        info["cache"] = headers.get("X-Page-Cache", "—")
        info["queries_cached"] = int(headers.get("X-Bench-Queries", -1))
    if status != 200:
        log(f"  ! {key}: HTTP {status}")
    return info


def measure_pages(bench: Bench) -> None:
    # Another URL for the same page, so that the article's own cache entry is still cold for its probe.
    status, _headers, page = bench.fetch(bench.results["paths"]["article"] + "?size")
    ceiling_path = f"/bench/ceiling/?bytes={len(page)}"
    pages = [("ceiling", "Ceiling (static page, same size and stack)", ceiling_path, None), *bench.pages]
    for key, label, path, user in pages:
        info = probe(bench, key, path, user)
        bare_key = measure_bare(bench, info["bytes"], beside=label)
        bench.wrk(path, user=user, duration=1)  # warm every worker
        log(f"{label}: {bench.connections} connections, {bench.duration}s…")
        figures = bench.wrk(path, user=user)
        bench.results["pages"][key] = {
            "label": label,
            "path": path,
            "user": user,
            **info,
            "bare_key": bare_key,
            **figures,
        }
        log(f"  {figures['rps']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, {info}")


def measure_bare(bench: Bench, size: int, *, beside: str) -> str:
    """The bare Django app serving a page of ``size`` bytes under the same load, measured just before (or after)
    the page ``beside`` it is read against: the machine's speed drifts from minute to minute, and a reference
    measured minutes away would carry the drift into the ratio. The key of its figures in the results' "bare"."""
    base, path = bench.reference.base, f"/?bytes={size}"
    status, _headers, body = bench.reference_fetch(path)
    bench.wrk(path, base=base, duration=1)
    label = f"Bare Django app, {size:,} bytes, beside {beside}"
    log(f"{label}: {bench.connections} connections, {bench.duration}s…")
    figures = bench.wrk(path, base=base)
    key = str(size) if str(size) not in bench.results["bare"] else f"{size}-{len(bench.results['bare'])}"
    bench.results["bare"][key] = {"label": label, "path": path, "status": status, "bytes": len(body), **figures}
    log(f"  {figures['rps']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
    return key


def measure_page_weight(bench: Bench) -> None:
    """The 200-comment article as an anonymous reader's browser gets it: its HTML, and its body on the wire when
    the browser accepts compression (None when the site sends it uncompressed)."""
    path = bench.results["paths"]["article"]
    _status, _headers, html = bench.fetch(path)
    _status, headers, sent = bench.fetch(path, headers={"Accept-Encoding": "gzip, br"})
    encoding = headers.get("Content-Encoding")
    bench.results["page_weight"] = {
        "path": path,
        "html_bytes": len(html),
        "encoding": encoding,
        "wire_bytes": len(sent) if encoding else None,
        "gzip_bytes": len(gzip.compress(html, compresslevel=6)),  # what gzip at its usual level would send
    }
    log(f"Page weight of {path}: {bench.results['page_weight']}")


def measure_single_client(bench: Bench) -> None:
    paths = {page.key: (page.path, page.user) for page in bench.pages}
    for key in SINGLE_CLIENT:
        if key not in paths:
            continue
        path, user = paths[key]
        log(f"One client: {key}…")
        bench.results["single_client"][key] = bench.wrk(path, user=user, connections=1, threads=1)


def measure_memory(bench: Bench) -> None:
    paths = [(page.path, bench.cookie(page.user) or "") for page in bench.pages if page.key in MEMORY_MIX]
    lua = MIX_LUA.replace("{paths}", ", ".join(f"{{{lua_string(p)}, {lua_string(c)}}}" for p, c in paths))
    before = bench.server.worker_rss()
    done = 0
    wanted = MEMORY_REQUESTS // 50 if bench.quick else MEMORY_REQUESTS
    log(f"Memory: {len(before)} workers, {sum(before.values()) // 1024} MB; {wanted:,} mixed requests…")
    while done < wanted:
        done += bench.wrk("/", lua_extra=lua, duration=5)["requests"]
    after = bench.server.worker_rss()
    growth = {pid: (after[pid] - kb) / kb for pid, kb in before.items() if pid in after}
    bench.results["memory"] = {
        "requests": done,
        "workers_before": len(before),
        "workers_after": len(after),
        "same_workers": sorted(before) == sorted(after),
        "rss_kb_before": before,
        "rss_kb_after": after,
        "total_mb_before": round(sum(before.values()) / 1024, 1),
        "total_mb_after": round(sum(after.values()) / 1024, 1),
        "max_growth": round(max(growth.values(), default=0.0), 4),
    }
    log(f"  max growth of a worker {bench.results['memory']['max_growth']:.1%}")


def measure_posts(bench: Bench) -> None:
    from django.conf import settings

    from comments.models import Comment

    lua = post_lua(bench)
    before = Comment.objects.count()
    log(f"Comment POST: {POST_CLIENTS} clients, {bench.duration}s…")
    figures = bench.wrk("/", connections=POST_CLIENTS, lua_extra=lua)
    time.sleep(1)  # let requests in flight at the end finish
    after = Comment.objects.count()
    made = after - before
    figures.update(
        label=f"Comment POST ({POST_CLIENTS} clients)",
        path="/articles/<slug>/comments/",
        rows_before=before,
        rows_after=after,
        rows_made=made,
        # wrk stops mid-flight: at most one request per connection may be saved without being counted.
        lost=max(0, figures["ok"] - made),
        uncounted=max(0, made - figures["ok"]),
    )
    status, headers, _body = post_once(bench)
    figures["queries"] = int(headers.get("X-Bench-Queries", -1))
    figures["status"] = status
    figures["rate_limit"] = settings.COMMENTS_RATE_LIMIT
    bench.results["pages"]["comment_post"] = figures
    log(f"  {figures['rps']} posts/s, {made} rows made, {figures['ok']} answered 302, lost {figures['lost']}")


def post_lua(bench: Bench, script: str = POST_LUA) -> str:
    """POST_LUA (or a ``script`` that includes it) with 5,000 fresh form tokens (in a file), the articles to post to
    and this run's id."""
    from comments.forms import new_form_token

    tokens = bench.tmp / "tokens.txt"
    tokens.write_text("\n".join(urllib.parse.quote(new_form_token(), safe="") for _ in range(5000)) + "\n")
    return (
        script.replace("{tokens}", str(tokens))
        .replace("{slugs}", ", ".join(lua_string(slug) for slug in bench.post_slugs))
        .replace("{run}", bench.run_id)
    )


def post_once(bench: Bench) -> tuple[int, dict, bytes]:
    """One comment POST outside the load, for its status and query count."""
    data = comment_form(email=f"probe-{bench.run_id}@example.com", body=f"One probe comment {bench.run_id}.")
    return bench.fetch(f"/articles/{bench.post_slugs[0]}/comments/", data=data.encode())


def comment_form(*, email: str, body: str) -> str:
    """A new comment's form as the bench posts it (POST_LUA's fields), with a fresh form token, encoded."""
    from comments.forms import new_form_token

    fields = {"author_name": "Bench reader", "author_email": email, "body": body, "form_token": new_form_token()}
    return urllib.parse.urlencode(fields | {"favourite_track": "", "parent": "", "website": ""})
