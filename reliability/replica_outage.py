"""Readers keep reading while the replica is stopped and started again: pages come from the primary meanwhile, with
no error, and from the replica again once it is back.

One app server reads from a streaming replica of the throwaway cluster (reliability/replication.py), with the page
cache off so that every page view reads the database. Readers load pages before, during and after the replica's
outage. Where reads went is counted on the replica itself: the transactions of the site's database there.
"""

import time
from pathlib import Path

from .redis_outage import Readers
from .replication import StreamingReplica
from .servers import AppServer, PostgresCluster, RedisServer, app_environment, prepare_site, wait_until

DATABASE = "reliability_replica"


def replica_transactions(replica: StreamingReplica) -> int:
    """Transactions the replica has run on the site's database (read through another database, so that reading
    the count does not add to it)."""
    with replica.connect("postgres") as connection:
        row = connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [DATABASE]
        )
        return row.fetchone()[0]


def run(
    cluster: PostgresCluster, redis_server: RedisServer, workdir: Path, *, readers: int, phase_seconds: float
) -> dict:
    """Reads before, during and after a replica outage; the figures, with ``passed``."""
    from django.conf import settings

    replica = StreamingReplica(cluster)
    env = app_environment(
        database_url=cluster.create_database(DATABASE),
        redis_url=redis_server.url(3),
        secret_key=settings.SECRET_KEY,
        DATABASE_REPLICA_URLS=replica.url(DATABASE),
        PAGE_CACHE_SECONDS="0",  # every page view reads the database
        DJANGO_LOG_LEVEL="INFO",  # the replica's going and coming back are logged at INFO
        WEB_CONCURRENCY="2",
    )
    slug = prepare_site(env)[0]
    server = AppServer(env, log=workdir / "replica-outage.log")
    try:
        replica.create()
        server.start()
        figures = read_through_an_outage(replica, server, slug=slug, readers=readers, phase_seconds=phase_seconds)
        figures["app_server_kept_running"] = server.process.poll() is None
    finally:
        server.stop()
        replica.destroy()
    log = server.log_text()
    figures["outage_logged"] = "Replica replica_1 failed" in log or "Replica replica_1 does not answer" in log
    figures["return_logged"] = "Replica replica_1 answers" in log
    figures["passed"] = passed(figures)
    return figures


def read_through_an_outage(
    replica: StreamingReplica, server: AppServer, *, slug: str, readers: int, phase_seconds: float
) -> dict:
    paths = ["/", f"/articles/{slug}/", "/feeds/atom/", "/search/?q=score", "/sitemap.xml"]
    on_replica = {}
    with Readers([server], paths, readers) as load:
        first = replica_transactions(replica)
        time.sleep(phase_seconds)
        on_replica["before"] = replica_transactions(replica) - first

        load.phase = "stopping"
        replica.stop()
        load.phase = "outage"
        time.sleep(phase_seconds)

        load.phase = "starting"
        replica.start()
        started = time.monotonic()
        replica.wait_until_streaming()
        load.phase = "after"
        back = replica_transactions(replica)
        wait_until(lambda: replica_transactions(replica) > back, what="reads on the replica again", timeout=60)
        back_after = time.monotonic() - started
        time.sleep(phase_seconds)
        on_replica["after"] = replica_transactions(replica) - back
    return {
        "scenario": "read load with the replica stopped and started again",
        "readers": readers,
        "phase_seconds": phase_seconds,
        "pages": {phase: dict(counts) for phase, counts in load.statuses.items()},
        "replica_transactions": on_replica,
        "seconds_to_reads_on_the_replica_after_its_start": round(back_after, 2),
    }


def passed(figures: dict) -> bool:
    """Every page a 200 in every phase, reads on the replica before and after, the outage and return logged."""
    pages = figures["pages"]
    return (
        {"before", "outage", "after"} <= set(pages)
        and all(set(statuses) == {"200"} for statuses in pages.values())
        and figures["replica_transactions"]["before"] > 0
        and figures["replica_transactions"]["after"] > 0
        and figures["app_server_kept_running"]
        and figures["outage_logged"]
        and figures["return_logged"]
    )
