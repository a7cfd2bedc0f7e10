"""Login rules: who may log in, and how guessing is slowed down."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, LoginFailure, User

FREE_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None          # "unknown_enterprise", "bad_credentials", "slowed"
    wait_seconds: int = 0


def enterprise_by_code(code: str | None) -> Enterprise | None:
    """The only enterprise when there is one; otherwise the one with this code."""
    if code:
        return db.session.scalar(select(Enterprise).where(Enterprise.code == code.strip()))
    enterprises = db.session.scalars(select(Enterprise).limit(2)).all()
    return enterprises[0] if len(enterprises) == 1 else None


def needs_enterprise_code() -> bool:
    return db.session.scalar(select(func.count(Enterprise.id))) > 1


def seconds_to_wait(enterprise_id: int, identifier: str) -> int:
    """After FREE_FAILURES wrong passwords within the window, each further try
    waits twice as long as the one before (30 s, 60 s, ... up to 15 min)."""
    since = clock.now() - FAILURE_WINDOW
    count, last = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.enterprise_id == enterprise_id,
            LoginFailure.identifier == identifier,
            LoginFailure.at >= since)).one()
    if count < FREE_FAILURES:
        return 0
    delay = min(FIRST_DELAY_SECONDS * 2 ** (count - FREE_FAILURES), MAX_DELAY_SECONDS)
    remaining = (last + timedelta(seconds=delay) - clock.now()).total_seconds()
    return max(0, int(remaining + 0.999))


def authenticate(enterprise: Enterprise | None, identifier: str, password: str,
                 remote_addr: str | None) -> LoginResult:
    identifier = identifier.strip()
    if enterprise is None:
        return LoginResult(error="unknown_enterprise")
    wait = seconds_to_wait(enterprise.id, identifier)
    if wait:
        return LoginResult(error="slowed", wait_seconds=wait)
    user = db.session.scalar(select(User).where(
        User.enterprise_id == enterprise.id,
        or_(User.employee_no == identifier, User.mobile == identifier)))
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(enterprise_id=enterprise.id, identifier=identifier,
                                    remote_addr=remote_addr))
        db.session.commit()
        return LoginResult(error="bad_credentials")
    db.session.execute(db.delete(LoginFailure).where(
        LoginFailure.enterprise_id == enterprise.id, LoginFailure.identifier == identifier))
    db.session.commit()
    return LoginResult(user=user)
