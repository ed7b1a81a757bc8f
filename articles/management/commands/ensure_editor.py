import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create an editor account (who also moderates) with a random password if no editor exists yet, "
        "and say how to sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--admin-url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, admin_url, **options):
        User = get_user_model()
        editors = Group.objects.get(name="Editors")
        existing = User.objects.filter(is_active=True, is_staff=True).filter(groups=editors) | User.objects.filter(
            is_active=True, is_superuser=True
        )
        if existing.exists():
            names = ", ".join(sorted({user.get_username() for user in existing}))
            self.stdout.write(
                f"Admin: {admin_url} — sign in as {names} (forgot the password? "
                f"`.venv/bin/python manage.py changepassword <name>`)."
            )
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists but is not an editor; choose another --username.")
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        # The demo account also moderates, so a newcomer sees the comment queue too.
        user.groups.add(editors, *Group.objects.filter(name="Moderators"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the editor account (groups Editors and Moderators). Admin: {admin_url}\n"
                f"  user name: {username}\n  password:  {password}\n"
                "This password is shown only once: write it down (or change it with "
                f"`.venv/bin/python manage.py changepassword {username}`)."
            )
        )
