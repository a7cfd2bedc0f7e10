"""The leader's close form, as the page and the phone's outbox post it, turned into what
services.close takes: one reading for both. The roll call's fields are named by the
roster member's user id <uid>:

    presence-<uid>  present | absent | leave   (missing: present, as the page preselects)
    ppe-<uid>       "1" when the protective equipment is in order (a checkbox)
    fitness-<uid>   fit | helper | off_work    (missing: fit)
    reason-<uid>    why the leader is not easy about the person
    helper-<uid>    the user id of the helper or the substitute
    confirm-<uid>   the leader's note confirming a worker without a phone

and tasks, lesson, extra_points, photo (a file). The service's refusals name a person's
fields "roll-<uid>-reason" and "roll-<uid>-helper_id"; the page shows them there."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict

from blueprints.briefings import services
from blueprints.briefings.models import Briefing, Fitness, Presence
from blueprints.briefings.permissions import check
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id
from blueprints.common.refusal import Refused
from blueprints.org.models import User
from blueprints.photos.services import save_upload


def helpers(briefing: Briefing) -> list[User]:
    """Who may help or stand in: the team's and the department's active people."""
    return list(db.session.scalars(select(User).where(
        User.enterprise_id == briefing.enterprise_id, User.active.is_(True),
        or_(User.team_id == briefing.team_id, User.department_id == briefing.department_id))
        .order_by(User.employee_no)))


def _choice(enum, fields: MultiDict, name: str, default):
    value = fields.get(name) or default
    member = enum.lookup(value)
    if member is None:
        raise Refused(_l("This choice is not one of the form's."), name)
    return member


def close_input(briefing: Briefing, fields: MultiDict) -> services.CloseInput:
    """One roll per roster member: the roster is the briefing's, whatever was posted."""
    rolls = []
    for line in briefing.attendees:
        uid = line.user_id
        rolls.append(services.Roll(
            user_id=uid,
            presence=_choice(Presence, fields, f"presence-{uid}", Presence.PRESENT),
            ppe_ok=bool(fields.get(f"ppe-{uid}")),
            fitness=_choice(Fitness, fields, f"fitness-{uid}", Fitness.FIT),
            reason=fields.get(f"reason-{uid}", "")[:services.MAX_TEXT],
            helper_id=optional_id(fields.get(f"helper-{uid}")),
            confirm_note=fields.get(f"confirm-{uid}", "")[:500]))
    return services.CloseInput(rolls=rolls, tasks=fields.get("tasks", ""), lesson=fields.get("lesson", ""),
                               extra_points=fields.get("extra_points", ""))


def close(briefing: Briefing, user: User, fields: MultiDict, files: MultiDict, closed_at: datetime | None,
          client_uuid: str | None) -> Briefing:
    """The close as posted, with its photo. Sent again under the same UUID, nothing
    changes. Raises Refused; the caller commits."""
    if client_uuid and briefing.close_uuid == client_uuid:
        return briefing
    # Asked before the photo is stored, so that a refusal leaves no photo behind.
    check(user, "close", briefing)
    data = close_input(briefing, fields)
    photo = save_upload(files.get("photo"), user.enterprise_id, user.id)
    try:
        return services.close(briefing, user, data, closed_at, photo.id if photo else None, client_uuid)
    except Refused as refused:
        _name_the_person(briefing, refused)
        raise


def _name_the_person(briefing: Briefing, refused: Refused) -> None:
    """The page shows a person's message next to his inputs; the phone's outbox shows only
    the first message, which must then say whose line it is."""
    field = refused.field or ""
    uid = optional_id(field.split("-")[1]) if field.startswith("roll-") else None
    line = next((line for line in briefing.attendees if line.user_id == uid), None)
    if line is not None:
        refused.message = _l("%(name)s: %(message)s", name=line.user.name, message=refused.message)
