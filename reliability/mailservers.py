"""Mail servers a scenario or test owns, on free ports: one that keeps what it is sent (aiosmtpd), and one that
accepts connections and never says a word (a mail server that hangs)."""

import asyncio
import logging
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from .servers import free_port

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's: a line per command otherwise


class MailServer:
    """An SMTP server that keeps each message it accepts. ``refuse``: it answers every message "451 try again
    later" (nothing is delivered). ``hold``: it keeps each message, then waits for ``release()`` before answering,
    so the sender can be stopped after the message arrived and before it heard so; ``delay``: it keeps each
    message, then answers after that many seconds; ``refuse_to``: it refuses the messages to these addresses."""

    def __init__(
        self, *, refuse: bool = False, hold: bool = False, delay: float = 0, refuse_to: frozenset[str] = frozenset()
    ):
        self.refuse, self.hold, self.delay, self.refuse_to = refuse, hold, delay, refuse_to
        self.port = free_port()
        self.messages: list[Envelope] = []
        self.attempts = 0  # messages sent to it, kept or refused
        self.received = threading.Event()
        self.released = threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:  # aiosmtpd's handler hook
        self.attempts += 1
        if self.refuse or self.refuse_to & set(envelope.rcpt_tos):
            return "451 4.3.0 Try again later"
        self.messages.append(envelope)
        self.received.set()
        if self.hold:
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait)
        await asyncio.sleep(self.delay)
        return "250 OK"

    def headers(self, name: str) -> list[str]:
        """The value of this header in each message kept, in order."""
        return [
            line.removeprefix(f"{name}: ")
            for envelope in self.messages
            for line in envelope.content.decode().splitlines()
            if line.startswith(f"{name}: ")
        ]

    def subjects(self) -> list[str]:
        return self.headers("Subject")

    def emails(self) -> list[EmailMessage]:
        """Each message kept, parsed (headers decoded, parts reachable with ``get_body()``)."""
        return [message_from_bytes(envelope.content, policy=policy.default) for envelope in self.messages]

    def release(self) -> None:
        self.released.set()

    def start(self) -> "MailServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.release()
        self.controller.stop()


class SilentMailServer:
    """Accepts connections and never answers, not even the greeting: a mail server that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed by stop()
                return
            self.connections.append(connection)

    def start(self) -> "SilentMailServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()
