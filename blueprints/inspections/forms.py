"""The check form's fields, turned into the plain data services.submit_check takes, for
the page and the phone's outbox alike. The items are the checklist's, so the fields are
named by item id rather than declared."""
from datetime import datetime

from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from blueprints.common import clock
from blueprints.common.inputs import optional_id
from blueprints.inspections import services
from blueprints.inspections.models import Inspection
from blueprints.inspections.services import Answer, Group, PointResult, ScanInfo
from blueprints.org.models import User
from blueprints.photos.services import MAX_UPLOAD_BYTES
from blueprints.risk_points.models import RiskPoint


def _read(upload: FileStorage | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    # One byte more than allowed, so that save_photo can tell "too large" apart.
    return upload.read(MAX_UPLOAD_BYTES + 1) or None


def answers(form: ImmutableMultiDict, files: ImmutableMultiDict, item_ids) -> list[Answer]:
    """Only the items shown; unanswered ones are left out for the service to refuse."""
    result = []
    for item_id in item_ids:
        choice = form.get(f"result-{item_id}")
        if choice is None:
            continue
        result.append(Answer(item_id=item_id, result=choice,
                             note=form.get(f"note-{item_id}", "")[:2000],
                             photo=_read(files.get(f"photo-{item_id}"))))
    return result


def scan_info(form: ImmutableMultiDict) -> ScanInfo | None:
    token, scanned_at = form.get("scan_token"), clock.parse_utc(form.get("scanned_at"))
    if not token or scanned_at is None:
        return None
    return ScanInfo(token=token[:64], scanned_at=scanned_at,
                    client_uuid=(form.get("scan_uuid") or None))


def units(form: ImmutableMultiDict) -> list[tuple[str, str]]:
    """(level, frequency key) of each group the form shows, in its order: a "unit" field
    "level|key" each; a one-group form queued by an older page carries level and freq."""
    pairs = [(level, key) for level, _, key in (u.partition("|") for u in form.getlist("unit"))]
    return list(dict.fromkeys(pairs or [(form.get("level", ""), form.get("freq", ""))]))


def previous(form: ImmutableMultiDict, client_uuid: str | None) -> list[Inspection]:
    """The inspections an earlier send of this form made: all of its groups or none, as
    they are stored in one transaction."""
    if services.by_client_uuid(client_uuid) is None:
        return []
    found = (services.by_client_uuid(services.group_uuid(client_uuid, index, level, key))
             for index, (level, key) in enumerate(units(form)))
    return [inspection for inspection in found if inspection is not None]


def submit(user: User, point: RiskPoint, form: ImmutableMultiDict, files: ImmutableMultiDict, *,
           done_at: datetime | None, client_uuid: str | None, user_agent: str) -> PointResult:
    """A check of one or more groups of a point as its form sends it: whether the user may
    do each (services.NotYourCheck), the items of the checklist version the phone showed,
    then the answers, stored together. Raises Refused."""
    version_id, groups = optional_id(form.get("version_id")), []
    for level, frequency_key in units(form):
        if not services.may_check(user, point, level, done_at):
            raise services.NotYourCheck(services.check_refusal(user, point, level, done_at), status=403)
        version, items = services.unit_items(point, version_id, level, frequency_key)
        version_id = version.id
        groups.append(Group(level, frequency_key, answers(form, files, [item.id for item in items])))
    return services.submit_point(
        user, point, groups, done_at=done_at, client_uuid=client_uuid, version_id=version_id,
        scan=scan_info(form), typed_code=form.get("typed_code", "")[:40], user_agent=user_agent)
