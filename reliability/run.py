"""The reliability run (`make reliability`): post load with a PostgreSQL restart, reads through a Redis outage,
reads through Varnish while it restarts, the backup drill, the task worker killed mid-task and reads through a
replica outage, at full counts, against servers of its own.

Prints each scenario's figures, writes them to test-artifacts/reliability/<scenario>.json (the app servers' logs
beside them) and exits with 1 when a check fails. `python -m reliability.run --help` for smaller counts.
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "reliability"


def save(name: str, figures: dict) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


def logs_folder() -> Path:
    folder = ARTIFACTS / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def setup_django() -> None:
    """Django for this process: it signs the form tokens with the secret the app servers get."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "soundtrack_site.settings"
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


SCENARIOS = (
    "post-load-postgresql-restart",
    "read-load-redis-outage",
    "read-load-varnish-restart",
    "backup-drill",
    "worker-killed-mid-task",
    "read-load-replica-outage",
)


def run_scenario(name: str, cluster, redis_server, options: argparse.Namespace) -> dict:
    from . import backup, load, redis_outage, replica_outage, varnish_restart, worker_kill

    if name == "post-load-postgresql-restart":
        return load.run(
            cluster,
            redis_server,
            logs_folder(),
            clients=options.clients,
            comments=options.comments,
            down_seconds=options.down_seconds,
        )
    if name == "read-load-redis-outage":
        return redis_outage.run(
            cluster, redis_server, logs_folder(), readers=options.readers, phase_seconds=options.phase_seconds
        )
    if name == "read-load-varnish-restart":
        return varnish_restart.run(
            cluster, redis_server, logs_folder(), readers=options.readers, phase_seconds=options.phase_seconds
        )
    if name == "backup-drill":
        return backup.run(cluster, logs_folder())
    if name == "worker-killed-mid-task":
        return worker_kill.run(
            cluster, redis_server, logs_folder(), notices=options.notices, clients=8, kills=options.kills
        )
    return replica_outage.run(
        cluster, redis_server, logs_folder(), readers=options.readers, phase_seconds=options.phase_seconds
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent posting clients (50)")
    parser.add_argument("--comments", type=int, default=10_000, help="comments posted in all (10,000)")
    parser.add_argument("--down-seconds", type=float, default=5, help="how long PostgreSQL stays down (5)")
    parser.add_argument(
        "--readers", type=int, default=16, help="concurrent readers in the outages and the Varnish restart (16)"
    )
    parser.add_argument(
        "--phase-seconds", type=float, default=10, help="before/during/after each outage or restart (10)"
    )
    parser.add_argument("--notices", type=int, default=200, help="notices queued before the worker kills (200)")
    parser.add_argument("--kills", type=int, default=20, help="workers killed in the middle of a task (20)")
    parser.add_argument(
        "--only", choices=SCENARIOS, action="append", help="run this scenario (repeatable); all if none"
    )
    options = parser.parse_args()
    setup_django()

    from .servers import throwaway_servers

    results = {}
    with throwaway_servers() as (cluster, redis_server):
        print(f"Throwaway PostgreSQL on port {cluster.port}, Redis on port {redis_server.port}", flush=True)
        for name in options.only or SCENARIOS:
            results[name] = run_scenario(name, cluster, redis_server, options)
    for name, figures in results.items():
        shown = {key: value for key, value in figures.items() if key != "per_table"}
        print(f"\n== {name}: {'passed' if figures['passed'] else 'FAILED'}\n{json.dumps(shown, indent=2)}")
        print(f"-> {save(name, figures)}")
    return 0 if all(figures["passed"] for figures in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
