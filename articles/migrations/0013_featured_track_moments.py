"""A featured track plays at several moments of its work: the one timestamp becomes the first of its moments, in
the table and in every revision kept of it (so restoring an older revision brings its time back too)."""

import json

from django.db import migrations
from django.utils.dateparse import parse_duration

import articles.fields


def timestamps_to_moments(apps, schema_editor):
    FeaturedTrack = apps.get_model("articles", "FeaturedTrack")
    for featured in FeaturedTrack.objects.exclude(timestamp=None).only("pk", "timestamp"):
        FeaturedTrack.objects.filter(pk=featured.pk).update(moments=[int(featured.timestamp.total_seconds())])


def moments_to_timestamps(apps, schema_editor):
    """Back: the earliest moment (a database kept at the earlier version can hold only one)."""
    from datetime import timedelta

    FeaturedTrack = apps.get_model("articles", "FeaturedTrack")
    for featured in FeaturedTrack.objects.only("pk", "moments"):
        if featured.moments:
            FeaturedTrack.objects.filter(pk=featured.pk).update(timestamp=timedelta(seconds=featured.moments[0]))


def _revised_fields(apps, change) -> None:
    """Apply ``change`` to the fields of each kept revision of a featured track (django-reversion's JSON)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(app_label="articles", model="featuredtrack").first()
    if content_type is None:
        return
    for version in Version.objects.filter(content_type=content_type, format="json").only("pk", "serialized_data"):
        objects = json.loads(version.serialized_data)
        for stored in objects:
            change(stored["fields"])
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(objects))


def revisions_to_moments(apps, schema_editor):
    def change(fields):
        timestamp = fields.pop("timestamp", None)
        fields.setdefault("moments", [int(parse_duration(timestamp).total_seconds())] if timestamp else [])

    _revised_fields(apps, change)


def revisions_to_timestamps(apps, schema_editor):
    def change(fields):
        moments = fields.pop("moments", None)
        if "timestamp" not in fields:
            fields["timestamp"] = (
                f"{moments[0] // 3600:02}:{moments[0] // 60 % 60:02}:{moments[0] % 60:02}" if moments else None
            )

    _revised_fields(apps, change)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_authors"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AddField(
            model_name="featuredtrack",
            name="moments",
            field=articles.fields.MomentsField(
                blank=True,
                default=list,
                help_text="When it plays in the work: hours:minutes:seconds, several separated by commas "
                "(0:34:10, 1:41:05).",
                verbose_name="plays at",
            ),
        ),
        migrations.RunPython(timestamps_to_moments, moments_to_timestamps, elidable=False),
        migrations.RunPython(revisions_to_moments, revisions_to_timestamps, elidable=False),
        migrations.RemoveField(model_name="featuredtrack", name="timestamp"),
    ]
