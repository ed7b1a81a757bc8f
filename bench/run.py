"""The benchmark (`make bench`, `make bench QUICK=1`): the production configuration under wrk, beside a ceiling.

Creates and migrates the bench database, generates the data (skipped when the same parameters were already
generated), starts gunicorn with the repository's gunicorn.conf.py against PostgreSQL and Redis with DEBUG off,
loads each page with wrk for a bounded time and writes bench/results/<timestamp>.json and .md. Every figure is
reported beside the ceiling (a static page of the same size through the same stack) measured in the same run.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
STATE = ROOT / "var" / "bench"
VENV_BIN = Path(sys.executable).parent

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soundtrack_bench"
QUICK_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soundtrack_bench_quick"  # the full set is kept apart
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"  # a Redis database of its own: flushed at the start of a run
READER, MODERATOR = "bench-reader", "bench-moderator"
POST_CLIENTS = 16
MEMORY_REQUESTS = 20_000

# Targets of issue 7: (key, description, check(results) -> (measured text, met)).
REPORT_LUA = r"""
threads = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
init = function(args)
  ok = 0
  bad = 0
  counter = 0
end
response = function(status, headers, body)
  if status < 400 then ok = ok + 1 else bad = bad + 1 end
end
done = function(summary, latency, requests)
  local ok_total, bad_total = 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    bad_total = bad_total + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"ok":%d,"bad":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, ok_total, bad_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max))
end
"""

# Comment POSTs: each request a fresh form token (signed by the run), a new body, and every other one from an
# email with earlier approved comments (published at once) or a new one (held for moderation).
POST_LUA = r"""
tokens = {}
for line in io.lines("{tokens}") do table.insert(tokens, line) end
slugs = { {slugs} }
request = function()
  counter = counter + 1
  local n = counter * 64 + id
  local token = tokens[(n % #tokens) + 1]
  local email
  if counter % 2 == 0 then email = "listener" .. (n % 5000) .. "%40example.com"
  else email = "bench-" .. id .. "-" .. counter .. "-{run}%40example.com" end
  local body = "author_name=Bench+reader&author_email=" .. email ..
    "&body=Posted+by+the+benchmark+" .. id .. "-" .. counter .. "-{run}+about+the+main+theme." ..
    "&favourite_track=&parent=&website=&form_token=" .. token
  local path = "/articles/" .. slugs[(counter % #slugs) + 1] .. "/comments/"
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""

# A mix of pages for the memory check, anonymous and signed in.
MIX_LUA = r"""
paths = { {paths} }
request = function()
  counter = counter + 1
  local entry = paths[(counter * 7 + id) % #paths + 1]
  local headers = {}
  if entry[2] ~= "" then headers["Cookie"] = entry[2] end
  return wrk.format("GET", entry[1], headers)
end
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Bench:
    def __init__(self, options):
        self.options = options
        self.quick = options.quick
        self.only = set(filter(None, options.only.split(",")))
        self.duration = options.duration or (3 if self.quick else 10)
        self.connections = options.connections
        self.port = options.port
        self.base = f"http://127.0.0.1:{self.port}"
        self.results: dict = {"pages": {}, "single_client": {}, "targets": []}
        self.server: subprocess.Popen | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))
        self.run_id = secrets.token_hex(4)

    # --- setting up -------------------------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        secret = ROOT / "var" / "secret-key"
        if not secret.exists():
            secret.parent.mkdir(exist_ok=True)
            secret.write_text(secrets.token_urlsafe(50) + "\n")
            secret.chmod(0o600)
        return {
            "DJANGO_SETTINGS_MODULE": "soundtrack_site.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECRET_KEY": secret.read_text().strip(),
            "DATABASE_URL": self.options.database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": self.options.redis_url,
            "SITE_URL": self.base,
            "EMAIL_URL": "dummymail://",
            "BENCH_ENABLED": "1",
            "COMMENTS_RATE_LIMIT": "1000000",
            "COMMENTS_MIN_SECONDS_TO_POST": "0",
            "GUNICORN_ACCESS_LOG": "",  # a proxy in front keeps the access log; here it would only cost time
            "DJANGO_LOG_LEVEL": "WARNING",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
        }

    def ensure_tools(self) -> None:
        if shutil.which("wrk"):
            return
        log("Installing wrk (Debian package)…")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)

    def ensure_database(self) -> None:
        import psycopg

        url = urllib.parse.urlsplit(self.options.database_url)
        name = url.path.lstrip("/")
        maintenance = url._replace(path="/postgres").geturl()
        with psycopg.connect(maintenance, autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                log(f"Creating the database {name}")
                connection.execute(f'CREATE DATABASE "{name}"')
        import redis

        redis.Redis.from_url(self.options.redis_url).flushdb()

    def setup_django(self) -> None:
        os.environ.update(self.environment())
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        import django

        django.setup()

    def prepare_data(self) -> None:
        from django.core.management import call_command

        from articles.models import Article
        from bench.generate import FULL, QUICK

        log("Migrating the bench database…")
        call_command("migrate", "--no-input", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)
        scale = (QUICK if self.quick else FULL).as_dict()
        self.results["scale"] = scale
        db_name = urllib.parse.urlsplit(self.options.database_url).path.strip("/")
        marker = STATE / f"{db_name}.json"
        if (
            not self.options.regenerate
            and marker.exists()
            and json.loads(marker.read_text()) == scale
            and Article.objects.count() == scale["articles"]
        ):
            log(f"Bench data already generated with these parameters ({marker}); kept.")
            self.results["generated_seconds"] = None
            # Earlier runs posted thousands of comments and sessions: tidy up as autovacuum would have by now,
            # so a run measures the site and not how many runs came before it.
            log("VACUUM ANALYZE…")
            self.vacuum_analyze()
            return
        log(f"Generating the bench data: {scale}")
        marker.unlink(missing_ok=True)
        started = time.monotonic()
        call_command("generate_bench_data", quick=self.quick, reset=True)
        self.results["generated_seconds"] = round(time.monotonic() - started, 1)
        STATE.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(scale))
        log("VACUUM ANALYZE…")
        self.vacuum_analyze()

    def vacuum_analyze(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:  # autocommit: VACUUM cannot run inside a transaction
            cursor.execute("VACUUM ANALYZE")

    def sessions(self) -> None:
        """A signed-in reader and a moderator, each with a session cookie."""
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.sessions.backends.cached_db import SessionStore

        users = get_user_model()
        self.cookies = {}
        for username, staff in ((READER, False), (MODERATOR, True)):
            user, _ = users.objects.update_or_create(
                username=username, defaults={"is_staff": staff, "email": f"{username}@example.com"}
            )
            user.set_unusable_password()
            user.save()
            if staff:
                user.groups.add(Group.objects.get(name="Moderators"))
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            self.cookies[username] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def pick_pages(self) -> None:
        from taggit.models import Tag

        from articles.models import Article
        from bench.generate import HOT_SLUG, MID_SLUG, SEARCH_PHRASE

        mid = Article.objects.prefetch_related("composers").select_related("work").get(slug=MID_SLUG)
        hot = Article.objects.select_related("work").get(slug=HOT_SLUG)
        composer = mid.composers.all()[0]
        tag = mid.tags.order_by("name").first() or Tag.objects.order_by("name").first()
        word = composer.name.split()[1].lower()  # a surname: found in its composer's articles
        title_word = max(hot.work.title.split(), key=len)
        misspelt = title_word[:2] + title_word[3:]  # one letter dropped: full text misses, similarity finds
        post_slugs = list(
            Article.objects.exclude(slug__in=[HOT_SLUG, MID_SLUG])
            .order_by("-publish_at")
            .values_list("slug", flat=True)[:16]
        )
        self.post_slugs = post_slugs
        article = f"/articles/{MID_SLUG}/"
        hot_path = f"/articles/{HOT_SLUG}/"
        search = "/search/?q="
        self.pages = [
            # key, label, path, cookie user (None: anonymous)
            ("home", "Home", "/", None),
            ("article", "Article, 200 comments", article, None),
            ("article_signed_in", "Article, 200 comments, signed in (uncached)", article, READER),
            ("hot", "Hot article, 1,000 comments", hot_path, None),
            ("hot_signed_in", "Hot article, signed in (uncached)", hot_path, READER),
            ("tag", "Tag", f"/tags/{tag.slug}/", None),
            ("tag_signed_in", "Tag, signed in (uncached)", f"/tags/{tag.slug}/", READER),
            ("composer", "Composer", composer.get_absolute_url(), None),
            ("composer_signed_in", "Composer, signed in (uncached)", composer.get_absolute_url(), READER),
            ("search_word", f"Search: {word}", search + urllib.parse.quote(word), None),
            ("search_phrase", f'Search: "{SEARCH_PHRASE}"', search + urllib.parse.quote(f'"{SEARCH_PHRASE}"'), None),
            ("search_misspelt", f"Search: {misspelt} (misspelt)", search + urllib.parse.quote(misspelt), None),
            ("feed", "RSS feed", "/feeds/rss/", None),
            ("feed_signed_in", "RSS feed, signed in (uncached)", "/feeds/rss/", READER),
            ("sitemap", "Sitemap", "/sitemap.xml", None),
            ("sitemap_signed_in", "Sitemap, signed in (uncached)", "/sitemap.xml", READER),
            ("moderation", "Moderation queue (moderator)", "/admin/comments/comment/", MODERATOR),
        ]
        self.results["paths"] = {key: path for key, _label, path, _user in self.pages}
        if self.only:
            self.pages = [page for page in self.pages if page[0] in self.only]

    def start_server(self) -> None:
        from django.db import connections

        connections.close_all()
        log("Starting gunicorn (gunicorn.conf.py)…")
        self.server_log = open(STATE / "gunicorn.log", "w")  # noqa: SIM115 (kept open while the server runs)
        self.server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**os.environ},
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            time.sleep(0.2)
            try:
                if self.fetch("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.server.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {STATE / 'gunicorn.log'}")
        raise SystemExit("gunicorn did not answer /healthz in 20 s")

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()

    # --- measuring ----------------------------------------------------------------------------------------------

    def fetch(self, path: str, user: str | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path)
        if user:
            request.add_header("Cookie", self.cookies[user])

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def wrk(self, path: str, *, user=None, connections=None, threads=2, duration=None, lua_extra="") -> dict:
        connections = connections or self.connections
        threads = min(threads, connections)
        script = self.tmp / f"wrk-{secrets.token_hex(4)}.lua"
        script.write_text(REPORT_LUA + lua_extra)
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration or self.duration}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
        ]
        if user:
            command += ["-H", f"Cookie: {self.cookies[user]}"]
        output = subprocess.run(command + [self.base + path], capture_output=True, text=True, check=True).stdout
        match = re.search(r"^BENCH_JSON (.*)$", output, re.M)
        if not match:
            raise RuntimeError(f"wrk gave no figures:\n{output}")
        raw = json.loads(match.group(1))
        if not raw["requests"]:  # nothing completed in time: no latency to report, and never a met target
            for name in ("p50_us", "p90_us", "p95_us", "p99_us"):
                raw[name] = float("inf")
        seconds = raw["duration_us"] / 1e6
        errors = sum(raw["errors"].values())
        return {
            "rps": round(raw["requests"] / seconds, 1),
            "p50_ms": raw["p50_us"] / 1000,
            "p90_ms": raw["p90_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000,
            "requests": raw["requests"],
            "ok": raw["ok"],
            "errors": errors,
            "error_detail": raw["errors"],
            "connections": connections,
        }

    def probe(self, key: str, path: str, user: str | None) -> dict:
        """One request for the status, size and query count (on a miss, then on a hit for anonymous pages)."""
        status, headers, body = self.fetch(path, user)
        info = {"status": status, "bytes": len(body), "queries": int(headers.get("X-Bench-Queries", -1))}
        if user is None:
            _status, headers, _body = self.fetch(path)
            info["cache"] = headers.get("X-Page-Cache", "—")
            info["queries_cached"] = int(headers.get("X-Bench-Queries", -1))
        if status != 200:
            log(f"  ! {key}: HTTP {status}")
        return info

    def measure_pages(self) -> None:
        # Another URL for the same page, so that the article's own cache entry is still cold for its probe.
        status, _headers, page = self.fetch(self.results["paths"]["article"] + "?size")
        self.ceiling_path = f"/bench/ceiling/?bytes={len(page)}"
        pages = [("ceiling", "Ceiling (static page, same size and stack)", self.ceiling_path, None), *self.pages]
        for key, label, path, user in pages:
            info = self.probe(key, path, user)
            self.wrk(path, user=user, duration=1)  # warm every worker
            log(f"{label}: {self.connections} connections, {self.duration}s…")
            figures = self.wrk(path, user=user)
            self.results["pages"][key] = {"label": label, "path": path, "user": user, **info, **figures}
            log(f"  {figures['rps']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, {info}")

    def measure_single_client(self) -> None:
        runs = [
            ("article_signed_in", "p50"),
            ("hot_signed_in", "p50"),
            ("search_word", "p95"),
            ("search_phrase", "p95"),
            ("search_misspelt", "p95"),
            ("moderation", "p50"),
        ]
        paths = {key: (path, user) for key, _label, path, user in self.pages}
        for key, _stat in runs:
            if key not in paths:
                continue
            path, user = paths[key]
            log(f"One client: {key}…")
            self.results["single_client"][key] = self.wrk(path, user=user, connections=1, threads=1)

    def measure_posts(self) -> None:
        from django.conf import settings

        from comments.forms import new_form_token
        from comments.models import Comment

        tokens = self.tmp / "tokens.txt"
        tokens.write_text("\n".join(urllib.parse.quote(new_form_token(), safe="") for _ in range(5000)) + "\n")
        lua = (
            POST_LUA.replace("{tokens}", str(tokens))
            .replace("{slugs}", ", ".join(lua_string(slug) for slug in self.post_slugs))
            .replace("{run}", self.run_id)
        )
        before = Comment.objects.count()
        log(f"Comment POST: {POST_CLIENTS} clients, {self.duration}s…")
        figures = self.wrk("/", connections=POST_CLIENTS, lua_extra=lua)
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
        status, headers, _body = self.post_once()
        figures["queries"] = int(headers.get("X-Bench-Queries", -1))
        figures["status"] = status
        figures["rate_limit"] = settings.COMMENTS_RATE_LIMIT
        self.results["pages"]["comment_post"] = figures
        log(f"  {figures['rps']} posts/s, {made} rows made, {figures['ok']} answered 302, lost {figures['lost']}")

    def post_once(self):
        from comments.forms import new_form_token

        data = urllib.parse.urlencode(
            {
                "author_name": "Bench reader",
                "author_email": f"probe-{self.run_id}@example.com",
                "body": f"One probe comment {self.run_id}.",
                "form_token": new_form_token(),
                "favourite_track": "",
                "parent": "",
                "website": "",
            }
        ).encode()
        request = urllib.request.Request(self.base + f"/articles/{self.post_slugs[0]}/comments/", data=data)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def worker_rss(self) -> dict[int, int]:
        """Resident memory (kB) of each gunicorn worker: the children of the master process."""
        rss = {}
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.server.pid):
                rss[int(fields["Pid"])] = int(fields["VmRSS"].split()[0])
        return rss

    def measure_memory(self) -> None:
        # Mostly what readers ask for most (cached pages), with uncached list pages and searches among them.
        mix = {"home", "article", "hot", "tag", "composer", "feed", "sitemap", "search_word", "composer_signed_in"}
        paths = [(path, self.cookies[user] if user else "") for key, _l, path, user in self.pages if key in mix]
        lua = MIX_LUA.replace("{paths}", ", ".join(f"{{{lua_string(p)}, {lua_string(c)}}}" for p, c in paths))
        before = self.worker_rss()
        done = 0
        wanted = MEMORY_REQUESTS // 10 if self.quick else MEMORY_REQUESTS
        log(f"Memory: {len(before)} workers, {sum(before.values()) // 1024} MB; {wanted:,} mixed requests…")
        while done < wanted:
            done += self.wrk("/", lua_extra=lua, duration=5)["requests"]
        after = self.worker_rss()
        growth = {pid: (after[pid] - kb) / kb for pid, kb in before.items() if pid in after}
        self.results["memory"] = {
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
        log(f"  max growth of a worker {self.results['memory']['max_growth']:.1%}")

    # --- reporting ------------------------------------------------------------------------------------------------

    def machine(self) -> dict:
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
        gunicorn = subprocess.run(
            [str(VENV_BIN / "gunicorn"), "--version"], capture_output=True, text=True
        ).stdout.strip()
        return {
            "nproc": os.cpu_count(),
            "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "cpu": cpu,
            "python": platform.python_version(),
            "django": get_version(),
            "postgresql": postgres,
            "redis": redis.Redis.from_url(self.options.redis_url).info("server")["redis_version"],
            "gunicorn": gunicorn,
            "workers": len(self.worker_rss()) if self.server else None,
            "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0],
        }

    def evaluate(self) -> None:
        pages, single = self.results["pages"], self.results["single_client"]
        if self.only:  # a partial run: the ratios, no verdicts
            for figures in pages.values():
                figures["ratio"] = round(figures["rps"] / pages["ceiling"]["rps"], 3)
            self.results["targets"] = []
            return
        ceiling = pages["ceiling"]["rps"]
        for figures in pages.values():
            figures["ratio"] = round(figures["rps"] / ceiling, 3) if ceiling else None
        public = [k for k, v in pages.items() if v.get("user") != MODERATOR and k not in ("ceiling", "comment_post")]
        worst_queries = max((pages[k]["queries"] for k in public), default=0)
        post = pages["comment_post"]
        memory = self.results["memory"]
        article, uncached, hot = pages["article"], single["article_signed_in"], single["hot_signed_in"]
        targets = [
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
            targets.append((f"{pages[key]['label']}: p95 < 50 ms, one client", f"{p95:.1f} ms", p95 < 50))
        moderation = single["moderation"]["p50_ms"]
        targets += [
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
        self.results["targets"] = [{"target": t, "measured": m, "met": bool(ok)} for t, m, ok in targets]

    def markdown(self) -> str:
        results = self.results
        machine = results["machine"]
        lines = [
            f"Run {results['started']} · scale {'quick' if self.quick else 'full'} {results['scale']} · "
            f"{self.duration}s per page, {self.connections} connections (wrk -t2)",
            "",
            f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory_gb']} GB; Python "
            f"{machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']}, Redis "
            f"{machine['redis']}, {machine['gunicorn']} ({machine['workers']} sync workers)",
            "",
            "| page | req/s | × ceiling | p50 ms | p99 ms | errors | SQL queries | bytes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for figures in results["pages"].values():
            queries = figures.get("queries")
            if "queries_cached" in figures:
                queries = f"{figures['queries_cached']} cached / {queries} miss"
            lines.append(
                f"| {figures['label']} | {figures['rps']:.0f} | {figures['ratio']:.2f} | {figures['p50_ms']:.1f} | "
                f"{figures['p99_ms']:.1f} | {figures['errors']} | {queries} | {figures.get('bytes', '')} |"
            )
        lines += ["", "| one client | p50 ms | p95 ms | p99 ms | req/s |", "| --- | ---: | ---: | ---: | ---: |"]
        for key, figures in results["single_client"].items():
            lines.append(
                f"| {results['pages'][key]['label']} | {figures['p50_ms']:.1f} | {figures['p95_ms']:.1f} | "
                f"{figures['p99_ms']:.1f} | {figures['rps']:.0f} |"
            )
        lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
        for target in results["targets"]:
            lines.append(f"| {target['target']} | {target['measured']} | {'yes' if target['met'] else '**no**'} |")
        return "\n".join(lines) + "\n"

    def write(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        started = self.results["started"].replace(":", "").replace("-", "")
        suffix = ("-quick" if self.quick else "") + ("-partial" if self.only else "")
        path = RESULTS / f"{started}{suffix}.json"
        path.write_text(json.dumps(self.results, indent=2, default=str) + "\n")
        path.with_suffix(".md").write_text(self.markdown())
        return path

    def run(self) -> Path | None:
        self.results["started"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.results["command"] = " ".join(["make bench"] + (["QUICK=1"] if self.quick else []))
        self.ensure_tools()
        self.ensure_database()
        self.setup_django()
        self.prepare_data()
        if self.options.data_only:
            log("Data ready (--data-only): no load run")
            return None
        self.sessions()
        self.pick_pages()
        self.start_server()
        try:
            self.results["machine"] = self.machine()
            self.measure_pages()
            self.measure_single_client()
            if not self.only or "memory" in self.only:
                self.measure_memory()
            if not self.only or "comment_post" in self.only:
                self.measure_posts()
        finally:
            self.stop_server()
        self.evaluate()
        path = self.write()
        print()
        print(self.markdown())
        log(f"Results: {path} and {path.with_suffix('.md')}")
        self.check_harness()
        return path

    def check_harness(self) -> None:
        """Missed targets are figures; a page that answers an error means the harness (or the site) is broken."""
        broken = [
            f"{figures['label']}: HTTP {figures.get('status')}, {figures['errors']} errors under load"
            for key, figures in self.results["pages"].items()
            if figures["errors"] or figures.get("status") != (302 if key == "comment_post" else 200)
        ]
        if broken:
            raise SystemExit("Broken pages in the benchmark:\n" + "\n".join(broken))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small scale, a few seconds per page")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--duration", type=int, default=None, help="seconds of load per page (10; 3 with --quick)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections for the throughput runs")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--regenerate", action="store_true", help="generate the data even if already there")
    parser.add_argument(
        "--only", default="", help="a partial run of these keys (e.g. article_signed_in,comment_post,memory)"
    )
    parser.add_argument("--data-only", action="store_true", help="create, migrate and fill the database, then stop")
    options = parser.parse_args()
    options.database_url = options.database_url or (QUICK_DATABASE_URL if options.quick else DEFAULT_DATABASE_URL)
    Bench(options).run()


if __name__ == "__main__":
    main()
