from django.db import models


class WorkerHeartbeat(models.Model):
    """A running worker's latest sign of life, under the id the queue records on each task it claims."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} (seen {self.seen_at:%Y-%m-%d %H:%M:%S})"
