"""An index of the reported comments alone, in the queue's order: the queue counts and lists them on each load."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_reports_by_address"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                models.Case(
                    models.When(status="pending", then=models.Value(0)),
                    models.When(status="approved", then=models.Value(1)),
                    models.When(status="spam", then=models.Value(2)),
                    default=models.Value(3),
                    output_field=models.IntegerField(),
                ),
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("report_count__gt", 0)),
                name="comment_reported",
            ),
        ),
    ]
