"""Article templates, and the seed document installed as the built-in one.

The seed is read and parsed here, with a copy of the parsing it needs, so that this migration keeps working
whatever later becomes of the app's code.
"""

import re
from pathlib import Path

import django.core.validators
import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SEED_PATH = Path(__file__).resolve().parent.parent / "seed" / "soundtrack-article-template.txt"
NAME = "Why its soundtrack deserves more recognition"
DESCRIPTION = (
    "The seed article: an introduction, six numbered sections (emotion, instruments and genres, themes, narrative, "
    "cultural relevance, the composer) and a conclusion that asks readers which tracks stood out."
)
TITLE = "Why [title]’s Soundtrack Deserves More Recognition"
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("articletemplate", "articletemplatesection")
    for action in ("add", "change", "delete", "view")
]

NUMBERED_HEADING = re.compile(r"^\d+\.\s+(?P<heading>\S.*)$")
CONCLUSION_HEADING = re.compile(r"^(?P<heading>Conclusion:\s*\S.*)$")
TAG = re.compile(r"#(\w+)")


def parse_seed(text):
    """The seed's intro, its sections as [heading, numbered, paragraphs], and its tags."""
    title, *lines = [line.strip() for line in text.splitlines() if line.strip()]
    intro, sections, tags = [], [], []
    for line in lines:
        if line.startswith("Tags:"):
            tags = TAG.findall(line)
        elif match := NUMBERED_HEADING.match(line):
            sections.append([match["heading"], True, []])
        elif match := CONCLUSION_HEADING.match(line):
            sections.append([match["heading"], False, []])
        elif sections:
            sections[-1][2].append(line)
        else:
            intro.append(line)
    return intro, sections, tags


def install_seed_template(apps, schema_editor):
    ArticleTemplate = apps.get_model("articles", "ArticleTemplate")
    ArticleTemplateSection = apps.get_model("articles", "ArticleTemplateSection")
    intro, sections, tags = parse_seed(SEED_PATH.read_text(encoding="utf-8"))
    template, created = ArticleTemplate.objects.get_or_create(
        name=NAME,
        defaults={
            "description": DESCRIPTION,
            "title": TITLE,
            "standfirst": "\n\n".join(intro),
            "suggested_tags": ", ".join(tags),
        },
    )
    if created:
        ArticleTemplateSection.objects.bulk_create(
            ArticleTemplateSection(
                template=template, position=position, heading=heading, numbered=numbered, body="\n\n".join(body)
            )
            for position, (heading, numbered, body) in enumerate(sections, start=1)
        )
    grant_editors_the_template_permissions(apps)


def grant_editors_the_template_permissions(apps):
    # Permissions are normally created after migrate; make sure those handed out here exist now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS)
    )


def remove_seed_template(apps, schema_editor):
    apps.get_model("articles", "ArticleTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_search")]

    operations = [
        migrations.CreateModel(
            name='ArticleTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('description', models.TextField(blank=True, help_text='What the template is for, for editors choosing one.')),
                ('title', models.CharField(blank=True, help_text="The new article's title; [title] becomes the work's title.", max_length=200, verbose_name='title skeleton')),
                ('standfirst', models.TextField(blank=True, help_text='Markdown. Guidance for the writer goes in square brackets: [reason: …] is a placeholder.', verbose_name='standfirst skeleton')),
                ('suggested_tags', models.CharField(blank=True, help_text='Comma-separated tags that each new article starts with.', max_length=500)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='ArticleTemplateSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(blank=True, help_text='Order in the template; left empty, it goes last.', validators=[django.core.validators.MaxValueValidator(9999)])),
                ('heading', models.CharField(max_length=200)),
                ('numbered', models.BooleanField(default=True, help_text='Show a number before the heading (not for a conclusion).')),
                ('body', models.TextField(blank=True, help_text='Markdown. Guidance for the writer goes in square brackets: [example: …] is a placeholder.', verbose_name='body skeleton')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='articles.articletemplate')),
            ],
            options={
                'ordering': ['position'],
                'constraints': [models.UniqueConstraint(fields=('template', 'position'), name='articletemplatesection_unique_position', violation_error_message='Two sections of this template have the same position.')],
            },
        ),
        migrations.RunPython(install_seed_template, remove_seed_template),
    ]
