"""Who is asking, and how often: client addresses behind the proxies the site trusts, and rate limits by them.

Shared by the apps (comments, reports) and the sign-in throttle (django-axes); it imports nothing of theirs.
"""
