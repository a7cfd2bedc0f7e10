"""The rotating sign-in code: an HMAC of the minute, keyed by the briefing's secret. The
leader's page computes it with no signal (static/js/briefing.js does the same sums); the
server checks a sign-in against the minute the worker's phone scanned it in."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

EPOCH = datetime(1970, 1, 1)
# Two phones' clocks rarely agree to the second: a scan this far either side of the
# code's minute still counts. A photo of the code used later does not.
CLOCK_SKEW = timedelta(seconds=60)
CODE_LENGTH = 8


def new_secret() -> str:
    return secrets.token_hex(16)


def minute_of(moment: datetime) -> int:
    """Minutes since 1970 of a naive UTC moment, as JavaScript's Date.now() / 60000."""
    return int((moment - EPOCH).total_seconds() // 60)


def start_of(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


def code_for(secret: str, briefing_id: int, minute: int) -> str:
    message = f"{briefing_id}:{minute}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:CODE_LENGTH]


def code_matches(secret: str, briefing_id: int, minute: int, code: str) -> bool:
    return hmac.compare_digest(code_for(secret, briefing_id, minute), (code or "").strip().lower())


def scanned_in_minute(minute: int, scanned_at: datetime) -> bool:
    begins = start_of(minute)
    return begins - CLOCK_SKEW <= scanned_at < begins + timedelta(minutes=1) + CLOCK_SKEW
