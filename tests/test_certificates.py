"""持证上岗: certificates recorded from the paper and replaced, never edited; a point whose
team check needs one refuses whoever holds none valid; lapsing certificates go to their
holder and the safety officer once per threshold, and expired ones up to the director."""
import io
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.inspections import due
from blueprints.inspections.models import Inspection
from blueprints.notifications import escalation
from blueprints.notifications import services as notifications
from blueprints.notifications.models import Notification
from blueprints.training.models import Certificate, CertificateKind, Operation
from tests import factories
from tests.factories import count
from tests.factories_training import give_certificate
from tests.test_inspections import form_for
from tests.test_org import settings_form
from tests.test_risk_points import point_form
from tests.test_sync import check_item
from tests.test_sync import post as post_outbox

# 2027-03-01 09:00 in Shanghai.
NOW = datetime(2027, 3, 1, 1, 0)
TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


@pytest.fixture
def electrical(ent):
    """The team's point is a switch room: its team check needs an electrician's certificate."""
    ent.point.required_certificate = CertificateKind.SPECIAL
    ent.point.required_operation = Operation.ELECTRICAL
    db.session.commit()
    return ent.point


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def _form(**overrides):
    data = {"kind": "special", "operation": "electrical", "number": "T370102199001011234",
            "issued_by": "济南市应急管理局", "issued_on": "2024-03-01", "expires_on": "2030-02-28"}
    return {**data, **overrides}


# --- recording -----------------------------------------------------------------------------

def test_the_safety_officer_records_a_certificate_with_its_photo(client, auth, ent):
    auth.login(ent.safety_officer)
    answer = client.post("/training/certificates/new", data={
        **_form(user_id=ent.worker.id), "photo": (io.BytesIO(factories.jpeg_bytes()), "c.jpg")},
        content_type="multipart/form-data")
    assert answer.status_code == 302
    row = _fresh(Certificate, int(answer.headers["Location"].rsplit("/", 1)[1]))
    assert (row.user_id, row.kind, row.operation, row.expires_on) == (
        ent.worker.id, CertificateKind.SPECIAL, Operation.ELECTRICAL, date(2030, 2, 28))
    assert row.photo_id is not None and row.recorded_by_id == ent.safety_officer.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.recorded")) is not None
    # The holder sees his certificate and its photo; another worker sees neither.
    auth.logout()
    auth.login(ent.worker)
    assert "T370102199001011234" in client.get("/training/my").get_data(as_text=True)
    assert client.get(f"/photos/{row.photo_id}.jpg").status_code == 200
    auth.logout()
    auth.login(ent.worker2)
    assert client.get(f"/training/certificates/{row.id}").status_code == 404
    assert client.get(f"/photos/{row.photo_id}.jpg").status_code == 404


@pytest.mark.parametrize(("overrides", "field_text"), [
    ({"operation": ""}, "选择证书准许的作业类别"),
    ({"expires_on": ""}, "有效期截止日"),
    ({"number": " "}, "证书编号"),
    ({"issued_on": "2031-01-01"}, "签发日期"),
])
def test_bad_input_is_named_and_nothing_is_stored(client, auth, ent, overrides, field_text):
    auth.login(ent.safety_officer)
    answer = client.post("/training/certificates/new", data=_form(user_id=ent.worker.id, **overrides))
    assert answer.status_code == 400 and field_text in answer.get_data(as_text=True)
    assert count(Certificate) == 0


def test_a_worker_may_not_record_a_certificate(client, auth, ent):
    auth.login(ent.worker)
    assert client.post("/training/certificates/new", data=_form(user_id=ent.worker.id)).status_code == 403
    assert count(Certificate) == 0


def test_a_renewal_is_a_new_certificate_and_the_old_stays_as_it_was(client, auth, ent):
    old = give_certificate(ent.safety_officer, ent.worker, date(2027, 4, 1))
    db.session.commit()
    auth.login(ent.safety_officer)
    answer = client.post(f"/training/certificates/{old.id}/replace",
                         data=_form(number="T370102199001019999", expires_on="2033-04-01"))
    assert answer.status_code == 302
    renewed = db.session.scalar(select(Certificate).where(Certificate.number == "T370102199001019999"))
    old = _fresh(Certificate, old.id)
    assert renewed.user_id == ent.worker.id and old.replaced_by_id == renewed.id
    assert (old.number, old.expires_on) == ("T370102199001011234", date(2027, 4, 1))
    again = client.post(f"/training/certificates/{old.id}/replace", data=_form(expires_on="2034-01-01"))
    assert again.status_code == 409 and count(Certificate) == 2


# --- the gate on checks ----------------------------------------------------------------------

def test_a_check_needing_a_certificate_is_refused_without_one(client, auth, ent, electrical):
    """Page, form and outbox refuse it, naming the certificate, and nothing is stored."""
    auth.login(ent.worker)
    page = client.get(f"/points/{electrical.id}/check")
    assert page.status_code == 403 and "特种作业操作证" in page.get_data(as_text=True)
    assert client.post(f"/points/{electrical.id}/check",
                       data=form_for(electrical, {0: "ok", 1: "ok"})).status_code == 403
    queued = post_outbox(client, check_item(ent.worker, electrical, done_at=NOW - timedelta(minutes=5)))
    assert queued.status_code == 403 and "电工作业" in queued.json["error"]
    assert count(Inspection) == 0


@pytest.mark.parametrize(("expires_on", "operation", "taken"), [
    (TODAY, "electrical", True),                        # valid through its last day
    (TODAY - timedelta(days=1), "electrical", False),   # expired yesterday
    (date(2030, 1, 1), "welding", False),               # a welder's, not an electrician's
])
def test_only_a_valid_certificate_of_the_operation_lets_the_check_through(
        client, auth, ent, electrical, expires_on, operation, taken):
    give_certificate(ent.safety_officer, ent.worker, expires_on, operation=operation)
    db.session.commit()
    auth.login(ent.worker)
    answer = client.post(f"/points/{electrical.id}/check", data=form_for(electrical, {0: "ok", 1: "ok"}))
    assert (answer.status_code, count(Inspection)) == ((302, 1) if taken else (403, 0))


def test_the_renewal_counts_where_the_lapsed_one_did_not(client, auth, ent, electrical):
    old = give_certificate(ent.safety_officer, ent.worker, TODAY - timedelta(days=3))
    give_certificate(ent.safety_officer, ent.worker, date(2033, 3, 1), number="T2", replaces=old)
    db.session.commit()
    auth.login(ent.worker)
    answer = client.post(f"/points/{electrical.id}/check", data=form_for(electrical, {0: "ok", 1: "ok"}))
    assert answer.status_code == 302 and count(Inspection) == 1


def test_the_due_list_and_the_phone_keep_the_check_for_those_who_hold_one(client, auth, ent, electrical):
    give_certificate(ent.safety_officer, ent.worker2, date(2030, 1, 1))
    db.session.commit()
    assert [u.point.id for u in due.units_for(ent.worker)] == []
    assert [u.point.id for u in due.units_for(ent.worker2)] == [electrical.id]
    check = f"/points/{electrical.id}/check"
    auth.login(ent.worker)
    assert check not in client.get("/api/v1/offline-pages").json["pages"]
    auth.logout()
    auth.login(ent.worker2)
    assert check in client.get("/api/v1/offline-pages").json["pages"]


def test_a_team_without_anyone_certified_leaves_the_check_to_nobody(client, auth, ent, electrical):
    auth.login(ent.safety_officer)
    page = client.get(f"/points/{electrical.id}").get_data(as_text=True)
    assert "合成甲班 没有人持有有效的特种作业操作证 · 电工作业" in page
    give_certificate(ent.safety_officer, ent.team_leader, date(2030, 1, 1))
    db.session.commit()
    assert due.gaps(ent.enterprise.id) == []


# --- lapsing: the ladder and the homes -------------------------------------------------------

def _told(certificate):
    return Counter((n.rung, n.user_id) for n in db.session.scalars(select(Notification).where(
        Notification.subject_type == escalation.CERTIFICATE, Notification.subject_id == certificate.id)))


def _run(moment):
    with clock.frozen(moment):
        notifications.run_pass()


def test_a_lapsing_certificate_is_told_once_per_threshold(ent):
    """Sixty days ahead: its holder and the safety officer, once however many passes run;
    past its last day: them, the director and the holder's department head, once."""
    row = give_certificate(ent.safety_officer, ent.worker, TODAY + timedelta(days=61))
    db.session.commit()
    _run(NOW)
    assert _told(row) == {}
    for days in (1, 2, 30):
        _run(NOW + timedelta(days=days))
    warned = {(escalation.CERTIFICATE_EXPIRING, u.id): 1 for u in (ent.worker, ent.safety_officer)}
    assert _told(row) == warned
    for days in (62, 63, 90):
        _run(NOW + timedelta(days=days))
    assert _told(row) == warned | {(escalation.CERTIFICATE_EXPIRED, u.id): 1 for u in (
        ent.worker, ent.safety_officer, ent.director, ent.dept_head)}
    body = db.session.scalar(select(Notification.body).where(
        Notification.rung == escalation.CERTIFICATE_EXPIRED).limit(1))
    assert ent.worker.name in body and "T370102199001011234" in body


def test_the_enterprise_sets_how_far_ahead_it_is_told(ent):
    ent.enterprise.certificate_warning_days = 30
    row = give_certificate(ent.safety_officer, ent.worker, TODAY + timedelta(days=45))
    db.session.commit()
    _run(NOW)
    assert _told(row) == {}
    _run(NOW + timedelta(days=15))
    assert set(_told(row)) == {(escalation.CERTIFICATE_EXPIRING, ent.worker.id),
                               (escalation.CERTIFICATE_EXPIRING, ent.safety_officer.id)}


def test_a_replaced_certificate_is_not_told_of(ent):
    old = give_certificate(ent.safety_officer, ent.worker, TODAY + timedelta(days=10))
    give_certificate(ent.safety_officer, ent.worker, date(2033, 1, 1), number="T2", replaces=old)
    db.session.commit()
    _run(NOW + timedelta(days=20))
    assert _told(old) == {}


def test_the_directors_home_shows_expired_certificates(client, auth, ent):
    give_certificate(ent.safety_officer, ent.worker, TODAY - timedelta(days=1))
    give_certificate(ent.safety_officer, ent.worker2, TODAY + timedelta(days=10), number="T2")
    db.session.commit()
    auth.login(ent.director)
    home = client.get("/home").get_data(as_text=True)
    assert "1 张证书已过期" in home and "1 张在 60 天内到期" in home
    listed = client.get("/training/certificates?state=expired").get_data(as_text=True)
    assert ent.worker.name in listed and ent.worker2.name not in listed
    # Each badge says what the list's own condition says.
    everyone = client.get("/training/certificates").get_data(as_text=True)
    assert "state-overdue\">已过期" in everyone and "state-due_soon\">即将到期" in everyone


@pytest.mark.parametrize(("kind", "operation", "stored"), [
    ("special", "electrical", (CertificateKind.SPECIAL, Operation.ELECTRICAL)),
    ("principal", "electrical", (CertificateKind.PRINCIPAL, None)),  # only special ones name an operation
    ("", "", (None, None)),
])
def test_the_risk_point_form_sets_the_certificate_its_check_needs(client, auth, ent, kind, operation, stored):
    auth.login(ent.director)
    answer = client.post(f"/points/{ent.point.id}/edit", data=point_form(
        ent, code=ent.point.code, required_certificate=kind, required_operation=operation))
    assert answer.status_code == 302
    point = _fresh(type(ent.point), ent.point.id)
    assert (point.required_certificate, point.required_operation) == stored


@pytest.mark.parametrize(("days", "status", "saved"), [("30", 302, 30), ("0", 400, 60), ("366", 400, 60)])
def test_the_director_sets_the_warning_days(client, auth, ent, days, status, saved):
    auth.login(ent.director)
    answer = client.post("/org/settings", data=settings_form(certificate_warning_days=days))
    assert answer.status_code == status
    assert _fresh(type(ent.enterprise), ent.enterprise.id).certificate_warning_days == saved
    if status == 400:
        assert "请填写 1 到 365 之间的整天数" in answer.get_data(as_text=True)


def test_the_department_head_is_told_it_is_the_certificate_he_lacks(client, auth, ent, electrical):
    """He may do his department's team checks, but not this one without the certificate."""
    auth.login(ent.dept_head)
    page = client.get(f"/points/{electrical.id}/check")
    assert page.status_code == 403 and "电工作业" in page.get_data(as_text=True)
