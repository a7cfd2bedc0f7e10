"""Certificates (持证上岗: the 三项人员 and special operations, 100% certified): recorded
from the paper by the safety staff, with its photo; a renewal or a correction replaces
one, nothing is edited. What is in force, expiring or expired on a day is one condition
each (gate.valid_on and below), for the lists, the homes and the escalation ladder."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from blueprints.common import audit
from blueprints.common.extensions import db
from blueprints.common.permissions import TABLES, check
from blueprints.common.predicates import holds
from blueprints.common.refusal import Refused
from blueprints.org.models import Role, User
from blueprints.photos.models import Photo
from blueprints.training.gate import local_today, valid_on
from blueprints.training.models import Certificate, CertificateKind, Operation

MAX_NUMBER = 64
MAX_ISSUER = 200
# A certificate is recorded with its last day at most this far ahead (the longest are six years).
MAX_YEARS = 12


@dataclass
class CertificateInput:
    user_id: int | None
    kind: str
    operation: str
    number: str
    issued_by: str
    issued_on: date | None
    expires_on: date | None
    photo_id: int | None = None


def _errors(actor: User, data: CertificateInput, today: date) -> dict:
    errors = {}
    holder = db.session.get(User, data.user_id) if data.user_id else None
    if holder is None or holder.enterprise_id != actor.enterprise_id or not holder.active:
        errors["user_id"] = _l("Choose whose certificate this is.")
    kind = CertificateKind.lookup(data.kind)
    if kind is None:
        errors["kind"] = _l("Choose the kind of certificate.")
    if kind == CertificateKind.SPECIAL and Operation.lookup(data.operation) is None:
        errors["operation"] = _l("Choose the operation the certificate allows.")
    if not data.number.strip():
        errors["number"] = _l("Enter the certificate's number as printed on it.")
    elif len(data.number.strip()) > MAX_NUMBER:
        errors["number"] = _l("The number is at most %(max)s characters.", max=MAX_NUMBER)
    if not data.issued_by.strip():
        errors["issued_by"] = _l("Enter who issued it.")
    if data.expires_on is None:
        errors["expires_on"] = _l("Enter the last day it is valid (YYYY-MM-DD).")
    elif data.expires_on > today + timedelta(days=366 * MAX_YEARS):
        errors["expires_on"] = _l("This is more than %(years)s years ahead: check the date.", years=MAX_YEARS)
    elif data.issued_on is not None and data.issued_on > data.expires_on:
        errors["issued_on"] = _l("It cannot be issued after its last valid day.")
    if data.issued_on is not None and data.issued_on > today:
        errors["issued_on"] = _l("The day of issue is still to come: check the date.")
    if data.photo_id is not None:
        photo = db.session.get(Photo, data.photo_id)
        if photo is None or photo.enterprise_id != actor.enterprise_id or photo.uploaded_by_id != actor.id:
            errors["photo"] = _l("This picture was not found. Please take it again.")
    return errors


def record(actor: User, data: CertificateInput, replaces: Certificate | None = None,
           new_photo=lambda: None) -> Certificate:
    """A certificate as printed on the paper; replacing one (a renewal, or a correction of a
    mistake) notes the new one on the old, which stays as it was. new_photo() stores the
    photo just taken (its id, or None), called once the rest is known to be right, so that
    a mistyped date does not lose it."""
    if replaces is not None:
        check(actor, "replace", replaces)
        data.user_id = replaces.user_id
    check(actor, "record", Certificate(enterprise_id=actor.enterprise_id, user_id=data.user_id))
    errors = _errors(actor, data, local_today(actor))
    if errors:
        raise Refused.many(errors)
    data.photo_id = new_photo() or data.photo_id
    kind = CertificateKind(data.kind)
    row = Certificate(enterprise_id=actor.enterprise_id, user_id=data.user_id, kind=kind,
                      operation=Operation(data.operation) if kind == CertificateKind.SPECIAL else None,
                      number=data.number.strip(), issued_by=data.issued_by.strip()[:MAX_ISSUER],
                      issued_on=data.issued_on, expires_on=data.expires_on, photo_id=data.photo_id,
                      recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    if replaces is not None:
        replaces.replaced_by_id = row.id
    audit.record(actor.enterprise_id, actor.id, "certificate.recorded", row, user_id=row.user_id,
                 kind=kind.value, number=row.number, expires_on=row.expires_on.isoformat(),
                 replaces=replaces.id if replaces else None)
    db.session.flush()
    return row


# --- what is in force, expiring or expired ------------------------------------------------

def expiring_on(day: date, warning_days: int):
    """In force but with its last day within the warning: told to holder and safety officer."""
    return and_(valid_on(day), Certificate.expires_on <= day + timedelta(days=warning_days))


def expired_on(day: date):
    """Past its last day and not replaced: the holder may not do what it allows."""
    return and_(Certificate.replaced_by_id.is_(None), Certificate.expires_on < day)


STATES = {"expiring": expiring_on, "expired": lambda day, _days: expired_on(day)}


def state_of(certificate: Certificate, today: date, warning_days: int) -> str:
    """replaced, expired, expiring or valid: what the lists' badges say, by the same
    conditions as the lists and the ladder."""
    if certificate.replaced_by_id is not None:
        return "replaced"
    for state, condition in STATES.items():
        if holds(condition(today, warning_days), certificate):
            return state
    return "valid"


def _of_active_people():
    """Certificates of people still working here, with their holders loaded."""
    return (select(Certificate).options(selectinload(Certificate.user).selectinload(User.team))
            .join(User, User.id == Certificate.user_id).where(User.active.is_(True)))


def listed(user: User, state: str | None = None, kind: str | None = None):
    """The certificates the user sees, soonest to lapse first; replaced ones only on their
    holder's record."""
    query = _of_active_people().where(TABLES[Certificate].seen_by(user), Certificate.replaced_by_id.is_(None))
    if state in STATES:
        query = query.where(STATES[state](local_today(user), user.enterprise.certificate_warning_days))
    if CertificateKind.lookup(kind):
        query = query.where(Certificate.kind == kind)
    return query.order_by(Certificate.expires_on, Certificate.id)


def counts(user: User) -> dict[str, int]:
    """The homes of the safety staff: how many certificates of active people are expired,
    and how many expire within the warning."""
    return {state: db.session.scalar(select(func.count()).select_from(listed(user, state).subquery()))
            for state in ("expired", "expiring")}


# Whose home shows the certificates lapsing.
COUNTS_SHOWN = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)


def of_holder(holder: User) -> list[Certificate]:
    """Every certificate of the person, those in force first, then replaced ones."""
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == holder.id)
                              .order_by(Certificate.expires_on.desc(), Certificate.id.desc())).all()
    return sorted(rows, key=lambda c: c.replaced_by_id is not None)


def lapsing(enterprise_id: int, today: date, warning_days: int) -> tuple[list, list]:
    """(expiring, expired) of the enterprise's active people: the escalation ladder's rungs."""
    def of(condition):
        return list(db.session.scalars(_of_active_people().where(
            Certificate.enterprise_id == enterprise_id, condition).order_by(Certificate.id)))
    return of(expiring_on(today, warning_days)), of(expired_on(today))
