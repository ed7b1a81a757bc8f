"""An erased commenter's comments keep no email address; moderators answer privacy requests (export and erase a
commenter's data from the comment queue, and read the audit trail of both)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

PRIVACY_PERMISSIONS = ["handle_personal_data", "view_privacyevent"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="privacy", codename__in=PRIVACY_PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators:
        moderators.permissions.remove(
            *Permission.objects.filter(content_type__app_label="privacy", codename__in=PRIVACY_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_reply_notices"),
        ("privacy", "0001_privacy_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="comment",
            name="author_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="email"),
        ),
        migrations.RunPython(grant, revoke),
    ]
