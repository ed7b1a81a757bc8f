"""Varnish in front of several app servers: started, it takes requests only once its probes find every one of them
healthy, so the first request after a (re)start is not refused while a probe is still on its way."""

import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reliability.servers import ToolMissing
from reliability.varnish import Varnish


def app_server(healthy_after: float) -> ThreadingHTTPServer:
    """An app server whose /healthz answers 503 for its first ``healthy_after`` seconds (a worker still loading)."""
    started = time.monotonic()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            ready = time.monotonic() - started >= healthy_after
            self.send_response(200 if ready else 503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if ready and self.path == "/healthz/seen":
                self.server.seen += 1

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.seen = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_starting_waits_until_every_app_server_is_healthy_then_each_takes_its_turn():
    quick, slow = app_server(healthy_after=0), app_server(healthy_after=1.5)
    try:
        varnish = Varnish(backend_ports=[quick.server_address[1], slow.server_address[1]]).start()
    except ToolMissing as missing:
        pytest.fail(str(missing))
    try:
        statuses = [urllib.request.urlopen(f"{varnish.url}/healthz/seen").status for _ in range(4)]  # passed on
    finally:
        varnish.stop()
        for server in (quick, slow):
            server.shutdown()
            server.server_close()

    assert statuses == [200] * 4
    assert (quick.seen, slow.seen) == (2, 2)
