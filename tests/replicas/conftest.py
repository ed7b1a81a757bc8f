import copy

import pytest
from django.db import connections

from replicas.health import replicas

REPLICA = "replica_test"

# A "replica" alias that reads the test database itself through a connection of its own (a test mirror): what the
# router and the middleware do, without a second server (test_streaming.py has the real one). Defined before the
# test databases are set up, as settings.py defines the replicas of DATABASE_REPLICA_URLS in every process.
connections.settings[REPLICA] = copy.deepcopy(connections.settings["default"]) | {"TEST": {"MIRROR": "default"}}


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    replicas.forget()
    settings_dict = connections[REPLICA].settings_dict
    yield REPLICA
    connections[REPLICA].close()
    connections[REPLICA].settings_dict = settings_dict
    replicas.forget()
