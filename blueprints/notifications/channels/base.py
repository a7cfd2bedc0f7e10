"""What every channel shares: its interface, its targets and results, inert user text."""
import re
from dataclasses import dataclass, field
from typing import Protocol

from blueprints.notifications.escalation import Alert
from blueprints.notifications.models import Delivery


@dataclass
class Target:
    id: int                      # remembered in Delivery.done_targets once reached
    label: str
    data: dict = field(default_factory=dict)


@dataclass
class Result:
    ok: bool
    retry: bool = False          # passing trouble (429, 5xx, network): try again later
    gone: bool = False           # the target no longer exists (push 404/410)
    error: str = ""
    retry_after: int | None = None


# Full-width twins, which read the same to a Chinese reader and mean nothing to markdown.
_MARKDOWN = str.maketrans({"\\": "＼", "`": "｀", "*": "＊", "_": "＿", "[": "［", "]": "］",
                           "(": "（", ")": "）", "!": "！", "<": "＜", ">": "＞", "#": "＃",
                           "|": "｜", "~": "～"})


def inert_text(text: str) -> str:
    """Text a user wrote, made unable to become a link in a group chat (the apps turn
    any "scheme://" into one): the colon becomes a full-width one."""
    return re.sub(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)", r"\1：", text)


def inert_markdown(text: str) -> str:
    """User text for a markdown message: no formatting, link, image or HTML of its own."""
    return inert_text(text).translate(_MARKDOWN)


class Channel(Protocol):
    name: str

    def recipient_ids(self, alert: Alert) -> list[int]:
        """Who gets a claim row for this alert on this channel."""

    def targets(self, delivery: Delivery) -> list[Target]:
        """Where one delivery goes (a person's devices, one robot), as plain data."""

    def send(self, payload: dict, target: Target) -> Result:
        """Network only; never raises for the far side's failures."""

    def settle(self, target: Target, result: Result) -> None:
        """Bookkeeping after sending (forget a dropped device)."""
