"""Hazard reports (随手拍) of the last weeks for the demo enterprise, made and answered
through the same services as the pages: rewards paid, approved and waiting for the
director, a duplicate, a declined one, and two waiting for an answer (one late); and from
the public link (its poster's), one accepted with its reward approved for the anonymous
sender to claim and one waiting, which left a phone number for the safety director."""
import io
from datetime import timedelta
from decimal import Decimal

from PIL import Image
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import transitions as hazards
from blueprints.org.models import Enterprise, User
from blueprints.photos.services import save_photo
from blueprints.reporting import services as reporting
from blueprints.risk_points.models import RiskPoint

# days ago, reporter, kind, point code or place, description; then what became of it:
# ("paid" | "approved" | "proposed", bonus reason), ("duplicate", index of the accepted one),
# ("declined", reason), or None (waiting for an answer).
REPORTS = [
    (18, "W001", "equipment", "FX-002", "反应釜人孔法兰处有滴漏，地面有结晶", ("paid", "")),
    (15, "W004", "equipment", "FX-001", "2号液氨储罐安全阀铅封脱落", ("paid", "夜班巡检主动发现，及时上报")),
    (9, "W003", "act", "二号门岗", "门卫室内吸烟", ("declined", "门岗不属于生产区域，已转综合办公室处理")),
    (7, "W006", "environment", "FX-004", "配电室门口积水，电缆沟盖板缺失", ("approved", "")),
    (5, "W002", "environment", "FX-004", "配电室外面地上有水", ("duplicate", 2)),
    (3, "W005", "management", "FX-001", "装卸车作业票未填写监护人", ("proposed", "")),
    (2, "W001", "act", "FX-002", "检修时未挂警示牌", None),
    (0, "W003", "environment", "合成车间北门", "消防通道堆放空桶", None),
]


def _user(enterprise, number):
    return db.session.scalar(select(User).where(User.enterprise_id == enterprise.id,
                                                User.employee_no == number))


def load_reports(enterprise: Enterprise) -> None:
    officer, director = _user(enterprise, "S002"), _user(enterprise, "S001")
    now = clock.now()
    hazards_made = []
    for days, number, kind, place, description, outcome in REPORTS:
        point = db.session.scalar(select(RiskPoint).where(RiskPoint.enterprise_id == enterprise.id,
                                                          RiskPoint.code == place))
        sent = now - timedelta(days=days, hours=30 if outcome is None and days else 2)
        with clock.frozen(sent):
            report = reporting.submit(_user(enterprise, number), reporting.ReportInput(
                kind=kind, description=description, risk_point_id=point.id if point else None,
                location="" if point else place))
        answered = sent + timedelta(hours=5)
        with clock.frozen(answered):
            if outcome is None:
                continue
            if outcome[0] == "duplicate":
                reporting.mark_duplicate(report, officer, hazards_made[outcome[1]],
                                         "该隐患已由他人上报，正在整改")
            elif outcome[0] == "declined":
                reporting.decline(report, officer, outcome[1])
            else:
                department_id = point.department_id
                hazard = reporting.accept(report, officer, reporting.Acceptance(description, department_id))
                hazards_made.append(hazard)
        if outcome[0] in ("paid", "approved"):
            reward = report.reward
            with clock.frozen(answered + timedelta(days=2)):
                bonus = Decimal("100") if outcome[1] else Decimal("0")
                reporting.decide(reward, director, reporting.Decision(
                    reward.proposed_amount, reward.proposed_points, bonus, outcome[1]))
            if outcome[0] == "paid":
                _close(hazards_made[-1], officer, director, answered)
                with clock.frozen(answered + timedelta(days=6)):
                    reporting.pay(reward, officer)
    _public_reports(enterprise, officer, director, now)
    db.session.flush()


# days ago, place, description, contact, accepted
PUBLIC = [(4, "厂区北门外围墙", "围墙外的排水沟有刺鼻气味，颜色发黄", "", True),
          (1, "食堂后门", "消防通道被货车堵住", "13900000099", False)]


def _public_reports(enterprise, officer, director, now) -> None:
    reporting.public_code_of(enterprise.id)
    for days, place, description, contact, accepted in PUBLIC:
        sent = now - timedelta(days=days)
        with clock.frozen(sent):
            report, _receipt = reporting.submit_public(enterprise, reporting.PublicInput(
                kind="environment", description=description, location=place, contact=contact),
                f"demo-{days}")
        if accepted:
            with clock.frozen(sent + timedelta(hours=3)):
                department = db.session.scalar(select(RiskPoint.department_id).where(
                    RiskPoint.enterprise_id == enterprise.id, RiskPoint.code == "FX-001"))
                reporting.accept(report, officer, reporting.Acceptance(description, department))
            with clock.frozen(sent + timedelta(days=1)):
                reward = report.reward
                reporting.decide(reward, director, reporting.Decision(reward.proposed_amount,
                                                                      reward.proposed_points))


def _close(hazard, officer, director, start) -> None:
    """Assigned, rectified by the point's responsible person, and verified by the director."""
    fixer = db.session.get(User, hazard.risk_point.responsible_user_id)
    with clock.frozen(start + timedelta(hours=1)):
        hazards.assign(hazard, officer, fixer, start + timedelta(days=3))
    with clock.frozen(start + timedelta(days=1)):
        hazards.rectify(hazard, fixer, "已处理完毕", _photo_id(hazard))
    with clock.frozen(start + timedelta(days=1, hours=3)):
        hazards.verify(hazard, director, "复查合格")


def _photo_id(hazard) -> int:
    """A rectification needs its photo: a plain grey picture stands in for the demo's."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 140, 130)).save(out, "JPEG")
    return save_photo(out.getvalue(), hazard.enterprise_id, None).id
