"""The options of `python -m bench.run`: where the bench data lives by default, and what overrides it."""

from bench.run import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, QUICK_DATABASE_URL, parse_options


def test_the_full_and_the_quick_scale_keep_their_data_in_databases_of_their_own(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)

    assert parse_options([]).database_url == DEFAULT_DATABASE_URL
    assert parse_options(["--quick"]).database_url == QUICK_DATABASE_URL
    assert parse_options(["--quick"]).redis_url == DEFAULT_REDIS_URL


def test_the_environment_and_the_options_override_the_defaults(monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/elsewhere")
    monkeypatch.setenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")

    options = parse_options(["--quick"])
    assert options.database_url == "postgres://postgres@127.0.0.1:5432/elsewhere"
    assert options.redis_url == "redis://127.0.0.1:6379/9"

    options = parse_options(["--database-url", "postgres://postgres@127.0.0.1:5432/mine", "--redis-url", "redis://x/1"])
    assert (options.database_url, options.redis_url) == ("postgres://postgres@127.0.0.1:5432/mine", "redis://x/1")
