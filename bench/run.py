"""The benchmark (`make bench`, `make bench QUICK=1`): the production configuration under wrk, beside two references.

Creates and migrates the bench database, generates the data (skipped when the same parameters were already
generated), starts gunicorn with the repository's gunicorn.conf.py against PostgreSQL and Redis with DEBUG off,
loads each page with wrk for a bounded time and writes bench/results/<timestamp>.json and .md. Every throughput is
reported as a ratio to two references measured in the same run: first the bare Django app (bench/reference/:
startproject's settings and middleware, a static page of the same size, under the same gunicorn.conf.py on a port
of its own), then the site's own ceiling (a static page of the article's size through the site's whole stack).

The app server runs with Varnish in front (the repository's VCL), whose figures edge.py takes after the others.

The parts: database.py (the bench database and its data), servers.py (gunicorn), pages.py (what is read, as whom),
wrk.py (the load), scenarios.py (what is measured), edge.py (through Varnish), hanging_mail.py (posts while the
mail server hangs), targets.py (the verdicts), report.py (the results files).
"""

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from . import edge, hanging_mail, report, scenarios
from .common import free_port, log
from .database import ensure_database, prepare_data, setup_django
from .harness import Bench
from .pages import pick_pages, sign_in
from .servers import AppServer, environment, reference_server
from .targets import check_harness, evaluate
from .wrk import ensure_wrk

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soundtrack_bench"
QUICK_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soundtrack_bench_quick"  # the full set is kept apart
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"  # a Redis database of its own: flushed at the start of a run
# A quick run (short loads, small data, CI's busy machine) meets a throughput target within this margin.
QUICK_NOISE_MARGIN = 0.2
# What bench/edge.py measures (--only).
EDGE_KEYS = {"article_edge", "article_edge_browsers", "article_edge_signed_in", "mix_edge", "approve_visible"}


def run(bench: Bench) -> Path | None:
    """The whole run; the path of the results' JSON file (None with --data-only)."""
    options, results = bench.options, bench.results
    results["started"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    results["command"] = " ".join(["make bench"] + (["QUICK=1"] if bench.quick else []))
    if bench.quick:
        results["noise_margin"] = QUICK_NOISE_MARGIN
    ensure_wrk()
    ensure_database(options.database_url, options.redis_url)
    setup_django(environment(port=bench.port, database_url=options.database_url, redis_url=options.redis_url))
    results["scale"], results["generated_seconds"] = prepare_data(
        quick=bench.quick, database_url=options.database_url, regenerate=options.regenerate
    )
    if options.data_only:
        log("Data ready (--data-only): no load run")
        return None
    bench.cookies = sign_in()
    bench.pages, bench.post_slugs = pick_pages()
    results["paths"] = {page.key: page.path for page in bench.pages}
    if bench.only:
        bench.pages = [page for page in bench.pages if page.key in bench.only]
    measure(bench)
    evaluate(results, partial=bool(bench.only))
    text = report.markdown(results, quick=bench.quick, duration=bench.duration, connections=bench.connections)
    path = report.write(results, text, quick=bench.quick, partial=bool(bench.only))
    print()
    print(text)
    log(f"Results: {path} and {path.with_suffix('.md')}")
    check_harness(results)
    return path


def measure(bench: Bench) -> None:
    """Start the app server (with Varnish in front), and the bare Django app, take every measurement the run asks
    for, stop them."""
    bench.server = AppServer(bench.base, environment={**os.environ, **edge.edge_environment(bench.varnish_port)})
    bench.server.start()
    varnish = None
    try:
        bench.reference = reference_server(bench.reference_port).start()
        varnish = bench.varnish = edge.start_varnish(bench)
        bench.results["machine"] = report.machine(bench.options.redis_url, bench.server, bench.reference)
        scenarios.measure_pages(bench)
        scenarios.measure_single_client(bench)
        scenarios.measure_page_weight(bench)
        if not bench.only or "memory" in bench.only:
            scenarios.measure_memory(bench)
        if not bench.only or "comment_post" in bench.only:
            scenarios.measure_posts(bench)
        if not bench.only or bench.only & EDGE_KEYS:
            edge.measure(bench, varnish)
        if not bench.only or "mail_hangs" in bench.only:
            hanging_mail.measure(bench)
    finally:
        if varnish:
            varnish.stop()
        if bench.reference:
            bench.reference.stop()
        bench.server.stop()


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small scale, a few seconds per page")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--duration", type=int, default=None, help="seconds of load per page (10; 3 with --quick)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections for the throughput runs")
    parser.add_argument("--port", type=int, default=None, help="the site's port (default: a free one)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data even if already there")
    parser.add_argument(
        "--only", default="", help="a partial run of these keys (e.g. article_signed_in,comment_post,memory)"
    )
    parser.add_argument("--data-only", action="store_true", help="create, migrate and fill the database, then stop")
    parser.add_argument(
        "--mix-signed-in-every",
        type=int,
        default=edge.SIGNED_IN_EVERY,
        help="the mix's reads per signed-in one (0: none)",
    )
    parser.add_argument(
        "--mix-post-every", type=int, default=edge.POST_EVERY, help="the mix's reads per comment POST (0: none)"
    )
    options = parser.parse_args(argv)
    shares = (options.mix_signed_in_every, options.mix_post_every)
    if shares != (edge.SIGNED_IN_EVERY, edge.POST_EVERY) and not options.only:
        parser.error("another mix than the issue's is a partial run: give --only mix_edge")
    options.database_url = options.database_url or (QUICK_DATABASE_URL if options.quick else DEFAULT_DATABASE_URL)
    options.port = options.port or free_port()
    return options


def main() -> None:
    run(Bench(parse_options()))


if __name__ == "__main__":
    main()
