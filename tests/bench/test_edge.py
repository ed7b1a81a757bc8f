"""The pieces of the Varnish figures that need no timing: the Zipf reads, the hit ratio read from a real Varnish's
varnishstat, and the results with the new rows."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import edge, report, targets
from reliability.servers import ToolMissing
from reliability.varnish import Varnish

COMMITTED = Path(report.__file__).resolve().parent / "results"
PATHS = [f"/articles/article-{rank}/" for rank in range(1, 101)]


def test_zipf_reads_come_from_the_paths_the_most_popular_first_and_the_same_for_the_same_seed():
    reads = edge.zipf_reads(PATHS, 50_000)
    counts = Counter(reads)

    assert len(reads) == 50_000 and set(reads) <= set(PATHS)
    assert counts.most_common(1)[0][0] == PATHS[0]
    assert 1.7 < counts[PATHS[0]] / counts[PATHS[1]] < 2.3  # rank 2 is read half as often as rank 1
    assert 7 < counts[PATHS[0]] / counts[PATHS[9]] < 13  # rank 10 a tenth as often
    assert edge.zipf_reads(PATHS, 1000) == edge.zipf_reads(PATHS, 1000)
    assert edge.zipf_reads(PATHS, 1000, seed=1) != edge.zipf_reads(PATHS, 1000)


class CacheablePage(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<p>A page shared caches may keep.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Cache-Control", "max-age=0, s-maxage=60")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def varnish():
    backend = ThreadingHTTPServer(("127.0.0.1", 0), CacheablePage)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    try:
        started = Varnish(backend_port=backend.server_address[1]).start()
    except ToolMissing as missing:
        pytest.fail(str(missing))
    yield started
    started.stop()
    backend.shutdown()


def test_the_hit_ratio_is_read_from_varnishstat_of_the_running_varnish(varnish):
    from bench.servers import fetch

    since = varnish.counters("MAIN.cache_hit", "MAIN.cache_miss")
    answers = [fetch(varnish.url + path)[1]["X-Cache"] for path in ("/a", "/a", "/a", "/b")]

    assert answers == ["miss", "hit", "hit", "miss"]
    assert varnish.hit_ratio(since) == {"hits": 2, "misses": 2, "hit_ratio": 0.5}
    assert varnish.hit_ratio()["hits"] >= 2


def test_the_mix_reads_every_article_as_a_browser_does_and_warms_the_copy_browsers_get(varnish):
    """Browsers take gzip: Varnish keeps their copy apart (deploy/varnish/default.vcl), so a mix warmed and read
    without saying so would measure a copy no reader gets."""
    from bench.servers import fetch

    edge.read_every_article_once(varnish, ["/warmed"])

    assert fetch(varnish.url + "/warmed", headers={"Accept-Encoding": edge.BROWSER_ENCODINGS})[1]["X-Cache"] == "hit"
    reads = edge.MIX_LUA.split("request = function()")[-1]
    assert reads.count('["Accept-Encoding"] = "{encodings}"') == 3  # both reads and the form's values


def edge_run() -> dict:
    """The first quick run with the bare app, as if Varnish had been in front of it too."""
    results = json.loads((COMMITTED / "20261202T211655Z-quick.json").read_text())
    figures = {"p50_ms": 0.6, "p99_ms": 14.7, "errors": 0, "status": 200, "user": None, "bare_bytes": 135170}
    results["pages"]["article_edge"] = figures | {
        "label": "Article, 200 comments, through Varnish",
        "rps": 1575.0,
        "bytes": 135170,
        "hits": 23407,
        "misses": 3,
        "hit_ratio": 0.9999,
    }
    results["pages"]["mix_edge"] = figures | {
        "label": "Mix through Varnish: Zipf over 300 articles, 5% signed in, 1 comment POST per 200",
        "rps": 630.0,
        "bytes": 135170,
        "hits": 9700,
        "misses": 300,
        "hit_ratio": 0.97,
    }
    results["approve_visible"] = {
        "approvals": 20,
        "p50_ms": 72.4,
        "p95_ms": 128.7,
        "max_ms": 180.1,
        "timed_out": 0,
        "hits_before": 20,
    }
    return results


def test_a_run_through_varnish_is_judged_by_the_edge_targets_and_shows_its_rows():
    results = edge_run()

    targets.evaluate(results, partial=False)
    lines = report.markdown(results, quick=True, duration=3, connections=8).splitlines()

    found = {target["target"]: (target["measured"], target["met"]) for target in results["targets"]}
    assert found[
        "Article (200 comments) through Varnish ≥ 5× bare app of its size (quick run: ≥ 4×, a 20% margin for noise)"
    ] == ("5.00×", True)  # 1575 / 315 req/s
    assert found["Varnish hit ratio in the mix ≥ 95%"] == ("97.0%", True)
    assert found["Approved comment seen through Varnish: p95 < 1,000 ms (20 approvals)"] == (
        "p50 72 ms, p95 129 ms",
        True,
    )
    assert "| Article, 200 comments, through Varnish | 1575 | 5.00 | 12.52 | 0.6 | 14.7 | 0 | — | 135170 |" in lines
    assert found[
        "Mix through Varnish: Zipf over 300 articles, 5% signed in, 1 comment POST per 200 ≥ 3× bare app "
        "(quick run: ≥ 2.4×, a 20% margin for noise)"
    ] == ("2.00×", False)  # 630 / 315 req/s
    assert (
        "| Mix through Varnish: Zipf over 300 articles, 5% signed in, 1 comment POST per 200 | 9700 | 300 | 97.0% |"
        in lines
    )
    assert "| a moderator approves, an anonymous reader polls the article | 20 | 72.4 | 128.7 | 180.1 | 0 |" in lines


@pytest.mark.django_db
def test_the_approval_marker_is_on_the_article_once_its_comment_is_approved_and_not_before(client):
    from comments.models import Comment
    from comments.services import moderate
    from tests.utils.factories import ArticleFactory, CommentFactory

    article = ArticleFactory()
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    marker = edge.shown_marker(comment).encode()
    assert marker not in client.get(article.get_absolute_url()).content

    moderate(Comment.objects.filter(pk=comment.pk), to_status=Comment.Status.APPROVED, actor=None)

    assert marker in client.get(article.get_absolute_url()).content


class CountingPage(BaseHTTPRequestHandler):
    """Answers every request, and counts them by method and by whether a session cookie came with them, and the
    form values asked for (before each post, as the form's script does)."""

    counted: Counter = Counter()
    values_fetched = 0

    def _answer(self):
        if self.command == "POST":
            self.rfile.read(int(self.headers["Content-Length"]))
        CountingPage.counted[(self.command, "sessionid=" in self.headers.get("Cookie", ""))] += 1
        CountingPage.values_fetched += self.path == "/comments/form/"
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], {"posts": 1 / 200, "signed_in": 1 / 20, "label": "5% signed in, 1 comment POST per 200"}),
        (["--mix-post-every", "0"], {"posts": 0, "signed_in": 1 / 20, "label": "5% signed in, no comment POSTs"}),
        (["--mix-signed-in-every", "0"], {"posts": 1 / 200, "signed_in": 0, "label": "none signed in, 1 comment"}),
    ],
)
def test_the_mix_sends_the_shares_of_signed_in_reads_and_posts_it_is_given(db, tmp_path, options, expected):
    """The mix taken apart (--mix-signed-in-every, --mix-post-every) still reads and posts as the whole one does."""
    from bench.harness import Bench
    from bench.run import parse_options

    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    CountingPage.counted.clear()
    CountingPage.values_fetched = 0
    bench = Bench(parse_options(["--quick", "--only", "mix_edge", *options]))
    bench.cookies, bench.post_slugs = {"bench-reader": "sessionid=reader"}, ["an-article"]
    try:
        bench.wrk("/", base=f"http://127.0.0.1:{server.server_address[1]}", lua_extra=edge.mix_lua(bench, PATHS))
    finally:
        server.shutdown()

    counted = CountingPage.counted
    requests = sum(counted.values())
    assert requests > 2_000
    assert counted[("POST", False)] / requests == pytest.approx(expected["posts"], abs=0.002)
    assert counted[("GET", True)] / requests == pytest.approx(expected["signed_in"], abs=0.01)
    assert (counted[("POST", False)] == 0) == (expected["posts"] == 0)
    assert (counted[("GET", True)] == 0) == (expected["signed_in"] == 0)
    assert counted[("POST", True)] == 0
    # Each post after its form's values (a wrk thread may stop between the two).
    assert 0 <= CountingPage.values_fetched - counted[("POST", False)] <= 2
    assert expected["label"] in edge.mix_shares(bench)


def test_another_mix_than_the_issues_is_only_a_partial_run():
    from bench.run import parse_options

    with pytest.raises(SystemExit):
        parse_options(["--mix-post-every", "0"])
    assert parse_options(["--only", "mix_edge", "--mix-post-every", "0"]).mix_post_every == 0


def test_an_approval_is_watched_on_the_page_of_the_discussion_that_will_show_it(db, client, settings):
    """The approvals through Varnish: pending replies under public threads, wherever their thread's page is."""
    from comments.models import Comment
    from comments.services import moderate
    from tests.utils.factories import ArticleFactory, CommentFactory

    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = ArticleFactory()
    threads = [CommentFactory(article=article) for _ in range(3)]  # the third thread is on page 2
    waiting = CommentFactory(parent=threads[2], status=Comment.Status.PENDING)
    CommentFactory(parent=CommentFactory(article=ArticleFactory(), status=Comment.Status.PENDING))  # not public
    CommentFactory(article=ArticleFactory(), status=Comment.Status.PENDING)  # a thread: its page is not known yet

    assert edge.pending_comments(20) == [waiting]
    address = edge.shown_at(waiting)
    assert address == f"{article.get_absolute_url()}?comments=2"
    assert edge.shown_marker(waiting) not in client.get(address).content.decode()

    moderate(Comment.objects.filter(pk=waiting.pk), to_status=Comment.Status.APPROVED, actor=None)

    assert edge.shown_marker(waiting) in client.get(address).content.decode()
