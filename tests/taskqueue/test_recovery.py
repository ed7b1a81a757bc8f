"""Tasks whose worker went silent are queued again; those of live workers are left to them."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from taskqueue.models import WorkerHeartbeat
from taskqueue.recovery import beat, requeue_abandoned_tasks

pytestmark = pytest.mark.django_db


def running_task(worker_id: str, **fields) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {"period_start": "2026-06-01T12:00:00+00:00"}},
        task_path="comments.notifications.send_moderator_notice",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
        worker_ids=[worker_id],
        **fields,
    )


def test_a_task_whose_worker_stopped_beating_is_queued_again_and_a_live_workers_is_not(settings):
    settings.TASKS_WORKER_HEARTBEAT_SECONDS = 5
    beat("alive")
    WorkerHeartbeat.objects.create(worker_id="killed", seen_at=timezone.now() - timedelta(seconds=16))
    kept, abandoned, unknown = running_task("alive"), running_task("killed"), running_task("never-beat")

    assert requeue_abandoned_tasks() == 2

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {
        kept.pk: TaskResultStatus.RUNNING,
        abandoned.pk: TaskResultStatus.READY,
        unknown.pk: TaskResultStatus.READY,
    }
    assert requeue_abandoned_tasks() == 0


def test_a_worker_silent_for_fewer_than_three_beats_keeps_its_task(settings):
    settings.TASKS_WORKER_HEARTBEAT_SECONDS = 5
    WorkerHeartbeat.objects.create(worker_id="slow", seen_at=timezone.now() - timedelta(seconds=14))
    task = running_task("slow")

    assert requeue_abandoned_tasks() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_heartbeats_of_workers_gone_for_a_day_are_deleted():
    WorkerHeartbeat.objects.create(worker_id="last-week", seen_at=timezone.now() - timedelta(days=7))
    beat("today")

    requeue_abandoned_tasks()

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["today"]
