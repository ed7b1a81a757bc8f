"""The results of a run: the machine it ran on, bench/results/<started>.json and the same figures as Markdown."""

import json
import os
import platform
import subprocess
from pathlib import Path

from .common import ROOT, VENV_BIN
from .servers import AppServer

RESULTS = ROOT / "bench" / "results"


def machine(redis_url: str, server: AppServer | None, reference: AppServer | None = None) -> dict:
    """The hardware and the versions of everything under test."""
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import redis

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    gunicorn = subprocess.run([str(VENV_BIN / "gunicorn"), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": get_version(),
        "postgresql": postgres,
        "redis": redis.Redis.from_url(redis_url).info("server")["redis_version"],
        "gunicorn": gunicorn,
        "workers": len(server.worker_rss()) if server else None,
        "reference_workers": len(reference.worker_rss()) if reference else None,
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0],
    }


REFERENCES = (
    "References, measured in this run: **× bare app**, a bare Django app (bench/reference/: startproject's settings "
    "and middleware, one view, no query) serving a static page of the page's size{measured} "
    "under the same gunicorn.conf.py; **× ceiling**, the site's own static page of the article's size through its "
    "whole stack."
)
# Until 2026-12-03 one bare page served every page within 5% of its size, measured when the first of them was.
MEASURED_BESIDE = ", measured beside each page (just before it; the mix's just after),"
MEASURED_ONCE = " (within 5%)"


def references(pages: dict) -> str:
    beside = any("bare_key" in figures for figures in pages.values())
    return REFERENCES.format(measured=MEASURED_BESIDE if beside else MEASURED_ONCE)


def markdown(results: dict, *, quick: bool, duration: int, connections: int) -> str:
    """The figures as Markdown; a run from before the bare app (no "bare" figures) as it was written then."""
    machine = results["machine"]
    with_bare = "bare" in results
    workers = f"{machine['workers']} sync workers"
    if with_bare:
        workers += f"; the bare app {machine.get('reference_workers')}"
    lines = [
        f"Run {results['started']} · scale {'quick' if quick else 'full'} {results['scale']} · "
        f"{duration}s per page, {connections} connections (wrk -t2)",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory_gb']} GB; Python "
        f"{machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']}, Redis "
        f"{machine['redis']}, {machine['gunicorn']} ({workers})",
        "",
    ]
    if with_bare:
        lines += [references(results["pages"]), "", *bare_table(results["bare"]), ""]
    lines += page_table(results["pages"], with_bare=with_bare)
    lines += ["", "| one client | p50 ms | p95 ms | p99 ms | req/s |", "| --- | ---: | ---: | ---: | ---: |"]
    for key, figures in results["single_client"].items():
        lines.append(
            f"| {results['pages'][key]['label']} | {figures['p50_ms']:.1f} | {figures['p95_ms']:.1f} | "
            f"{figures['p99_ms']:.1f} | {figures['rps']:.0f} |"
        )
    lines += edge_table(results)
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    for target in results["targets"]:
        lines.append(f"| {target['target']} | {target['measured']} | {'yes' if target['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def edge_table(results: dict) -> list[str]:
    """Varnish's hit ratios and how soon an approved comment shows through it (runs since issue 13)."""
    pages, approvals = results["pages"], results.get("approve_visible")
    if approvals is None and "mix_edge" not in pages:
        return []
    lines = ["", "| through Varnish | hits | misses | hit ratio |", "| --- | ---: | ---: | ---: |"]
    for key in ("article_edge", "article_edge_browsers", "article_edge_signed_in", "mix_edge"):
        if key in pages:
            figures = pages[key]
            ratio = f"{figures['hit_ratio']:.1%}" if figures["hit_ratio"] is not None else "—"
            lines.append(f"| {figures['label']} | {figures['hits']} | {figures['misses']} | {ratio} |")
    lines += cpu_table(results)
    if approvals:
        lines += [
            "",
            "| approved → seen through Varnish | approvals | p50 ms | p95 ms | max ms | not seen in 10 s |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| a moderator approves, an anonymous reader polls the article | {approvals['approvals']} | "
            f"{approvals['p50_ms']} | {approvals['p95_ms']} | {approvals['max_ms']} | {approvals['timed_out']} |",
        ]
    return lines


CPU_PARTS = ("app server", "Varnish", "PostgreSQL", "Redis", "load client")


def cpu_table(results: dict) -> list[str]:
    """The machine's CPU for each request of the mix, part by part, beside the bare app's measured after it."""
    mix = results["pages"].get("mix_edge")
    if not mix or "cpu_seconds" not in mix:
        return []
    bare = results["bare"][mix["bare_key"]]
    rows = [(mix["label"], mix, "app server"), (bare["label"], bare, "bare app")]
    lines = [
        "",
        "| CPU per request, µs | " + " | ".join(CPU_PARTS) + " | all |",
        "| --- |" + " ---: |" * (len(CPU_PARTS) + 1),
    ]
    for label, figures, server in rows:
        spent = figures["cpu_seconds"] | {"app server": figures["cpu_seconds"].get(server, 0.0)}
        per_request = [spent.get(part, 0.0) * 1e6 / max(figures["requests"], 1) for part in CPU_PARTS]
        lines.append(
            f"| {label} | " + " | ".join(f"{value:.0f}" for value in per_request) + f" | {sum(per_request):.0f} |"
        )
    return lines


def bare_table(bare: dict) -> list[str]:
    lines = [
        "| bare Django app | req/s | p50 ms | p99 ms | errors | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figures in bare.values():
        lines.append(
            f"| {figures['label']} | {figures['rps']:.0f} | {figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} | "
            f"{figures['errors']} | {figures['bytes']} |"
        )
    return lines


def page_table(pages: dict, *, with_bare: bool) -> list[str]:
    """Every page's figures; with the bare app, its ratio first, then the ceiling's."""
    bare_column = " × bare app |" if with_bare else ""
    lines = [
        f"| page | req/s |{bare_column} × ceiling | p50 ms | p99 ms | errors | SQL queries | bytes |",
        "| --- | ---: |" + (" ---: |" if with_bare else "") + " ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figures in pages.values():
        queries = figures.get("queries", "—")  # none counted through Varnish
        if "queries_cached" in figures:
            queries = f"{figures['queries_cached']} cached / {queries} miss"
        bare_ratio = figures.get("bare_ratio")
        bare_cell = (f" {bare_ratio:.2f} |" if bare_ratio is not None else " |") if with_bare else ""
        lines.append(
            f"| {figures['label']} | {figures['rps']:.0f} |{bare_cell} {figures['ratio']:.2f} | "
            f"{figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} | {figures['errors']} | {queries} | "
            f"{figures.get('bytes', '')} |"
        )
    return lines


def write(results: dict, text: str, *, quick: bool, partial: bool) -> Path:
    """The figures as JSON and ``text`` (their Markdown) beside it; the JSON file's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = results["started"].replace(":", "").replace("-", "")
    suffix = ("-quick" if quick else "") + ("-partial" if partial else "")
    path = RESULTS / f"{started}{suffix}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    path.with_suffix(".md").write_text(text)
    return path
