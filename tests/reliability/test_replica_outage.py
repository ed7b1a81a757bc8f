import pytest

from reliability import replica_outage
from reliability.run import save


@pytest.fixture(scope="module")
def figures(throwaway, tmp_path_factory):
    cluster, redis_server = throwaway
    figures = replica_outage.run(
        cluster, redis_server, tmp_path_factory.mktemp("replica-outage"), readers=4, phase_seconds=3
    )
    save("read-load-replica-outage-small", figures)
    return figures


def test_pages_come_from_the_primary_with_no_error_while_the_replica_is_stopped(figures):
    pages = figures["pages"]  # by phase; also "stopping", "starting" when the replica changed mid-request

    assert {"before", "outage", "after"} <= set(pages)
    assert {phase: set(statuses) for phase, statuses in pages.items()} == {phase: {"200"} for phase in pages}
    assert figures["outage_logged"]
    assert figures["app_server_kept_running"]


def test_pages_are_read_from_the_replica_before_the_outage_and_again_once_it_returns(figures):
    assert figures["replica_transactions"]["before"] > 0
    assert figures["replica_transactions"]["after"] > 0
    assert figures["return_logged"]
