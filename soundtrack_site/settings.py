"""Settings for the soundtrack site.

Every value that differs between a laptop and production is read here, from the environment, and nowhere
else. See docs/CONFIGURATION.md (and the README) for the variables.
"""

import os
import re
from datetime import timedelta
from email.utils import formataddr, parseaddr
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from articles.players import frame_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Development settings for commands typed by hand: `make run` writes .env (debug on, a secret key of this clone's
# own; .env.example lists what else may go there). A variable set in the environment wins over the file. Nothing
# else writes it, so production has none; the test suite, and every process it starts, never reads it.
ENV_FILE = BASE_DIR / ".env"
if ENV_FILE.is_file() and "PYTEST_VERSION" not in os.environ:
    env.read_env(ENV_FILE, overwrite=False)


def email_addresses(variable: str) -> list[str]:
    """The addresses in a comma-separated variable (``Ana <ana@example.org>, ops@example.org``), as Django's
    ADMINS takes them; a name with a comma is quoted (``"Ng, Mary" <mary@example.org>``)."""
    items = [item.strip() for item in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', env.str(variable, default=""))]
    addresses = {item: parseaddr(item) for item in items if item}
    if invalid := [item for item, (_name, address) in addresses.items() if "@" not in address]:
        raise ImproperlyConfigured(f"{variable}: not an email address: {', '.join(invalid)}")
    return [formataddr(pair) for pair in addresses.values()]


DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DJANGO_DEBUG=1 for local development (`make run` does this for you)."
        )
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

# How many reverse proxies in front of the app append to X-Forwarded-For (0: take REMOTE_ADDR as the client).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "soundtrack_site.apps.SiteAdminConfig",  # Django's admin, with the guards of soundtrack_site/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "soundtrack_site.apps.TagsConfig",  # django-taggit, called "Tags" in the admin
    "axes",
    "reversion",
    "pagecache",
    "replicas",
    "taskqueue",  # before django_tasks_db: its db_worker command adds the heartbeat to the library's
    "django_tasks_db",
    "mailing",
    "privacy",
    "articles",
    "comments",
    "follows",
]

MIDDLEWARE = [
    # ETags, and 304 for cached pages too (a 304 carries the validators and caching headers alone: the browser
    # keeps the security headers of the page it revalidated).
    "django.middleware.http.ConditionalGetMiddleware",
    "pagecache.middleware.CompressionMiddleware",  # gzip for pages the page cache did not send compressed
    "pagecache.middleware.PerViewSlotsMiddleware",  # each view its own comment-form token, cached pages included
    # Whole pages; signed-in readers share those that read no session. Readers without a session get its hits
    # before Django (pagecache/wsgi.py). Outside the security headers' middleware, so that a kept page keeps them
    # (a hit passes through none of them) and a host the site does not serve is refused inside them.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "replicas.middleware.ReplicaReadsMiddleware",  # before every middleware that reads (replicas/middleware.py)
    "soundtrack_site.middleware.SessionMiddleware",  # Django's, a database outage told apart (docs/RELIABILITY.md)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "soundtrack_site.reader_slots.ReaderHintsMiddleware",  # the reader slots' hints, on signing in or out
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Sign-in attempts are throttled by django-axes: AXES_FAILURE_LIMIT failures from one client IP lock it out for
# AXES_COOLOFF_MINUTES (HTTP 429). Attempts are recorded in the database, shared by every app server.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "throttling.clients.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "soundtrack_site.urls"
WSGI_APPLICATION = "soundtrack_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "soundtrack_site.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user:pass@host:5432/name); an SQLite file under var/ by default.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# An SQLite connection is a file kept open, and opening one costs more than a cached page: keep it (the database
# cache reads it on every page view).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600 if _sqlite else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if _sqlite:
    VAR_DIR.mkdir(exist_ok=True)
    # Several processes write to the file (the database cache, `manage.py` commands while a server runs): a
    # transaction takes the write lock as it begins, so a second writer waits for it rather than failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# Connections to PostgreSQL (docs/SCALING.md, "Connections"). DATABASE_POOL=1: each process keeps a pool of open
# connections (psycopg's, through Django; DATABASE_POOL_MAX_SIZE per process, a sync worker needs one) instead of
# DATABASE_CONN_MAX_AGE. DATABASE_PGBOUNCER=1: the URLs point at PgBouncer in transaction mode, which rules out
# server-side cursors and prepared statements.
DATABASE_POOL = env.bool("DATABASE_POOL", default=False)
DATABASE_POOL_MIN_SIZE = env.int("DATABASE_POOL_MIN_SIZE", default=1)
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=4)
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=10)
DATABASE_PGBOUNCER = env.bool("DATABASE_PGBOUNCER", default=False)
if (DATABASE_POOL or DATABASE_PGBOUNCER) and _sqlite:
    raise ImproperlyConfigured("DATABASE_POOL and DATABASE_PGBOUNCER need PostgreSQL as DATABASE_URL")


def _connections(database: dict) -> dict:
    """A PostgreSQL database's settings with the connection handling chosen above."""
    if DATABASE_POOL:
        database["CONN_MAX_AGE"] = 0  # the pool keeps them; Django refuses both
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": DATABASE_POOL_MIN_SIZE,
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": DATABASE_POOL_TIMEOUT,
        }
    if DATABASE_PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None
    else:
        # No JIT compiling: it pays off for long analytical queries, and the site's take milliseconds, but a query
        # whose plan merely looks dear (words matched in full text) spent 100 ms compiling. PgBouncer refuses
        # startup options: behind it, set it on the database (docs/SCALING.md, "Connections").
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return database


if not _sqlite:
    _connections(DATABASES["default"])

# Read replicas (replicas/, docs/SCALING.md): DATABASE_REPLICA_URLS lists streaming replicas of DATABASE_URL, comma-
# separated (add ?connect_timeout=2 to each so that a host that went away is given up quickly). Public pages' safe
# requests read from one of them (replica_1, replica_2...), unless it lags more than DATABASE_REPLICA_MAX_LAG_SECONDS
# or does not answer (checked every DATABASE_REPLICA_CHECK_SECONDS by each process); a client that wrote reads from the
# primary for DATABASE_READ_YOUR_WRITES_SECONDS. Empty (the default): no replicas, every read from the primary.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
if DATABASE_REPLICA_URLS and _sqlite:
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs PostgreSQL as DATABASE_URL")
DATABASE_REPLICAS = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASE_REPLICAS.append(f"replica_{_number}")
    DATABASES[f"replica_{_number}"] = _connections(
        env.db_url_config(_url)
        | {
            "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"MIRROR": "default"},  # the test suite reads its replicas from its own database
        }
    )
DATABASE_ROUTERS = ["replicas.router.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=1)
DATABASE_READ_YOUR_WRITES_SECONDS = env.int("DATABASE_READ_YOUR_WRITES_SECONDS", default=10)
# What replicas serve: the apps whose tables public pages read (never sessions, the cache's tables, the task queue or
# the sign-in throttle), outside these paths; and when the latest change was made, which a replica must hold.
DATABASE_REPLICA_APPS = ["articles", "comments", "taggit", "auth", "contenttypes"]
DATABASE_REPLICA_EXCLUDED_PREFIXES = ("/admin/", "/healthz")
DATABASE_REPLICA_LATEST_CHANGE = "pagecache.stamps.latest_change"

# Cache: Redis when REDIS_URL is set (shared by every app server). Without it, tables in the database, shared by every
# process that uses it (gunicorn's workers, runserver, `manage.py import_articles`), created by `migrate`
# (pagecache/apps.py); DJANGO_CACHE_IN_MEMORY=1 keeps it in each process's memory instead (the test suite: one process,
# and the query budgets count the database's queries, not the cache's).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        # Pages, sessions' cache, search-free reads: served from the database when Redis is down.
        "default": {"BACKEND": "soundtrack_site.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
        # Rate-limit counters: errors reach the rate limiter, which fails open or closed as configured.
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedClientRedisCache", "LOCATION": REDIS_URL},
    }
elif env.bool("DJANGO_CACHE_IN_MEMORY", default=False):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
    }
else:
    # Room for a big article's comment cards; past it, a third of the entries go (stamps included: all is stale).
    CACHES = {
        "default": {
            "BACKEND": "soundtrack_site.cache.SharedDatabaseCache",
            "LOCATION": "cache_default",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedDatabaseCache", "LOCATION": "cache_ratelimit"},
    }

# Sessions live in the cache (Redis in production) with the database behind it: no query on most requests.
SESSION_ENGINE = "soundtrack_site.session_store"  # Django's cached_db, new keys drawn without asking first
SESSION_COOKIE_NAME = "sessionid"
# The comments a browser posted, signed (comments/own_comments.py).
COMMENTS_OWN_COOKIE_NAME = "own_comments"
# What a page may show its reader alone is held in these: the page cache shares no page with a reader who has one
# unless its rendering read none of them (pagecache/middleware.py), and the edge passes such a reader on.
PAGE_CACHE_READER_COOKIES = (SESSION_COOKIE_NAME, COMMENTS_OWN_COOKIE_NAME)

# Email: EMAIL_URL (smtp+tls://user:password@host:587); the console in development, a local relay otherwise.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_options = {}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _email_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or "",
        "password": _email["EMAIL_HOST_PASSWORD"] or "",
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Soundtrack site <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks (django.tasks): side work kept out of requests (moderators' mail, search-index rebuilds). TASKS_BACKEND=database
# queues them in the database for `manage.py db_worker` (production: docs/DEPLOYMENT.md); "immediate", the default,
# runs each at once in the process that asked, so development needs no worker.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _task_backends:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_task_backends)}, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": _task_backends[TASKS_BACKEND]}}
# A failed task that retries (taskqueue/retries.py) runs at most TASKS_MAX_ATTEMPTS times, the first retry after
# TASKS_RETRY_DELAY_SECONDS and each next one after twice the wait of the one before.
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=5)
TASKS_RETRY_DELAY_SECONDS = env.float("TASKS_RETRY_DELAY_SECONDS", default=30)
# Each worker records a heartbeat this often; the task of a worker silent for three beats (killed, its machine
# gone) is queued again (taskqueue/recovery.py).
TASKS_WORKER_HEARTBEAT_SECONDS = env.float("TASKS_WORKER_HEARTBEAT_SECONDS", default=5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Hashed, compressed file names for production (needs `collectstatic`); plain files in development and tests.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collected files, WhiteNoise serves straight from the apps' and project's static folders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
# Uploads (covers, composer photos) go through STORAGES["default"]: these folders in development, object storage
# in production (docs/SCALING.md). DJANGO_MEDIA_URL may be a full URL (a CDN or a bucket's public address).
MEDIA_URL = env.str("DJANGO_MEDIA_URL", default="media/")
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Security. Behind HTTPS (the production default) cookies are secure, HTTP redirects to HTTPS and HSTS is sent.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=HTTPS)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):  # the proxy terminates TLS and says so in this header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Content Security Policy: our templates carry no inline script or style, so none is allowed. Its frame-src (the
# featured tracks' players) follows from LISTENING_LINK_HOSTS, below.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https:", "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The HTTP cache in front of the app (pagecache/edge.py, deploy/varnish/): "varnish" (or the dotted path of an
# EdgeCache) purges the pages of whatever changes at each of EDGE_CACHE_PURGE_URLS, through a task tried up to
# EDGE_CACHE_PURGE_ATTEMPTS times; empty (the default): no edge, nothing sent.
EDGE_CACHE_BACKEND = env.str("EDGE_CACHE_BACKEND", default="")
EDGE_CACHE_PURGE_URLS = env.list("EDGE_CACHE_PURGE_URLS", default=[])
EDGE_CACHE_PURGE_TIMEOUT = env.float("EDGE_CACHE_PURGE_TIMEOUT", default=2.0)
EDGE_CACHE_PURGE_ATTEMPTS = env.int("EDGE_CACHE_PURGE_ATTEMPTS", default=5)

# The anonymous page cache (pagecache/): how long shared caches (the edge) may keep a page (long when the edge is
# purged on every change, a minute when nothing purges it), and seconds the app keeps it (0 turns it off). With an
# edge, the app keeps a page as long as the edge does: the readers the edge passes on (with comments of their own)
# get the shared copy of any page the edge still holds, not a page rendered again after five minutes. Browsers
# revalidate every time (max-age=0, with the ETag), never bounded by either.
PAGE_CACHE_SHARED_MAX_AGE = env.int("PAGE_CACHE_SHARED_MAX_AGE", default=60 * 60 if EDGE_CACHE_BACKEND else 60)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=PAGE_CACHE_SHARED_MAX_AGE if EDGE_CACHE_BACKEND else 300)
# With Redis, each process holds the page cache's stamps and versions while Redis tells it of every change to them
# (pagecache/tracked.py): a hit makes no round trip. Off: every hit asks Redis.
PAGE_CACHE_TRACKING = env.bool("PAGE_CACHE_TRACKING", default=True)
# Search is left out: its queries are endless (a cache-filling vector) and its index is refreshed on commit.
# Static files are WhiteNoise's, never looked up.
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/comments/", "/healthz", "/search/", f"/{STATIC_URL}")
# What the page cache asks the apps (it imports none of them): when the next scheduled change is due (a callable
# returning a datetime or None), and the slots each view of a page fills with a fresh value (name: callable).
PAGECACHE_NEXT_SCHEDULED_CHANGE = "articles.publishing.next_scheduled_publication"
PAGECACHE_PER_VIEW_SLOTS = {"form_token": "comments.forms.new_form_token"}
# ...and the reader slots, filled from the request itself on every response (name: callable taking the request).
PAGECACHE_READER_SLOTS = {
    name: f"soundtrack_site.reader_slots.{name}"
    for name in ("staff_links", "comment_author_name", "comment_author_email", "csrf_input")
}
# ...and whether a page that asks must be rendered for its reader alone, not sent from the shared copy.
PAGECACHE_OWN_PAGE_CHECK = "soundtrack_site.reader_slots.needs_own_page"

SITE_NAME = env.str("SITE_NAME", default="Soundtrack Notes")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")  # for links in emails

# The MusicBrainz web service, for importing a work's track list (articles/musicbrainz/). Its rules ask each
# application to name itself with a version and a contact in the User-Agent, and to send at most one request a
# second (the site holds to it across processes through the "ratelimit" cache); a 503 is waited out up to
# MUSICBRAINZ_ATTEMPTS times, never longer than MUSICBRAINZ_MAX_WAIT_SECONDS at once. An editor's request waits for
# all of it: every attempt, wait and back-off end within MUSICBRAINZ_DEADLINE_SECONDS (with the pacing's own few
# seconds, under gunicorn's 30), after which the editor is told to try again.
MUSICBRAINZ_URL = env.str("MUSICBRAINZ_URL", default="https://musicbrainz.org").rstrip("/")
MUSICBRAINZ_USER_AGENT = env.str("MUSICBRAINZ_USER_AGENT", default=f"{''.join(SITE_NAME.split())}/1.0 ( {SITE_URL} )")
MUSICBRAINZ_TIMEOUT = env.float("MUSICBRAINZ_TIMEOUT", default=10.0)
MUSICBRAINZ_ATTEMPTS = env.int("MUSICBRAINZ_ATTEMPTS", default=3)
MUSICBRAINZ_DEADLINE_SECONDS = env.float("MUSICBRAINZ_DEADLINE_SECONDS", default=20)
MUSICBRAINZ_MAX_WAIT_SECONDS = env.float("MUSICBRAINZ_MAX_WAIT_SECONDS", default=5.0)

# The site's own rules, each overridable from the environment.
ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=10)
READING_WORDS_PER_MINUTE = env.int("READING_WORDS_PER_MINUTE", default=230)
FEEDS_FULL_TEXT = env.bool("FEEDS_FULL_TEXT", default=False)  # whole articles in feeds; the standfirst otherwise
FEEDS_ITEMS = env.int("FEEDS_ITEMS", default=20)
LISTENING_LINK_HOSTS = env.list(
    "LISTENING_LINK_HOSTS",
    default=[
        "youtube.com",
        "youtu.be",
        "music.youtube.com",
        "open.spotify.com",
        "music.apple.com",
        "bandcamp.com",
        "soundcloud.com",
        "tidal.com",
        "deezer.com",
    ],
)
# A featured track's player, loaded on the reader's click (articles/players.py), comes from its provider's exact
# origin: the page may frame those of the providers allowed above, and nothing else.
SECURE_CSP["frame-src"] = frame_origins(LISTENING_LINK_HOSTS)

# Images editors upload (articles/images.py): JPEG, PNG or WebP, checked by content; at most IMAGE_MAX_BYTES and
# IMAGE_MAX_DIMENSION pixels on each side, at least the minimum size of their use; resized on save to each of
# IMAGE_RENDITION_WIDTHS (no wider than the original) for srcset.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
IMAGE_MAX_DIMENSION = env.int("IMAGE_MAX_DIMENSION", default=8000)
COVER_IMAGE_MIN_WIDTH = env.int("COVER_IMAGE_MIN_WIDTH", default=800)
COVER_IMAGE_MIN_HEIGHT = env.int("COVER_IMAGE_MIN_HEIGHT", default=400)
COMPOSER_PHOTO_MIN_WIDTH = env.int("COMPOSER_PHOTO_MIN_WIDTH", default=320)
COMPOSER_PHOTO_MIN_HEIGHT = env.int("COMPOSER_PHOTO_MIN_HEIGHT", default=320)
IMAGE_RENDITION_WIDTHS = env.list("IMAGE_RENDITION_WIDTHS", cast=int, default=[480, 960, 1600])

TAGGIT_CASE_INSENSITIVE = True

# Who is emailed the errors of requests (a 500's traceback) and security checks, when debug is off.
ADMINS = email_addresses("DJANGO_ADMINS")

# Logging: every record is one line on the console (stderr, for the process manager to keep) with its time, level and
# logger. Errors of requests and of security checks also go by email to ADMINS, and to Sentry when SENTRY_DSN is set.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"console": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "without_traceback": {"()": "soundtrack_site.log_filters.WithoutTraceback"},
        "not_forged_hosts": {"()": "soundtrack_site.log_filters.Except", "loggers": ["django.security.DisallowedHost"]},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "console"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "not_forged_hosts"],
        },
    },
    "loggers": {
        # Django's records reach the root's console handler like every other: no handler of their own (Django's
        # default ones write lines without time, level or logger), and runserver's request lines (django.server) too.
        "django": {"handlers": [], "level": "NOTSET"},
        "django.server": {"handlers": [], "level": "NOTSET", "propagate": True},
        # Requests' warnings and errors (4xx, 5xx) and security checks: at WARNING and up, whatever DJANGO_LOG_LEVEL
        # says. They propagate, so the root's console handler writes them (once) and tests can capture them.
        "django.request": {"handlers": ["mail_admins"], "level": "WARNING"},
        "django.security": {"handlers": ["mail_admins"], "level": "WARNING"},
        # Scanners send forged Host headers all day: one line each, not a traceback, and no email.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Error reports (unhandled exceptions, error log records) to Sentry, when SENTRY_DSN is set; nothing otherwise.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=None),  # unset: no performance tracing
        send_default_pii=False,  # no readers' addresses, cookies or user names
        max_request_body_size="never",  # nor what forms sent (commenters' emails)
    )
    ignore_logger("django.security.DisallowedHost")  # forged Host headers are the scanners', not ours to fix

# Comments: threading, limits and moderation rules. Lists are comma-separated in the environment.
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=3)
COMMENTS_THREADS_PER_PAGE = env.int("COMMENTS_THREADS_PER_PAGE", default=19)
COMMENTS_EDIT_WINDOW_MINUTES = env.int("COMMENTS_EDIT_WINDOW_MINUTES", default=15)
# Reports from this many client addresses (an IPv6 /64 counts as one) send an approved comment back to the queue,
# unless a moderator approved it: then they only ask the moderators to look again (docs/MODERATION.md).
COMMENTS_REPORTS_TO_REVIEW = env.int("COMMENTS_REPORTS_TO_REVIEW", default=3)
COMMENTS_REPORT_RATE_LIMIT = env.int("COMMENTS_REPORT_RATE_LIMIT", default=10)  # reports per client address...
COMMENTS_REPORT_RATE_LIMIT_WINDOW_SECONDS = env.int("COMMENTS_REPORT_RATE_LIMIT_WINDOW_SECONDS", default=60 * 60)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=0)  # 0: never close by age
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_LINK_ALLOWLIST = env.list(
    "COMMENTS_LINK_ALLOWLIST",
    default=[
        "youtube.com", "youtu.be", "open.spotify.com", "music.apple.com", "bandcamp.com", "soundcloud.com",
        "tidal.com", "deezer.com", "musicbrainz.org", "wikipedia.org", "wikidata.org", "discogs.com",
        "imdb.com", "igdb.com", "vgmdb.net",
    ],
)  # fmt: skip
COMMENTS_MODERATION_TERMS = env.list("COMMENTS_MODERATION_TERMS", default=[])
COMMENTS_BLOCK_TERMS = env.list(
    "COMMENTS_BLOCK_TERMS",
    default=["viagra", "cialis", "casino bonus", "payday loan", "replica watches", "crypto giveaway"],
)
COMMENTS_SPAM_FILE_EXTENSIONS = env.list(
    "COMMENTS_SPAM_FILE_EXTENSIONS", default=[".mp3", ".flac", ".wav", ".ogg", ".m4a", ".aac", ".torrent"]
)
COMMENTS_MIN_SECONDS_TO_POST = env.int("COMMENTS_MIN_SECONDS_TO_POST", default=3)
COMMENTS_MAX_FORM_AGE_SECONDS = env.int("COMMENTS_MAX_FORM_AGE_SECONDS", default=24 * 60 * 60)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", default=5)  # comments per client IP, and per email...
# When the rate-limit store (Redis) is down: let comments through (open) or refuse them with a 503 (closed).
COMMENTS_RATE_LIMIT_FAIL_OPEN = env.bool("COMMENTS_RATE_LIMIT_FAIL_OPEN", default=True)
COMMENTS_RATE_LIMIT_WINDOW_SECONDS = env.int("COMMENTS_RATE_LIMIT_WINDOW_SECONDS", default=60)  # ...per window
COMMENTS_DUPLICATE_WINDOW_MINUTES = env.int("COMMENTS_DUPLICATE_WINDOW_MINUTES", default=24 * 60)
COMMENTS_MODERATOR_EMAILS = env.list("COMMENTS_MODERATOR_EMAILS", default=[])  # default: the Moderators group
COMMENTS_NOTIFY_EVERY_MINUTES = env.int("COMMENTS_NOTIFY_EVERY_MINUTES", default=10)
# Replies: a commenter who asked is told of approved replies, at most once per thread in this many minutes (later
# replies wait and are gathered into the next email).
COMMENTS_REPLY_NOTICE_MINUTES = env.int("COMMENTS_REPLY_NOTICE_MINUTES", default=60)
# Confirming the email address by a link before moderation: "off", "new" (addresses with no approved comment yet)
# or "always". A comment still unconfirmed after COMMENTS_UNCONFIRMED_DAYS is deleted.
COMMENTS_CONFIRM_EMAIL = env.str("COMMENTS_CONFIRM_EMAIL", default="off")
if COMMENTS_CONFIRM_EMAIL not in ("off", "new", "always"):
    raise ImproperlyConfigured(f"COMMENTS_CONFIRM_EMAIL must be off, new or always, not {COMMENTS_CONFIRM_EMAIL!r}")
COMMENTS_UNCONFIRMED_DAYS = env.int("COMMENTS_UNCONFIRMED_DAYS", default=7)
# Privacy (docs/PRIVACY.md): comments' IP addresses are cleared after this many days; an erased commenter's comments
# are "anonymised" (kept, without name, email, address or browser) or "deleted" (a deleted comment with replies
# stays as an empty placeholder, so that the thread keeps its shape).
COMMENTS_IP_RETENTION_DAYS = env.int("COMMENTS_IP_RETENTION_DAYS", default=30)
PRIVACY_ERASURE = env.str("PRIVACY_ERASURE", default="anonymise")
if PRIVACY_ERASURE not in ("anonymise", "delete"):
    raise ImproperlyConfigured(f"PRIVACY_ERASURE must be anonymise or delete, not {PRIVACY_ERASURE!r}")
# Links sent by mail that act (confirm an address, download one's data, erase it) work this many hours.
MAIL_LINK_HOURS = env.int("MAIL_LINK_HOURS", default=48)
# Every page that sends mail (or stops it) counts requests per client network and per address in this window.
MAIL_RATE_LIMIT_PER_CLIENT = env.int("MAIL_RATE_LIMIT_PER_CLIENT", default=10)
MAIL_RATE_LIMIT_PER_ADDRESS = env.int("MAIL_RATE_LIMIT_PER_ADDRESS", default=3)
MAIL_RATE_LIMIT_WINDOW_SECONDS = env.int("MAIL_RATE_LIMIT_WINDOW_SECONDS", default=60 * 60)

# The benchmark harness (bench/, `make bench`): its app (data generator), the /bench/ceiling/ page and a query-count
# header (soundtrack_site/wsgi.py). Never on in production.
BENCH_ENABLED = env.bool("BENCH_ENABLED", default=False)
if BENCH_ENABLED:
    INSTALLED_APPS += ["bench"]
