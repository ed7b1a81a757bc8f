from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark harness: installed only when BENCH_ENABLED is on (see soundtrack_site/settings.py)."""

    name = "bench"
    verbose_name = "Benchmark harness"
