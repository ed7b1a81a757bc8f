"""A streaming replica of a throwaway PostgreSQL cluster, on this machine.

``create()`` copies the primary with pg_basebackup (-R: it follows the primary; -X stream: with the WAL written
during the copy) into a folder of its own, gives it its own port and starts it as a hot standby; it is ready once it
streams. It stops, starts and is destroyed like the primary (reliability/servers.py), and its replay can be paused
to make it lag on purpose.
"""

import os
import shutil
from pathlib import Path

import psycopg

from .servers import PostgresCluster, wait_until


class StreamingReplica(PostgresCluster):
    def __init__(self, primary: PostgresCluster, *, folder: Path | None = None, port: int | None = None):
        super().__init__(folder=folder, port=port)
        self.primary = primary

    def create(self) -> "StreamingReplica":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        if not (self.data / "PG_VERSION").exists():
            self.run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
                "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast",
            )  # fmt: skip
            with open(self.data / "postgresql.auto.conf", "a") as conf:
                conf.write(f"unix_socket_directories = '{self.dir}'\nhot_standby = on\n")
        self.configure_port()
        if not self.running():  # else left running by a run that did not stop it
            self.start()
        self.wait_until_streaming()
        return self

    def streaming(self) -> bool:
        try:
            with self.connect("postgres") as connection:
                row = connection.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
        except psycopg.OperationalError:
            return False
        return row is not None and row[0] == "streaming"

    def wait_until_streaming(self, timeout: float = 60) -> None:
        wait_until(self.streaming, what=f"the replica on port {self.port} streaming", timeout=timeout)

    def pause_replay(self) -> None:
        with self.connect("postgres") as connection:
            connection.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect("postgres") as connection:
            connection.execute("SELECT pg_wal_replay_resume()")

    def caught_up(self) -> bool:
        """Whether the replica has replayed everything the primary has written so far."""
        with self.primary.connect("postgres") as primary:
            position = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.connect("postgres") as replica:
            return replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]).fetchone()[0]

    def wait_until_caught_up(self, timeout: float = 60) -> None:
        wait_until(self.caught_up, what=f"the replica on port {self.port} catching up", timeout=timeout)
