class CommentRefused(Exception):
    """A submission (a comment, an edit, a report) cannot be accepted; ``message`` says why, for the reader, and
    ``code`` what kind of refusal it is (the views choose the HTTP status by it)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
