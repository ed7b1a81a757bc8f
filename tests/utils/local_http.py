"""A small HTTP server on a free port of 127.0.0.1, for a load client to send requests to."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HeadersSeen(BaseHTTPRequestHandler):
    """Answers every GET with "ok", noting the Accept-Encoding each asked with."""

    seen: list[str | None] = []

    def do_GET(self):
        HeadersSeen.seen.append(self.headers.get("Accept-Encoding"))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler] = HeadersSeen) -> Iterator[str]:
    """The server's address (``http://127.0.0.1:<port>``) while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
