"""wrk, the load generator: installed when missing, run with a Lua script that reports its figures as JSON."""

import json
import re
import secrets
import shutil
import subprocess
from pathlib import Path

from .common import log

# Every run: prints one line of figures summed over the threads, the answers of 400 and above among them (wrk counts
# them as status errors). No response() function: with one, wrk would hand every answer's headers and body to Lua,
# and the load client would spend more on each answer than a cached page costs Varnish to send.
REPORT_LUA = r"""
threads = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
init = function(args)
  counter = 0
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"ok":%d,"bad":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, summary.requests - e.status, e.status,
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


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    log("Installing wrk (Debian package)…")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)


def load(
    url: str,
    *,
    folder: Path,
    connections: int,
    duration: int,
    threads: int = 2,
    cookie: str | None = None,
    lua_extra: str = "",
    headers: dict[str, str] | None = None,
) -> dict:
    """Load ``url`` for ``duration`` seconds (``lua_extra`` may make the requests), each request with ``headers``;
    the figures."""
    threads = min(threads, connections)
    script = folder / f"wrk-{secrets.token_hex(4)}.lua"
    script.write_text(REPORT_LUA + lua_extra)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    return figures(output, connections)


def figures(output: str, connections: int) -> dict:
    """Requests per second, latencies in ms and errors, from the line REPORT_LUA prints."""
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
        "bytes_read": raw["bytes"],
        "ok": raw["ok"],
        "errors": errors,
        "error_detail": raw["errors"],
        "connections": connections,
    }
