"""The verdicts of a run, each read from its figures, and the check that the harness itself worked.

A run with the bare Django app is judged by issue 14's targets, against the bare app of each page's size, and the
targets of issue 7 that no later one replaces; a run from before it (no "bare" figures) by issue 7's targets
against the ceiling, as it was then.
"""

from . import hanging_mail
from .pages import MODERATOR
from .scenarios import POST_CLIENTS

PAGE_WEIGHT_HTML_BYTES = 80_000
PAGE_WEIGHT_WIRE_BYTES = 20_000
# The signed-in list pages that must reach a quarter of the bare app of their size.
# Issue 13's targets through Varnish (bench/edge.py).
EDGE_ARTICLE_RATIO = 5
EDGE_MIX_RATIO = 3
EDGE_HIT_RATIO = 0.95
APPROVE_VISIBLE_P95_MS = 1000
SIGNED_IN_LISTS = (("tag", "Tag"), ("composer", "Composer"), ("feed", "RSS feed"), ("sitemap", "Sitemap"))


def evaluate(results: dict, *, partial: bool) -> None:
    """Every page's throughput as a ratio of the ceiling's and of the bare app's of its size; then the targets
    (none for a partial run)."""
    pages, bare = results["pages"], results.get("bare")
    ceiling = pages["ceiling"]["rps"]
    for figures in pages.values():
        figures["ratio"] = round(figures["rps"] / ceiling, 3) if ceiling else None
        if bare is not None and ("bare_key" in figures or "bare_bytes" in figures):
            # Results before 2026-12-03 named the bare page by its size alone ("bare_bytes").
            reference = bare[figures.get("bare_key") or str(figures["bare_bytes"])]["rps"]
            figures["bare_ratio"] = round(figures["rps"] / reference, 3) if reference else None
    if partial:  # a partial run: the ratios, no verdicts
        results["targets"] = []
        return
    found = bare_app_targets(results) if bare is not None else ceiling_targets(results)
    results["targets"] = [{"target": t, "measured": m, "met": bool(ok)} for t, m, ok in found]


def bare_app_targets(results: dict) -> list[tuple[str, str, bool]]:
    """Issue 14's targets, then issue 7's latency and query targets (target, what was measured, met)."""
    margin = results.get("noise_margin", 0)

    def ratio(key: str, label: str, wanted: float) -> tuple[str, str, bool]:
        measured = results["pages"][key].get("bare_ratio") or 0.0
        return (
            f"{label} ≥ {wanted}× bare app of its size{within(margin, wanted, '×')}",
            f"{measured:.2f}×",
            measured >= wanted * (1 - margin),
        )

    return [
        ratio("article", "Anonymous article (200 comments) from the page cache", 0.8),
        ratio("article_signed_in", "Article (200 comments), signed in", 0.15),
        ratio("hot_signed_in", "Hot article (1,000 comments), signed in", 0.08),
        *(ratio(f"{key}_signed_in", f"{name}, signed in", 0.25) for key, name in SIGNED_IN_LISTS),
        *latency_targets(results),
        post_target(results, margin),
        *page_weight_targets(results.get("page_weight")),
        memory_target(results["memory"], 0.05),
        *kept_targets(results),
        # Issue 13's, in the runs that measured them (Varnish in front, the mail server hanging).
        *(edge_targets(results, margin) if "approve_visible" in results else []),
        *([hanging_mail.target(results["mail_hangs"])] if "mail_hangs" in results else []),
    ]


def edge_targets(results: dict, margin: float) -> list[tuple[str, str, bool]]:
    """Issue 13's figures through Varnish: the cached article, the realistic mix and its hit ratio, and how soon an
    approved comment shows."""
    pages, approvals = results["pages"], results["approve_visible"]
    article, mix = pages["article_edge"].get("bare_ratio") or 0.0, pages["mix_edge"].get("bare_ratio") or 0.0
    hit_ratio = pages["mix_edge"]["hit_ratio"] or 0.0
    return [
        (
            f"Article (200 comments) through Varnish ≥ {EDGE_ARTICLE_RATIO}× bare app of its size"
            f"{within(margin, EDGE_ARTICLE_RATIO, '×')}",
            f"{article:.2f}×",
            article >= EDGE_ARTICLE_RATIO * (1 - margin),
        ),
        (
            f"{pages['mix_edge']['label']} ≥ {EDGE_MIX_RATIO}× bare app{within(margin, EDGE_MIX_RATIO, '×')}",
            f"{mix:.2f}×",
            mix >= EDGE_MIX_RATIO * (1 - margin),
        ),
        (f"Varnish hit ratio in the mix ≥ {EDGE_HIT_RATIO:.0%}", f"{hit_ratio:.1%}", hit_ratio >= EDGE_HIT_RATIO),
        (
            f"Approved comment seen through Varnish: p95 < {APPROVE_VISIBLE_P95_MS:,} ms ({approvals['approvals']} "
            "approvals)",
            f"p50 {approvals['p50_ms']:.0f} ms, p95 {approvals['p95_ms']:.0f} ms" if approvals["approvals"] else "none",
            bool(approvals["approvals"]) and approvals["p95_ms"] < APPROVE_VISIBLE_P95_MS,
        ),
    ]


def within(margin: float, wanted: float, unit: str) -> str:
    """How a quick run reads a throughput target: its margin for noise, said in the target."""
    return f" (quick run: ≥ {wanted * (1 - margin):.3g}{unit}, a {margin:.0%} margin for noise)" if margin else ""


def latency_targets(results: dict) -> list[tuple[str, str, bool]]:
    pages, single = results["pages"], results["single_client"]
    found = []
    for key in ("search_word", "search_phrase", "search_misspelt"):
        p95 = single[key]["p95_ms"]
        found.append((f"{pages[key]['label']}: p95 < 30 ms, one client", f"{p95:.1f} ms", p95 < 30))
    moderation = single["moderation"]["p50_ms"]
    found.append(("Moderation queue p50 < 100 ms, one client", f"{moderation:.1f} ms", moderation < 100))
    return found


def post_target(results: dict, margin: float) -> tuple[str, str, bool]:
    post = results["pages"]["comment_post"]
    return (
        f"Comment POST ≥ 200/s with {POST_CLIENTS} clients, none lost{within(margin, 200, '/s')}",
        f"{post['rps']:.0f}/s, {post['lost']} lost, {post['errors']} errors",
        post["rps"] >= 200 * (1 - margin) and post["lost"] == 0 and post["errors"] == 0,
    )


def page_weight_targets(weight: dict | None) -> list[tuple[str, str, bool]]:
    """The 200-comment article's HTML and its compressed body on the wire."""
    if weight is None:
        return [("Page weight of the 200-comment article", "not measured", False)]
    html, wire = weight["html_bytes"], weight["wire_bytes"]
    sent = (
        f"{wire / 1000:.1f} KB ({weight['encoding']})"
        if wire is not None
        else f"not compressed (gzip would send {weight['gzip_bytes'] / 1000:.1f} KB)"
    )
    return [
        ("Article (200 comments) ≤ 80 KB of HTML", f"{html / 1000:.1f} KB", html <= PAGE_WEIGHT_HTML_BYTES),
        (
            "Article (200 comments) ≤ 20 KB on the wire, compressed",
            sent,
            wire is not None and wire <= PAGE_WEIGHT_WIRE_BYTES,
        ),
    ]


def memory_target(memory: dict, growth: float) -> tuple[str, str, bool]:
    return (
        f"Worker RSS within {growth:.0%} over {memory['requests']:,} requests",
        f"+{memory['max_growth']:.1%} at most",
        memory["max_growth"] <= growth and memory["same_workers"],
    )


def kept_targets(results: dict) -> list[tuple[str, str, bool]]:
    """Issue 7's targets that no later one replaces: one client's latency on the article pages, the query budget."""
    pages, single = results["pages"], results["single_client"]
    uncached, hot = (single[rendered_key(single, key)] for key in ("article", "hot"))
    return [
        ("Uncached article (200 comments) p50 < 15 ms, one client", f"{uncached['p50_ms']:.1f} ms",
         uncached["p50_ms"] < 15),
        ("Hot article (1,000 comments) p50 < 40 ms, one client, uncached", f"{hot['p50_ms']:.1f} ms",
         hot["p50_ms"] < 40),
        query_target(pages),
    ]  # fmt: skip


def rendered_key(figures: dict, page: str) -> str:
    """The key of the page rendered for its reader: ``article_own`` since signed-in readers share the cached article;
    runs from before measured it as ``article_signed_in``."""
    return f"{page}_own" if f"{page}_own" in figures else f"{page}_signed_in"


def query_target(pages: dict) -> tuple[str, str, bool]:
    public = [
        k
        for k, v in pages.items()
        if v.get("user") != MODERATOR and k not in ("ceiling", "comment_post") and "queries" in v
    ]
    worst_queries = max((pages[k]["queries"] for k in public), default=0)
    return ("Every public page ≤ 10 SQL queries", f"{worst_queries} at most", worst_queries <= 10)


def ceiling_targets(results: dict) -> list[tuple[str, str, bool]]:
    """Issue 7's targets, against the ceiling: how the runs from before the bare app were judged."""
    pages, single = results["pages"], results["single_client"]
    post = pages["comment_post"]
    memory = results["memory"]
    article = pages["article"]
    found = [
        ("Anonymous article from cache ≥ 0.7× ceiling req/s", f"{article['ratio']:.2f}×", article["ratio"] >= 0.7),
        (
            "Uncached article (200 comments) ≥ 0.10× ceiling req/s",
            f"{pages[rendered_key(pages, 'article')]['ratio']:.2f}×",
            pages[rendered_key(pages, "article")]["ratio"] >= 0.10,
        ),
        *kept_targets(results),
    ]
    for key in ("search_word", "search_phrase", "search_misspelt"):
        p95 = single[key]["p95_ms"]
        found.append((f"{pages[key]['label']}: p95 < 50 ms, one client", f"{p95:.1f} ms", p95 < 50))
    moderation = single["moderation"]["p50_ms"]
    found += [
        ("Moderation queue p50 < 300 ms, one client", f"{moderation:.1f} ms", moderation < 300),
        (
            f"Comment POST ≥ 100/s with {POST_CLIENTS} clients, none lost",
            f"{post['rps']:.0f}/s, {post['lost']} lost, {post['errors']} errors",
            post["rps"] >= 100 and post["lost"] == 0 and post["errors"] == 0,
        ),
        memory_target(memory, 0.10),
    ]
    if "mail_hangs" in results:
        found.append(hanging_mail.target(results["mail_hangs"]))
    return found


def check_harness(results: dict) -> None:
    """Missed targets are figures; a page that answers an error, or a bare page not of the size asked for, means
    the harness (or the site) is broken."""
    broken = [
        f"{figures['label']}: HTTP {figures.get('status')}, {figures['errors']} errors under load"
        for key, figures in results["pages"].items()
        if figures["errors"] or figures.get("status") != (302 if key == "comment_post" else 200)
    ]
    broken += [
        f"{figures['label']}: HTTP {figures['status']}, {figures['bytes']} bytes, {figures['errors']} errors under load"
        for figures in results.get("bare", {}).values()
        if figures["errors"] or figures["status"] != 200 or figures["bytes"] != int(figures["path"].split("=")[-1])
    ]
    if broken:
        raise SystemExit("Broken pages in the benchmark:\n" + "\n".join(broken))
