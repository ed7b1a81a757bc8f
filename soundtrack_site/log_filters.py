import logging


class WithoutTraceback(logging.Filter):
    """Keep the message, drop the traceback: for errors that are the client's, not the code's (a forged Host
    header is logged as one line, not thirty)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
