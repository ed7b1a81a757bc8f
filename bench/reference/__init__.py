"""The bare Django app the bench reads every page against: what `django-admin startproject` makes (its settings and
middleware), plus one view that returns the ceiling's static page of the size asked for. No database query, no
template, none of the site's apps. Served by gunicorn with the site's gunicorn.conf.py (bench/servers.py)."""
