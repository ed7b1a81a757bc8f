"""A Varnish of its own in front of an app server: the repository's VCL (deploy/varnish/), a backend and purge
address of the caller's, a throwaway working directory, a free port."""

import json
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .servers import ToolMissing, free_port, stop_process, wait_until

VCL_DIR = Path(__file__).resolve().parents[1] / "deploy" / "varnish"
# A lookup in the cache either hits or misses (passes are neither): the hit ratio is hits over both.
HIT_COUNTERS = ("MAIN.cache_hit", "MAIN.cache_miss")
PROBE_WINDOW, PROBE_THRESHOLD = 3, 2  # healthy once 2 of the last 3 probes of /healthz answered
INSTALL = "Varnish is needed: apt-get install varnish varnish-modules (Debian's 7.1, with xkey)"


def varnishd() -> str:
    """The varnishd binary, once the xkey module the VCL imports is there too."""
    found = shutil.which("varnishd") or shutil.which("/usr/sbin/varnishd")
    if found and list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        return found
    raise ToolMissing(INSTALL)


def site_vcl(backend_ports: Sequence[int]) -> str:
    """The repository's site.vcl for app servers on these ports of this machine: its one backend for one port;
    for several, one backend each, probed on /healthz (a stopped server is left out until it answers again), taken
    in turn by a round-robin director."""
    site = (VCL_DIR / "site.vcl").read_text()
    if len(backend_ports) == 1:
        return site.replace('"8000"', f'"{backend_ports[0]}"')
    single = site[site.index("backend app {") : site.index("}", site.index("backend app {")) + 1]
    backends = "\n".join(
        f'backend app{n} {{\n    .host = "127.0.0.1";\n    .port = "{port}";\n'
        f'    .probe = {{ .url = "/healthz"; .interval = 1s; .timeout = 1s; '
        f".window = {PROBE_WINDOW}; .threshold = {PROBE_THRESHOLD}; }}\n}}"
        for n, port in enumerate(backend_ports, 1)
    )
    added = "".join(f"    apps.add_backend(app{n});\n" for n in range(1, len(backend_ports) + 1))
    director = (
        f"sub vcl_init {{\n    new apps = directors.round_robin();\n{added}}}\n\n"
        "sub vcl_recv {\n    set req.backend_hint = apps.backend();\n}"
    )
    return "import directors;\n\n" + site.replace(single, f"{backends}\n\n{director}")


class Varnish:
    """``Varnish(backend_port=...).start()``: the repository's default.vcl with a site.vcl pointing at
    127.0.0.1:``backend_port`` (or at each of ``backend_ports`` in turn; purges allowed from this machine); ``url``
    is where it answers; ``stop()``."""

    def __init__(
        self,
        *,
        backend_port: int | None = None,
        backend_ports: Sequence[int] = (),
        memory: str = "64m",
        port: int | None = None,
    ):
        self.binary = varnishd()
        self.backend_ports = [backend_port] if backend_port else list(backend_ports)
        self.memory = memory
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="varnish-"))
        self.process = None

    def start(self) -> "Varnish":
        shutil.copy(VCL_DIR / "default.vcl", self.folder / "default.vcl")
        (self.folder / "site.vcl").write_text(site_vcl(self.backend_ports))
        self.process = subprocess.Popen(
            [
                self.binary,
                "-F",  # in the foreground: stopped with the process
                "-j", "none",  # no jail: the throwaway folder stays this user's
                "-n", str(self.folder / "instance"),
                "-a", f"127.0.0.1:{self.port}",
                "-T", "none",
                "-f", str(self.folder / "default.vcl"),
                "-p", f"vcl_path={self.folder}:/usr/share/varnish/vcl:/etc/varnish",
                "-s", f"malloc,{self.memory}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until(self._answers, what=f"Varnish on port {self.port}", timeout=30)
            if len(self.backend_ports) > 1:  # probed: each starts sick until its first probe comes back
                wait_until(self._backends_healthy, what="Varnish finding every app server healthy", timeout=30)
        except BaseException:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"varnishd exited: {self.process.stdout.read().decode(errors='replace')}")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def _backends_healthy(self) -> bool:
        happy = self.counters(*(f"VBE.boot.app{n}.happy" for n in range(1, len(self.backend_ports) + 1)))
        recent = (1 << PROBE_WINDOW) - 1  # the newest probe is the lowest bit
        return all((bits & recent).bit_count() >= PROBE_THRESHOLD for bits in happy.values())

    def restart(self, *, stopped: Callable[[], None] = lambda: None) -> "Varnish":
        """Stopped (then ``stopped()`` is called) and started again on the same port, as a service manager restarts
        it: the cache starts empty."""
        stop_process(self.process, timeout=10)
        stopped()
        return self.start()

    def counters(self, *names: str) -> dict[str, int]:
        """The values of varnishstat's counters ``names`` (``MAIN.cache_hit``, say) in this Varnish now."""
        command = ["varnishstat", "-n", str(self.folder / "instance"), "-1", "-j"]
        for name in names:
            command += ["-f", name]
        output = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        found = output.get("counters", output)  # Varnish 6.5 and later nest them under "counters"
        return {name: int(found[name]["value"]) for name in names}

    def hit_ratio(self, since: dict[str, int] | None = None) -> dict:
        """Hits and misses so far (or since the counters ``since``), and the share of lookups that hit."""
        now = self.counters(*HIT_COUNTERS)
        hits, misses = (now[name] - (since or {}).get(name, 0) for name in HIT_COUNTERS)
        return {
            "hits": hits,
            "misses": misses,
            "hit_ratio": round(hits / (hits + misses), 4) if hits + misses else None,
        }

    def stop(self) -> None:
        stop_process(self.process, timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
