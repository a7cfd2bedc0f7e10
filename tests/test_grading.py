"""Risk grading: LEC and LS at every band boundary, custom bands, refusals, overrides."""
import pytest
from sqlalchemy import select

from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import ScoringMethod
from blueprints.risk_points import grading, services
from blueprints.risk_points.models import ControlLevel, Grade
from tests import factories

RED, ORANGE, YELLOW, BLUE = Grade.RED, Grade.ORANGE, Grade.YELLOW, Grade.BLUE


@pytest.mark.parametrize("lec, d, grade", [
    ((6, 10, 1), 60, BLUE),
    ((3, 3, 7), 63, BLUE),          # the highest standard product under 70
    ((1, 10, 7), 70, YELLOW),       # exactly on the yellow boundary
    ((0.5, 3, 100), 150, YELLOW),   # the highest under 160 (160 itself is no product)
    ((6, 2, 15), 180, ORANGE),      # the lowest from 160
    ((3, 6, 15), 270, ORANGE),
    ((0.5, 6, 100), 300, ORANGE),   # the highest under 320
    ((3, 3, 40), 360, RED),         # the lowest from 320
    ((10, 10, 100), 10000, RED),
    ((0.1, 0.5, 1), 0.05, BLUE),
])
def test_lec_bands_with_default_bounds(app, lec, d, grade):
    """Does D = L×E×C fall in the right colour at and around each default boundary?"""
    enterprise = factories.make_enterprise()
    scored = grading.score_lec(enterprise, *lec)
    assert (scored.method, scored.score, scored.grade) == ("LEC", d, grade)


@pytest.mark.parametrize("score, grade", [
    (69.99, BLUE), (70, YELLOW), (159.99, YELLOW), (160, ORANGE), (319.99, ORANGE), (320, RED)])
def test_band_edges_are_lower_bounds(score, grade):
    """Is each band's minimum inclusive and anything just below it in the band under?"""
    assert grading.band(score, 320, 160, 70) == grade


@pytest.mark.parametrize("ls, r, grade", [
    ((1, 1), 1, BLUE), ((2, 4), 8, BLUE), ((3, 3), 9, YELLOW), ((3, 4), 12, YELLOW),
    ((3, 5), 15, ORANGE), ((4, 4), 16, ORANGE), ((4, 5), 20, RED), ((5, 5), 25, RED)])
def test_ls_matrix_with_default_bounds(app, ls, r, grade):
    """Does R = L×S fall in the right colour at each default boundary?"""
    enterprise = factories.make_enterprise(scoring_method=ScoringMethod.LS.value)
    scored = grading.score_ls(enterprise, *ls)
    assert (scored.method, scored.score, scored.grade) == ("LS", r, grade)


def test_enterprise_bands_are_used(app):
    """Do an enterprise's own band bounds change the colour of the same score?"""
    strict = factories.make_enterprise(lec_red_min=270, lec_orange_min=126, lec_yellow_min=42,
                                       ls_red_min=16, ls_orange_min=12, ls_yellow_min=8)
    assert grading.score_lec(strict, 3, 6, 15).grade == RED          # 270: orange by default
    assert grading.score_lec(strict, 3, 6, 7).grade == ORANGE        # 126: yellow by default
    assert grading.score_lec(strict, 1, 6, 7).grade == YELLOW        # 42: blue by default
    assert grading.score_ls(strict, 4, 4).grade == RED
    assert grading.score_ls(strict, 3, 4).grade == ORANGE
    assert grading.score_ls(strict, 2, 4).grade == YELLOW


@pytest.mark.parametrize("lec", [(7, 6, 15), (3, 4, 15), (3, 6, 20), (0, 6, 15), ("3", 6, 15),
                                 (None, 6, 15)])
def test_lec_values_off_the_standard_lists_are_refused(app, lec):
    """Is an L, E or C that is not a standard value refused?"""
    with pytest.raises(grading.InvalidScore):
        grading.score_lec(factories.make_enterprise(), *lec)


@pytest.mark.parametrize("ls", [(0, 3), (6, 1), (2.5, 2), (3, None)])
def test_ls_values_outside_one_to_five_are_refused(app, ls):
    """Is an L or S outside the whole numbers 1 to 5 refused?"""
    with pytest.raises(grading.InvalidScore):
        grading.score_ls(factories.make_enterprise(), *ls)


def test_the_enterprise_method_decides_which_values_count(app):
    """Does an LS enterprise grade by L×S and refuse a point that only has LEC values?"""
    enterprise = factories.make_enterprise(scoring_method=ScoringMethod.LS.value)
    data = services.RiskPointData(code="X", name="x", department_id=1, lec=(3, 6, 15))
    with pytest.raises(grading.InvalidScore):
        services.score(enterprise, data)
    data.ls = (4, 5)
    assert services.score(enterprise, data).grade == RED


def _overrides(point):
    return list(db.session.scalars(select(AuditLog).where(
        AuditLog.action == "risk_point.grade_override", AuditLog.subject_id == point.id)))


def test_override_needs_a_reason_and_is_audit_logged(app, ent):
    """Is an override without a reason refused, and one with a reason logged with both grades?"""
    point = ent.point
    point.control_level = "company"
    assert point.grade == ORANGE
    with pytest.raises(Refused) as refused:
        services.set_override(point, RED, "  ", ent.director.id)
    assert refused.value.field == "reason"
    assert point.override_grade is None and _overrides(point) == []
    services.set_override(point, RED, "涉及重大危险源", ent.director.id)
    db.session.commit()
    assert point.grade == RED and point.computed_grade == "orange"
    [log] = _overrides(point)
    assert log.actor_id == ent.director.id
    assert log.detail == {"computed": "orange", "override": "red", "reason": "涉及重大危险源"}


def test_override_through_the_page(client, auth, ent):
    """Does the officer's override form refuse a missing reason in Chinese and save a real one?"""
    auth.login(ent.safety_officer)
    url = f"/points/{ent.point.id}/override"
    refused = client.post(url, data={"grade": "red", "reason": ""})
    assert refused.status_code == 400
    assert "请填写调整等级的理由" in refused.get_data(as_text=True)
    assert ent.point.override_grade is None and _overrides(ent.point) == []
    # The point is controlled at team level, too low for red: raise it first.
    too_low = client.post(url, data={"grade": "red", "reason": "曾发生死亡事故且条件未变"})
    assert too_low.status_code == 400
    assert "重大风险的风险点最低应由公司级管控" in too_low.get_data(as_text=True)
    assert ent.point.override_grade is None and _overrides(ent.point) == []
    ent.point.control_level = "company"
    db.session.commit()
    assert client.post(url, data={"grade": "red", "reason": "曾发生死亡事故且条件未变"}).status_code == 302
    db.session.refresh(ent.point)
    assert ent.point.grade == RED
    page = client.get(f"/points/{ent.point.id}").get_data(as_text=True)
    assert "曾发生死亡事故且条件未变" in page and "重大风险" in page
    assert client.post(url, data={"grade": "", "reason": ""}).status_code == 302
    db.session.refresh(ent.point)
    assert ent.point.grade == ORANGE and len(_overrides(ent.point)) == 2


def test_workers_cannot_override(client, auth, ent):
    """Is a worker's override refused with 403?"""
    auth.login(ent.worker)
    response = client.post(f"/points/{ent.point.id}/override", data={"grade": "blue",
                                                                     "reason": "x"})
    assert response.status_code == 403


# --- control levels -------------------------------------------------------------------------

@pytest.mark.parametrize("grade, lowest, too_low", [
    (RED, ControlLevel.COMPANY, ControlLevel.DEPARTMENT),
    (ORANGE, ControlLevel.DEPARTMENT, ControlLevel.TEAM),
    (YELLOW, ControlLevel.TEAM, ControlLevel.POST),
])
def test_each_grade_has_a_lowest_control_level(app, grade, lowest, too_low):
    """重大 → company, 较大 → department, 一般 → team: is the level just below refused
    without a reason, and allowed with one?"""
    assert grade.min_control_level == lowest
    assert services.control_level_error(grade, lowest.value, "") is None
    assert services.control_level_error(grade, too_low.value, "  ") is not None
    assert services.control_level_error(grade, too_low.value, "专人监护") is None


def test_a_low_risk_point_may_be_controlled_at_post_level(app):
    """低 → post: is every level allowed for a blue point?"""
    assert BLUE.min_control_level == ControlLevel.POST
    assert all(services.control_level_error(BLUE, level.value, "") is None
               for level in ControlLevel)


def test_override_to_a_grade_the_control_level_does_not_meet_is_refused(app, ent):
    """Is overriding a team-level point to red refused until its control level is raised?"""
    point = ent.point
    point.control_level = "team"
    with pytest.raises(Refused) as refused:
        services.set_override(point, RED, "涉及重大危险源", ent.director.id)
    assert refused.value.field == "grade"
    assert point.override_grade is None and _overrides(point) == []
    point.control_level = "company"
    services.set_override(point, RED, "涉及重大危险源", ent.director.id)
    assert point.grade == RED

