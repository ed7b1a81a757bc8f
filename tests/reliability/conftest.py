"""The reliability checks start a PostgreSQL cluster and a Redis of their own (reliability/servers.py) and restart
or stop them; they run once, in the PostgreSQL run of the suite, at small counts (`make reliability`: full counts).
"""

import pytest
from django.db import connection

from reliability.servers import ToolMissing, throwaway_servers


@pytest.fixture(scope="session")
def throwaway():
    if connection.vendor != "postgresql":
        pytest.skip("runs once, in the PostgreSQL run (it starts PostgreSQL and Redis servers of its own)")
    try:
        with throwaway_servers() as servers:
            yield servers
    except ToolMissing as missing:
        pytest.fail(str(missing))
