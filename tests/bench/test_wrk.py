"""Reading wrk's figures from the line its report script prints, and what it counts as errors."""

from http.server import BaseHTTPRequestHandler

import pytest

from bench import wrk
from tests.utils.local_http import HeadersSeen, serving

REPORT = (
    "Running 3s test @ http://127.0.0.1:8765/\n"
    'BENCH_JSON {"requests":600,"duration_us":3000000,"bytes":6000000,"ok":598,"bad":2,'
    '"errors":{"connect":0,"read":1,"write":0,"status":2,"timeout":0},'
    '"p50_us":4500,"p90_us":9000,"p95_us":12000,"p99_us":20500,"mean_us":5100.5,"max_us":40000}\n'
)


def test_the_figures_are_requests_per_second_latencies_in_ms_and_errors():
    assert wrk.figures(REPORT, connections=8) == {
        "rps": 200.0,
        "p50_ms": 4.5,
        "p90_ms": 9.0,
        "p95_ms": 12.0,
        "p99_ms": 20.5,
        "requests": 600,
        "bytes_read": 6000000,
        "ok": 598,
        "errors": 3,
        "error_detail": {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0},
        "connections": 8,
    }


def test_a_run_where_nothing_completed_has_no_latency_to_meet_a_target_with():
    nothing = REPORT.replace('"requests":600', '"requests":0')

    figures = wrk.figures(nothing, connections=1)

    assert figures["rps"] == 0
    assert figures["p50_ms"] == figures["p99_ms"] == float("inf")


def test_no_figures_line_is_an_error():
    with pytest.raises(RuntimeError, match="wrk gave no figures"):
        wrk.figures("unable to connect to 127.0.0.1:8765 Connection refused\n", connections=8)


def test_lua_strings_are_quoted_and_escaped():
    assert wrk.lua_string('/search/?q="a\\b"') == '"/search/?q=\\"a\\\\b\\""'


def test_every_request_of_a_load_carries_the_headers_asked_for(tmp_path):
    wrk.ensure_wrk()
    HeadersSeen.seen.clear()
    with serving() as url:
        figures = wrk.load(url + "/", folder=tmp_path, connections=1, duration=1, headers={"Accept-Encoding": "gzip"})

    assert figures["requests"] > 0 and figures["errors"] == 0
    assert set(HeadersSeen.seen) == {"gzip"}


class FoundOrNot(BaseHTTPRequestHandler):
    """Answers "ok" at /found and 404 anywhere else."""

    def do_GET(self):
        self.send_response(200 if self.path == "/found" else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_the_answers_of_400_and_above_are_counted_apart_from_the_others(tmp_path):
    wrk.ensure_wrk()
    every_other = r"""
request = function()
  counter = counter + 1
  if counter % 2 == 0 then return wrk.format("GET", "/found") end
  return wrk.format("GET", "/missing")
end
"""
    with serving(FoundOrNot) as url:
        figures = wrk.load(url + "/", folder=tmp_path, connections=1, duration=1, lua_extra=every_other)

    not_found = figures["error_detail"]["status"]
    assert figures["ok"] > 0 and not_found > 0
    assert figures["ok"] + not_found == figures["requests"]
    assert abs(figures["ok"] - not_found) <= 1  # one connection, the two kinds in turn
