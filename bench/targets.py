"""The targets of issue 7, each read from the figures of a run, and the check that the harness itself worked."""

from . import hanging_mail
from .pages import MODERATOR
from .scenarios import POST_CLIENTS


def evaluate(results: dict, *, partial: bool) -> None:
    """Every page's throughput as a ratio of the ceiling's; then the targets (none for a partial run)."""
    pages = results["pages"]
    if partial:  # a partial run: the ratios, no verdicts
        for figures in pages.values():
            figures["ratio"] = round(figures["rps"] / pages["ceiling"]["rps"], 3)
        results["targets"] = []
        return
    ceiling = pages["ceiling"]["rps"]
    for figures in pages.values():
        figures["ratio"] = round(figures["rps"] / ceiling, 3) if ceiling else None
    results["targets"] = [{"target": t, "measured": m, "met": bool(ok)} for t, m, ok in targets(results)]


def targets(results: dict) -> list[tuple[str, str, bool]]:
    """(target, what was measured, met) for each target, in the order of the report."""
    pages, single = results["pages"], results["single_client"]
    public = [k for k, v in pages.items() if v.get("user") != MODERATOR and k not in ("ceiling", "comment_post")]
    worst_queries = max((pages[k]["queries"] for k in public), default=0)
    post = pages["comment_post"]
    memory = results["memory"]
    article, uncached, hot = pages["article"], single["article_signed_in"], single["hot_signed_in"]
    found = [
        ("Anonymous article from cache ≥ 0.7× ceiling req/s", f"{article['ratio']:.2f}×", article["ratio"] >= 0.7),
        (
            "Uncached article (200 comments) ≥ 0.10× ceiling req/s",
            f"{pages['article_signed_in']['ratio']:.2f}×",
            pages["article_signed_in"]["ratio"] >= 0.10,
        ),
        ("Uncached article (200 comments) p50 < 15 ms, one client", f"{uncached['p50_ms']:.1f} ms",
         uncached["p50_ms"] < 15),
        ("Hot article (1,000 comments) p50 < 40 ms, one client, uncached", f"{hot['p50_ms']:.1f} ms",
         hot["p50_ms"] < 40),
        ("Every public page ≤ 10 SQL queries", f"{worst_queries} at most", worst_queries <= 10),
    ]  # fmt: skip
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
        (
            f"Worker RSS within 10% over {memory['requests']:,} requests",
            f"+{memory['max_growth']:.1%} at most",
            memory["max_growth"] <= 0.10 and memory["same_workers"],
        ),
    ]
    if "mail_hangs" in results:
        found.append(hanging_mail.target(results["mail_hangs"]))
    return found


def check_harness(results: dict) -> None:
    """Missed targets are figures; a page that answers an error means the harness (or the site) is broken."""
    broken = [
        f"{figures['label']}: HTTP {figures.get('status')}, {figures['errors']} errors under load"
        for key, figures in results["pages"].items()
        if figures["errors"] or figures.get("status") != (302 if key == "comment_post" else 200)
    ]
    if broken:
        raise SystemExit("Broken pages in the benchmark:\n" + "\n".join(broken))
