import pytest

from reliability import worker_kill
from reliability.run import save

NOTICES, CLIENTS, KILLS = 20, 2, 3


@pytest.fixture(scope="module")
def figures(throwaway, tmp_path_factory):
    cluster, redis_server = throwaway
    figures = worker_kill.run(
        cluster, redis_server, tmp_path_factory.mktemp("worker-kill"), notices=NOTICES, clients=CLIENTS, kills=KILLS
    )
    save("worker-killed-mid-task-small", figures)
    return figures


def test_every_task_of_a_killed_worker_runs_again_to_its_end(figures):
    assert set(figures["notice_tasks"]) == {"SUCCESSFUL"}
    assert figures["tasks_run_again"] >= KILLS


def test_no_notice_is_sent_twice(figures):
    assert figures["duplicate_messages"] == 0
    assert figures["task_results"]["already sent"] >= KILLS  # the runs again found their period claimed
    assert figures["messages_received"] == figures["notice_periods"] >= NOTICES


def test_readers_posts_never_wait_on_the_worker(figures):
    assert set(figures["post_statuses"]) == {"302"}
    assert sum(figures["post_statuses"].values()) > 0
