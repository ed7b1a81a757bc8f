"""Load with faults and the backup drill (issue 6): `make reliability`, docs/RELIABILITY.md.

Every scenario runs against servers it creates and owns — a throwaway PostgreSQL cluster, a throwaway Redis and
gunicorn app servers — so it can restart or stop them without touching anyone else's.
"""
