"""One enterprise never sees another's rows.

Every GET route of the app that takes an integer id is requested by every role of
enterprise A with the ids of enterprise B's rows. The routes are read from the URL map,
so routes added later are covered too. An argument `thing_id` means a row of the table
`thing`; other names are listed in ARG_TABLES, and integers that are not row ids in
UNMAPPED with the reason. A row the builders below do not make is made minimally.
"""
import io
import itertools
from datetime import date, time
from decimal import Decimal
from enum import EnumMeta

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.inspections import services as inspections
from blueprints.inspections.models import Inspection, InspectionAnswer
from blueprints.org.models import User
from blueprints.photos import services as photos
from blueprints.reporting import services as reporting
from tests import factories

# URL argument name -> table, where the name is not "<table>_id".
ARG_TABLES = {
    "point_id": "risk_point",
    "session_id": "lesson_session",
    "robot_id": "robot_webhook",
    "subscription_id": "push_subscription",
}

# Integer arguments that are not ids of an enterprise's rows: {name: why}.
UNMAPPED: dict[str, str] = {}


def _int_args(rule) -> list[str]:
    return [name for name, converter in rule._converters.items()
            if isinstance(converter, IntegerConverter)]


def _model(arg: str):
    """The model whose id the URL argument carries, or None."""
    table = ARG_TABLES.get(arg, arg.removesuffix("_id") if arg.endswith("_id") else None)
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == table:
            return mapper.class_
    return None


def _word_values() -> dict[str, list[str]]:
    """Values for the other parts of URLs with ids; each route is tried with every one."""
    from blueprints.hazards.routes import ACTION_PAGES
    return {"action": list(ACTION_PAGES)}


# --- rows of each enterprise ----------------------------------------------------------------

def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def _with_records(**enterprise_kw):
    """A standard enterprise plus a photo, an inspection and a hazard of its own."""
    s = factories.standard_enterprise(**enterprise_kw)
    photo = photos.save_photo(_png(), s.enterprise.id, s.worker.id)
    scan = inspections.record_scan(s.worker, s.point.current_token, "pytest")
    version = s.point.checklist
    inspection = Inspection(
        enterprise_id=s.enterprise.id, risk_point_id=s.point.id, checklist_version_id=version.id,
        level=version.items[0].level, frequency_key=version.items[0].frequency_key,
        user_id=s.worker.id, done_at=clock.now(), scan_id=scan.id)
    db.session.add(inspection)
    db.session.flush()
    db.session.add(InspectionAnswer(enterprise_id=s.enterprise.id, inspection_id=inspection.id,
                                    item_id=version.items[0].id, result="abnormal",
                                    note="压力表失灵", photo_id=photo.id))
    transitions.report_hazard(s.worker, transitions.HazardReport(
        description="压力表失灵", department_id=s.department.id, team_id=s.team.id,
        risk_point_id=s.point.id, inspection_id=inspection.id, photo_id=photo.id))
    # A report waiting for its answer (the first, which the URLs use) and one accepted with its reward.
    reporting.submit(s.worker, reporting.ReportInput(kind="act", location="门口"), lambda: [photo.id])
    accepted = reporting.submit(s.worker, reporting.ReportInput(kind="equipment", description="漏油",
                                                                risk_point_id=s.point.id))
    reporting.accept(accepted, s.safety_officer, reporting.Acceptance("漏油", s.department.id))
    db.session.commit()
    return s


_serial = itertools.count(1)
_SAMPLES = {str: lambda: f"isolation-{next(_serial)}", int: lambda: 1, float: lambda: 1.0,
            Decimal: lambda: Decimal(1), bool: lambda: False, dict: dict,
            time: lambda: time(8), date: lambda: clock.now().date(), type(clock.now()): clock.now}


def _row_id(model, enterprise_id: int) -> int:
    """One of the enterprise's rows of this model, made minimally if there is none:
    required columns get a sample value, foreign keys a row of the same enterprise."""
    stmt = select(model.id).order_by(model.id).limit(1)
    if "enterprise_id" in model.__table__.c:
        stmt = stmt.where(model.__table__.c.enterprise_id == enterprise_id)
    found = db.session.scalar(stmt)
    if found is not None:
        return found
    values = {}
    for column in model.__table__.columns:
        if column.primary_key or column.nullable or column.default is not None:
            continue
        if column.name == "enterprise_id":
            values[column.key] = enterprise_id
        elif column.foreign_keys:
            target = next(iter(column.foreign_keys)).column.table
            values[column.key] = _row_id(next(m.class_ for m in db.Model.registry.mappers
                                              if m.local_table is target), enterprise_id)
        else:
            kind = column.type.python_type
            # A labelled enum's column: its first member.
            values[column.key] = next(iter(kind)) if isinstance(kind, EnumMeta) else _SAMPLES[kind]()
    row = model(**values)
    db.session.add(row)
    db.session.commit()
    return row.id


def _get_urls(app, enterprise_id: int) -> list[str]:
    """Every GET URL of the app with an id argument, filled with the enterprise's ids."""
    words = _word_values()
    urls = []
    for rule in app.url_map.iter_rules():
        ints = _int_args(rule)
        if "GET" not in rule.methods or not ints or set(ints) & UNMAPPED.keys():
            continue
        others = sorted(set(rule.arguments) - set(ints))
        assert set(others) <= words.keys(), f"give values for {others} in _word_values()"
        ids = {}
        for name in ints:
            ids[name] = _row_id(_model(name), enterprise_id)
            assert db.session.get(_model(name), ids[name]).enterprise_id == enterprise_id
        for combination in itertools.product(*(words[name] for name in others)):
            urls.append(rule.build({**ids, **dict(zip(others, combination, strict=True))})[1])
    return urls


def _roles(s) -> list[User]:
    return [value for value in vars(s).values() if isinstance(value, User)]


# --- the tests ------------------------------------------------------------------------------

def test_every_integer_argument_is_mapped_to_a_model(app):
    """Does every integer URL argument of the app name a table (or have a reason not to)?"""
    seen = {arg for rule in app.url_map.iter_rules() for arg in _int_args(rule)}
    unknown = {arg for arg in seen - UNMAPPED.keys() if _model(arg) is None}
    assert not unknown, (f"name these URL arguments' tables in ARG_TABLES, or list them in "
                         f"UNMAPPED with the reason: {sorted(unknown)}")


@pytest.fixture
def two(app):
    return _with_records(code="a"), _with_records(code="b")


def test_no_role_sees_another_enterprises_rows(app, client, auth, two):
    """Does every GET route with an id answer 404 or 403 to every role of A for B's rows?"""
    a, b = two
    urls = _get_urls(app, b.enterprise.id)
    assert urls
    leaks = []
    for user in _roles(a):
        assert auth.login(user, enterprise_code="a").status_code == 302
        for url in urls:
            status = client.get(url).status_code
            if status not in (403, 404):
                leaks.append(f"{user.role} GET {url} -> {status}")
        auth.logout()
    assert not leaks, "enterprise A reached B's rows:\n" + "\n".join(leaks)


def test_the_same_routes_serve_the_own_enterprises_rows(app, client, auth, two):
    """Control: does each of those routes serve A's own rows to some role of A, so that
    the 404s above come from isolation and not from badly built URLs?"""
    a, _b = two
    unserved = []
    for url in _get_urls(app, a.enterprise.id):
        statuses = set()
        for user in _roles(a):
            auth.login(user, enterprise_code="a")
            statuses.add(client.get(url).status_code)
            auth.logout()
        if statuses == {404}:
            unserved.append(url)
    assert not unserved, f"these routes answer 404 to every role even for own rows: {unserved}"
