"""SMTP delivery: one multipart message (plain text + HTML) per digest.

Kept apart from the digest logic so tests and other transports can replace `send`
with any callable that takes (settings, message).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from monitor.config import EmailSettings

log = logging.getLogger(__name__)


class MailError(Exception):
    """The SMTP server could not be reached or refused the message."""


class NotConfigured(Exception):
    """The [email] table lacks host, sender or recipients."""


def check(settings: EmailSettings) -> None:
    missing = [k for k in ("host", "sender", "recipients") if not getattr(settings, k)]
    if missing:
        raise NotConfigured(f"email.{missing[0]} is not set")


def build_message(settings: EmailSettings, subject: str, text: str, html: str,
                  message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send(settings: EmailSettings, msg: EmailMessage, timeout: float = 30.0) -> None:
    """Deliver `msg`; any network or SMTP failure becomes one MailError line."""
    check(settings)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            refused = smtp.send_message(msg, to_addrs=settings.recipients)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"sending to {settings.host}:{settings.port} failed: "
                        f"{type(exc).__name__}: {exc}") from exc
    if refused:
        # Some recipients got it: count it as sent, so nobody gets it twice.
        log.warning("recipients refused: %s", ", ".join(refused))
