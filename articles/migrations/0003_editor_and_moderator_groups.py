"""The two staff roles. Editors write; Moderators keep the discussion (the comments app grants theirs)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "articles": ["article", "section", "featuredtrack", "work", "composer", "track"],
    "taggit": ["tag", "taggeditem"],
}
ACTIONS = ["add", "change", "delete", "view"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; make sure those this migration hands out exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    Group.objects.get_or_create(name="Moderators")
    for app_label, models in EDITOR_MODELS.items():
        codenames = [f"{action}_{model}" for model in models for action in ACTIONS]
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_featured_track_work_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
