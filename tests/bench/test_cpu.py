"""The CPU each part of the machine spends under a load (bench/cpu.py): a server's processes and those they start,
PostgreSQL's by name, Redis's, and the load client's; and the mix's table of them beside the bare app's."""

import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection

from bench import cpu, report, wrk
from bench.harness import Bench
from bench.run import parse_options
from bench.servers import AppServer
from tests.utils.caches import REDIS_URL
from tests.utils.local_http import serving

SPIN = "import time\nstarted = time.process_time()\nwhile time.process_time() - started < {seconds}: pass\n"


def test_a_server_is_counted_with_the_processes_it_started():
    worker = SPIN.format(seconds=0.4) + "time.sleep(60)\n"
    master = f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', {worker!r}])\ntime.sleep(60)\n"
    server = subprocess.Popen([sys.executable, "-c", master], start_new_session=True)
    try:
        shares = cpu.Shares(trees={"server": server.pid}, named={})
        shares.start()
        deadline = time.monotonic() + 10
        while (spent := shares.stop())["server"] < 0.35 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()

    assert 0.3 <= spent["server"] < 2  # (read in clock ticks)


def test_the_load_client_is_counted_once_it_ended():
    shares = cpu.Shares(trees={}, named={})
    shares.start()
    subprocess.run([sys.executable, "-c", SPIN.format(seconds=0.3)], check=True)
    spent = shares.stop()

    assert 0.25 <= spent["load client"] < 2


def test_redis_is_counted_from_its_own_account():
    client = redis.Redis.from_url(REDIS_URL)
    shares = cpu.Shares(trees={}, named={}, redis_url=REDIS_URL)
    shares.start()
    client.eval("local n = 0 for i = 1, 20000000 do n = n + i end return 1", 0)  # some tenths of a second
    spent = shares.stop()

    assert spent["Redis"] > 0.05


@pytest.mark.django_db
def test_postgresql_is_counted_by_the_name_of_its_processes():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's processes; run the suite with DATABASE_URL=postgres://...")
    shares = cpu.Shares(trees={}, named={"PostgreSQL": "postgres"})
    shares.start()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 5000000)")
    spent = shares.stop()

    assert spent["PostgreSQL"] > 0


def test_every_load_of_the_bench_carries_what_each_part_of_the_machine_spent():
    wrk.ensure_wrk()
    bench = Bench(parse_options(["--quick", "--redis-url", REDIS_URL]))
    bench.server = AppServer("http://127.0.0.1:1")  # its process alone is read: a stand-in that spins meanwhile
    bench.server.process = subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=0.3) + "time.sleep(60)\n"])
    try:
        with serving() as url:
            figures = bench.wrk("/", base=url, duration=1, connections=1)
    finally:
        bench.server.process.kill()
        bench.server.process.wait()

    spent = figures["cpu_seconds"]
    assert set(spent) == {"app server", "PostgreSQL", "Redis", "load client"}  # no bare app nor Varnish started
    assert spent["app server"] > 0  # the process standing for it spun meanwhile
    assert spent["load client"] > 0  # wrk, once it ended


def test_the_mix_shows_its_cpu_per_request_part_by_part_beside_the_bare_apps():
    parts = {"app server": 0.0, "bare app": 0.0, "Varnish": 0.0, "PostgreSQL": 0.0, "Redis": 0.0, "load client": 0.0}
    results = {
        "pages": {
            "mix_edge": {
                "label": "Mix through Varnish",
                "requests": 100_000,
                "bare_key": "9400",
                "cpu_seconds": parts | {"app server": 10.0, "Varnish": 3.5, "PostgreSQL": 2.25, "load client": 3.0},
            }
        },
        "bare": {
            "9400": {
                "label": "Bare Django app, 9,400 bytes",
                "requests": 50_000,
                "cpu_seconds": parts | {"bare app": 15.5, "app server": 0.01, "load client": 4.0},
            }
        },
    }

    lines = report.cpu_table(results)

    assert "| CPU per request, µs | app server | Varnish | PostgreSQL | Redis | load client | all |" in lines
    assert "| Mix through Varnish | 100 | 35 | 22 | 0 | 30 | 188 |" in lines
    # The bare app's own server in the app server's column, not the site's (idle meanwhile).
    assert "| Bare Django app, 9,400 bytes | 310 | 0 | 0 | 0 | 80 | 390 |" in lines


def test_a_run_from_before_the_cpu_was_read_has_no_such_table():
    results = {"pages": {"mix_edge": {"label": "Mix", "requests": 10, "bare_key": "1"}}, "bare": {"1": {}}}

    assert report.cpu_table(results) == []
