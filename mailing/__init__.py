"""Mail to readers: messages that mail clients like, unsubscribe links that work in one click, tokens that expire.

Shared by the apps that write to readers (reply notices, confirmations, digests, privacy requests); it imports
nothing of theirs. Each app registers its kind of mailing list (``lists.register``) for the unsubscribe page.
"""
