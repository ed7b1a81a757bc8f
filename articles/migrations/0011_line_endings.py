"""Multi-line texts stored with LF line endings (articles.fields.MultilineTextField), and the rows saved before
with a browser's CR LF rewritten so, in one UPDATE per column. The rendered HTML does not change (Markdown reads
CR LF as LF). Revisions kept before stay as they were: History reads their texts with LF line endings."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

import articles.fields

TEXTS = {
    "article": ["standfirst"],
    "section": ["body"],
    "featuredtrack": ["note"],
    "composer": ["bio"],
    "articletemplate": ["description", "standfirst"],
    "articletemplatesection": ["body"],
}


def normalise_line_endings(apps, schema_editor):
    lf = Value("\n")
    for model_name, field_names in TEXTS.items():
        model = apps.get_model("articles", model_name)
        for name in field_names:
            normalised = Replace(Replace(F(name), Value("\r\n"), lf), Value("\r"), lf)
            model.objects.filter(**{f"{name}__contains": "\r"}).update(**{name: normalised})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_search_words"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="standfirst",
            field=articles.fields.MultilineTextField(
                help_text="The introduction shown under the title and in lists, in Markdown."
            ),
        ),
        migrations.AlterField(
            model_name="articletemplate",
            name="description",
            field=articles.fields.MultilineTextField(
                blank=True, help_text="What the template is for, for editors choosing one."
            ),
        ),
        migrations.AlterField(
            model_name="articletemplate",
            name="standfirst",
            field=articles.fields.MultilineTextField(
                blank=True,
                help_text="Markdown. Guidance for the writer goes in square brackets: [reason: …] is a placeholder.",
                verbose_name="standfirst skeleton",
            ),
        ),
        migrations.AlterField(
            model_name="articletemplatesection",
            name="body",
            field=articles.fields.MultilineTextField(
                blank=True,
                help_text="Markdown. Guidance for the writer goes in square brackets: [example: …] is a placeholder.",
                verbose_name="body skeleton",
            ),
        ),
        migrations.AlterField(
            model_name="composer",
            name="bio",
            field=articles.fields.MultilineTextField(blank=True, help_text="A short biography, in Markdown."),
        ),
        migrations.AlterField(
            model_name="featuredtrack",
            name="note",
            field=articles.fields.MultilineTextField(blank=True, help_text="Why this track matters, in Markdown."),
        ),
        migrations.AlterField(
            model_name="section",
            name="body",
            field=articles.fields.MultilineTextField(help_text="Markdown."),
        ),
        migrations.RunPython(normalise_line_endings, migrations.RunPython.noop, elidable=True),
    ]
