"""Indexes for the moderation queue's order and for case-insensitive look-ups of a commenter's email."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderator_permissions"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="comment",
            name="comment_author_status",
        ),
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
                name="comment_queue_order",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                django.db.models.functions.text.Upper("author_email"),
                models.F("status"),
                name="comment_author_email_status",
            ),
        ),
    ]
