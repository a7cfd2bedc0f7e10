"""Login rules: who may log in, and how guessing is slowed down."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_login import login_remembered, login_user
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import Enterprise, LoginFailure, User

# Wrong passwords are counted per (login name, client address), so that a guesser
# elsewhere cannot lock the owner out, and per client address across all login names,
# so that one client cannot try a few passwords on each of many accounts. 20 in the
# window is far above what a site's workers mistype behind one shared address (a
# factory's Wi-Fi or a carrier's NAT) at a shift change, yet holds one guesser to some
# 25 tries a quarter of an hour. Past the free tries each further try waits twice as
# long as the one before (30 s, 60 s, ... up to 15 min).
FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
# Unknown and deactivated login names are checked against this, so that they cost one
# password hash like a real one and the time taken does not tell which names exist.
_DUMMY_HASH = generate_password_hash("not anyone's password")


def enterprise_by_code(code: str | None) -> Enterprise | None:
    """The only enterprise when there is one; otherwise the one with this code."""
    if code:
        return db.session.scalar(select(Enterprise).where(Enterprise.code == code.strip()))
    enterprises = db.session.scalars(select(Enterprise).limit(2)).all()
    return enterprises[0] if len(enterprises) == 1 else None


def needs_enterprise_code() -> bool:
    return db.session.scalar(select(func.count(Enterprise.id))) > 1


def _wait(failures: int, last, free: int) -> int:
    if failures < free:
        return 0
    delay = min(FIRST_DELAY_SECONDS * 2 ** (failures - free), MAX_DELAY_SECONDS)
    remaining = (last + timedelta(seconds=delay) - clock.now()).total_seconds()
    return max(0, int(remaining + 0.999))


def seconds_to_wait(enterprise_id: int, identifier: str, remote_addr: str | None) -> int:
    """How long this client must wait before trying this login name again."""
    recent = select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
        LoginFailure.remote_addr == remote_addr, LoginFailure.at >= clock.now() - FAILURE_WINDOW)
    account = db.session.execute(recent.where(LoginFailure.enterprise_id == enterprise_id,
                                              LoginFailure.identifier == identifier)).one()
    address = db.session.execute(recent).one()
    return max(_wait(*account, FREE_FAILURES), _wait(*address, ADDRESS_FREE_FAILURES))


def authenticate(enterprise: Enterprise | None, identifier: str, password: str,
                 remote_addr: str | None) -> User:
    """The user, or Refused: no such enterprise; too many wrong passwords lately (429,
    nothing checked); a wrong name or password (counted, and committed)."""
    identifier = identifier.strip()
    if enterprise is None:
        raise Refused(_l("No enterprise has this code."), "enterprise_code")
    wait = seconds_to_wait(enterprise.id, identifier, remote_addr)
    if wait:
        raise Refused(_l("Too many wrong passwords. Please wait %(seconds)s seconds and try again.",
                         seconds=wait), status=429)
    user = db.session.scalar(select(User).where(
        User.enterprise_id == enterprise.id,
        or_(User.employee_no == identifier, User.mobile == identifier)))
    if user is not None and user.active:
        matches = user.check_password(password)
    else:
        check_password_hash(_DUMMY_HASH, password)  # the same cost as a real name
        matches = False
    if not matches:
        db.session.add(LoginFailure(enterprise_id=enterprise.id, identifier=identifier,
                                    remote_addr=remote_addr))
        db.session.commit()
        raise Refused(_l("Wrong employee number, mobile number or password."))
    # Only this client's failures: a guesser elsewhere keeps waiting.
    db.session.execute(db.delete(LoginFailure).where(
        LoginFailure.enterprise_id == enterprise.id, LoginFailure.identifier == identifier,
        LoginFailure.remote_addr == remote_addr))
    db.session.commit()
    return user


def renew_login(user: User) -> None:
    """After one's own password change ended every session: this one goes on, with the
    new session version (and a new remember-me cookie if it had one)."""
    login_user(user, remember=login_remembered())
