"""A MusicBrainz web service on 127.0.0.1 for the tests: a real HTTP server in a thread that answers each release
lookup from the responses recorded in tests/articles/musicbrainz/ (in MusicBrainz's JSON), as the test scripts
it, and notes every request it receives (path, headers, and ``time.time()`` when it arrived: the clock a test
controls with time_machine)."""

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = Path(__file__).resolve().parent.parent / "articles" / "musicbrainz"
RELEASE_PATH = "/ws/2/release/"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False  # answer nothing until the server stops: the client's timeout runs out first


def recorded(name: str, status: int = 200, **headers: str) -> Answer:
    """The recorded response ``tests/articles/musicbrainz/<name>.json``."""
    return Answer(status, (RECORDED / f"{name}.json").read_bytes(), {"Content-Type": "application/json", **headers})


def busy(retry_after: str | None = "1") -> Answer:
    """MusicBrainz's 503 when it is over its limits."""
    body = json.dumps({"error": "Your requests are exceeding the allowable rate limit."}).encode()
    headers = {"Content-Type": "application/json", **({"Retry-After": retry_after} if retry_after else {})}
    return Answer(503, body, headers)


def release_mbid(name: str = "release") -> str:
    return json.loads((RECORDED / f"{name}.json").read_text())["id"]


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    at: float


class MusicBrainzServer:
    """``answer(mbid, *answers)`` scripts the lookups of a release: each request takes the next answer, and the
    last one repeats; a release without answers is not found (404), as on MusicBrainz."""

    def __init__(self):
        self.answers: dict[str, list[Answer]] = {}
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, mbid: str, *answers: Answer) -> None:
        self.answers[mbid] = list(answers)

    def __enter__(self) -> "MusicBrainzServer":
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def next_answer(self, path: str) -> Answer:
        mbid = path.removeprefix(RELEASE_PATH).split("?")[0] if path.startswith(RELEASE_PATH) else ""
        with self.lock:
            queue = self.answers.get(mbid)
            if not queue:
                return recorded("not_found", 404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                service.received.append(Received(self.path, dict(self.headers), time.time()))
                answer = service.next_answer(self.path)
                if answer.hold:
                    service.stopping.wait(timeout=10)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's name)
                pass

        return Handler


def refused_url() -> str:
    """The address of a port nothing listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
