"""Author profiles: the name readers see, a short biography and a photo for each staff author. Editors may keep
everyone's (each author may edit their own, whatever their group); each staff author of an article gets a profile,
with their page's address made from their full name when they have one."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils.text import slugify

import articles.fields
import articles.images


def editors_keep_authors(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_author" for action in ("add", "change", "delete", "view")]
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def profiles_for_article_authors(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Author = apps.get_model("articles", "Author")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    taken = set()
    for user in User.objects.filter(is_staff=True, pk__in=Article.objects.values("author_id")).order_by("pk"):
        base = slugify(f"{user.first_name} {user.last_name}".strip())[:90].strip("-")
        slug, n = base, 1
        while slug and slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        Author.objects.get_or_create(user=user, defaults={"slug": slug})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_line_endings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "display_name",
                    models.CharField(
                        blank=True,
                        help_text="How readers see your name: in bylines, feeds and on your author page. Left empty, "
                        "your full name is used; with neither, articles show no name (never your username).",
                        max_length=100,
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        blank=True,
                        help_text="Your author page's address, /authors/<slug>/. Left empty, it is made from your name.",
                        max_length=100,
                    ),
                ),
                (
                    "bio",
                    articles.fields.MultilineTextField(
                        blank=True,
                        help_text="A few sentences for your author page, in Markdown.",
                        verbose_name="short biography",
                    ),
                ),
                ("bio_html", models.TextField(blank=True, editable=False)),
                (
                    "photo",
                    models.ImageField(
                        blank=True,
                        help_text="Optional. A JPEG, PNG or WebP portrait; smaller copies are made for each screen size.",
                        max_length=255,
                        upload_to=articles.images.author_photo_upload_to,
                        validators=[articles.images.validate_author_photo],
                    ),
                ),
                (
                    "photo_alt",
                    models.CharField(
                        blank=True,
                        help_text="What the photo shows. Required with a photo.",
                        max_length=300,
                        verbose_name="photo alt text",
                    ),
                ),
                ("photo_renditions", models.JSONField(blank=True, default=list, editable=False)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="author_profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["display_name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("slug", ""), _negated=True), fields=("slug",), name="author_unique_slug"
                    )
                ],
            },
        ),
        migrations.RunPython(editors_keep_authors, migrations.RunPython.noop),
        migrations.RunPython(profiles_for_article_authors, migrations.RunPython.noop),
    ]
