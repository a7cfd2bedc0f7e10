"""The rotating sign-in code, one mechanism for every gathering that takes attendance in
person (the morning briefing, the first lesson): an HMAC of the minute, keyed by the
gathering's secret. The chair's page computes it with no signal (static/js/rotating-code.js
does the same sums); the server checks a sign-in against the minute the attendee's phone
scanned it in, and the time the gathering ran (check_scan)."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from blueprints.common.refusal import Refused

EPOCH = datetime(1970, 1, 1)
# Two phones' clocks rarely agree to the second: a scan this far either side of the
# code's minute still counts. A photo of the code used later does not.
CLOCK_SKEW = timedelta(seconds=60)
CODE_LENGTH = 8

STALE = _l("This code had already changed when it was scanned. Scan the code on the leader's "
           "screen again (and check that your phone's clock is right).")
WRONG = _l("This is not the code of this briefing. Scan the code on your leader's screen again.")
NOT_RUNNING = _l("The briefing was not running when this code was scanned.")


def new_secret() -> str:
    return secrets.token_hex(16)


def minute_of(moment: datetime) -> int:
    """Minutes since 1970 of a naive UTC moment, as JavaScript's Date.now() / 60000."""
    return int((moment - EPOCH).total_seconds() // 60)


def start_of(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


def code_for(secret: str, subject_id: int, minute: int) -> str:
    message = f"{subject_id}:{minute}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:CODE_LENGTH]


def code_matches(secret: str, subject_id: int, minute: int, code: str) -> bool:
    return hmac.compare_digest(code_for(secret, subject_id, minute), (code or "").strip().lower())


def scanned_in_minute(minute: int, scanned_at: datetime) -> bool:
    begins = start_of(minute)
    return begins - CLOCK_SKEW <= scanned_at < begins + timedelta(minutes=1) + CLOCK_SKEW


def check_scan(secret: str, subject_id: int, minute: int | None, code: str, scanned_at: datetime,
               started_at: datetime | None, closed_at: datetime | None,
               wrong=WRONG, stale=STALE, not_running=NOT_RUNNING) -> None:
    """A sign-in counts when the code is the gathering's for that minute, the phone scanned
    it in that minute, and the gathering was running then (one queued offline and sent after
    the close still counts). Else Refused on the field `code`, in the gathering's words."""
    if minute is None or not code_matches(secret, subject_id, minute, code):
        raise Refused(wrong, "code")
    if not scanned_in_minute(minute, scanned_at):
        raise Refused(stale, "code", status=409)
    if started_at is None or scanned_at < started_at - CLOCK_SKEW or (
            closed_at is not None and scanned_at > closed_at + CLOCK_SKEW):
        raise Refused(not_running, "code", status=409)
