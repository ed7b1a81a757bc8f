import articles.images
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_templates")]

    operations = [
        migrations.AddField(
            model_name='article',
            name='cover',
            field=models.ImageField(blank=True, help_text='A JPEG, PNG or WebP image, wide rather than tall; smaller copies are made for each screen size.', max_length=255, upload_to=articles.images.cover_upload_to, validators=[articles.images.validate_cover_image], verbose_name='cover image'),
        ),
        migrations.AddField(
            model_name='article',
            name='cover_alt',
            field=models.CharField(blank=True, help_text='What the image shows, for readers who cannot see it. Required with a cover image.', max_length=300, verbose_name='cover alt text'),
        ),
        migrations.AddField(
            model_name='article',
            name='cover_renditions',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name='composer',
            name='photo',
            field=models.ImageField(blank=True, help_text='Optional. A JPEG, PNG or WebP portrait; smaller copies are made for each screen size.', max_length=255, upload_to=articles.images.composer_photo_upload_to, validators=[articles.images.validate_composer_photo]),
        ),
        migrations.AddField(
            model_name='composer',
            name='photo_alt',
            field=models.CharField(blank=True, help_text='What the photo shows. Required with a photo.', max_length=300, verbose_name='photo alt text'),
        ),
        migrations.AddField(
            model_name='composer',
            name='photo_renditions',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
    ]
