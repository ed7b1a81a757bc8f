import logging


class WithoutTraceback(logging.Filter):
    """Keep the message, drop the traceback: for errors that are the client's, not the code's (a forged Host
    header is logged as one line, not thirty)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class Except(logging.Filter):
    """Let through every record but those of the named loggers (and their children): for a handler that their
    records reach by propagation and should not (the admins' email and forged Host headers)."""

    def __init__(self, loggers: list[str]):
        super().__init__()
        self.loggers = tuple(loggers)

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.name == name or record.name.startswith(f"{name}.") for name in self.loggers)
