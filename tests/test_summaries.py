"""The director's quarterly report and the monthly notice (公示): the period's figures from
every area, the director's comments, and once final, the figures kept as they were; who
reads and who writes them; a public reporter never named."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.reporting import services as reporting
from blueprints.reporting.models import ReportKind
from blueprints.summaries.models import Summary, SummaryKind
from blueprints.training import services as training
from tests import factories
from tests.factories_briefings import hold_briefing
from tests.factories_ledger import at, found, known_hazards, shift_checked, utc
from tests.factories_training import give_lesson, make_lesson, right_answers

Q1, Q2 = "/summaries/quarter/2026Q1", "/summaries/quarter/2026Q2"


def figures_sheet(client, url) -> dict:
    """The Excel download's figures, {item: (number, of which closed or done)}."""
    book = factories.xlsx(client.get(f"{url}?format=xlsx"))
    assert book.sheetnames == ["数字", "重大隐患", "已发奖励", "培训", "意见"]
    rows = list(book["数字"].iter_rows(min_row=3, values_only=True))
    return {item: (number, closed) for item, number, closed in rows}


def stored(kind=SummaryKind.QUARTER) -> list[Summary]:
    db.session.expire_all()
    return list(db.session.scalars(select(Summary).where(Summary.kind == kind)))


def test_the_quarterly_report_counts_the_quarters_hazards_checks_and_points(client, auth, ent):
    known_hazards(ent)
    auth.login(ent.director)
    page = client.get(Q2)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The major hazard with its report to the regulator; the running quarter is a draft.
    assert "液氨储罐区可燃气体报警器失效" in html and "2026-06-02" in html and "草稿" in html
    numbers = figures_sheet(client, Q2)
    # Found in Q2: on time (closed), past deadline, major; the late one was found in Q1.
    assert numbers["发现隐患"] == (3, 1)
    assert numbers["逾期销号"] == (0, None) and numbers["未销号"] == (2, None)
    assert numbers["已超期"] == (1, None)
    assert numbers["隐患：重大隐患"] == (1, 0) and numbers["隐患：一般隐患"] == (2, 1)
    assert numbers["隐患：基础管理类"] == (1, 1) and numbers["隐患：现场管理类"] == (2, 0)
    points = [number for item, (number, _) in numbers.items() if item.startswith("风险点：")]
    assert len(points) == 4 and sum(points) == 1
    assert numbers["已发奖励（元）"] == (0, None)
    q1 = figures_sheet(client, Q1)
    assert q1["发现隐患"] == (1, 1) and q1["逾期销号"] == (1, None)


def test_the_director_comments_then_makes_the_report_final_and_it_never_changes(client, auth, ent):
    known_hazards(ent)
    auth.login(ent.director)
    assert client.post(Q1, data={"comments": "一季度隐患整改基本按期完成。"}).status_code == 302
    [draft] = stored()
    assert draft.comments == "一季度隐患整改基本按期完成。" and draft.figures is None
    assert client.post(f"{Q1}/final").status_code == 302
    [final] = stored()
    assert final.final_by_id == ent.director.id and final.figures["hazards"]["found"] == 1

    # A hazard found in Q1 registered afterwards: the draft's figures would change, the final's do not.
    found(ent, "2026-03-20", "补登的一季度隐患")
    db.session.commit()
    clock.freeze(at("2026-06-10"))
    assert figures_sheet(client, Q1)["发现隐患"] == (1, 1)
    html = client.get(Q1).get_data(as_text=True)
    assert "已定稿" in html and "一季度隐患整改基本按期完成。" in html and 'name="comments"' not in html

    assert client.post(Q1, data={"comments": "改写"}).status_code == 409
    assert client.post(f"{Q1}/final").status_code == 409
    [kept] = stored()
    assert kept.comments == "一季度隐患整改基本按期完成。" and kept.figures["hazards"]["found"] == 1
    assert kept.final_at == final.final_at


def test_a_running_quarter_is_not_made_final(client, auth, ent):
    known_hazards(ent)
    auth.login(ent.director)
    response = client.post(f"{Q2}/final")
    assert response.status_code == 409 and "期间结束后" in response.get_data(as_text=True)
    assert stored() == []


def test_only_the_director_writes_and_only_the_safety_staff_and_principal_read(client, auth, ent):
    known_hazards(ent)
    for reader in (ent.safety_officer, ent.principal):
        auth.logout()
        auth.login(reader)
        assert client.get(Q1).status_code == 200
        assert client.post(Q1, data={"comments": "我来写"}).status_code == 403
        assert client.post(f"{Q1}/final").status_code == 403
    assert stored() == []
    for other in (ent.worker, ent.team_leader, ent.dept_head):
        auth.logout()
        auth.login(other)
        assert client.get(Q1).status_code == 404
        assert client.get("/summaries/month/2026-05").status_code == 404


def test_comments_too_long_are_refused_and_nothing_is_stored(client, auth, ent):
    auth.login(ent.director)
    response = client.post(Q1, data={"comments": "长" * 4001})
    assert response.status_code == 400 and "4000" in response.get_data(as_text=True)
    assert stored() == []


@pytest.mark.parametrize("url", ["/summaries/quarter/2026Q5", "/summaries/quarter/2026-01",
                                 "/summaries/week/2026-01", "/summaries/month/2026-13",
                                 "/summaries/month/1999-12", "/summaries/quarter/2026Q3"])
def test_a_period_that_does_not_exist_or_has_not_begun_is_not_found(client, auth, ent, url):
    clock.freeze(at("2026-06-10"))
    auth.login(ent.director)
    assert client.get(url).status_code == 404


def _paid_rewards(ent):
    """A colleague's reward and a public reporter's (who left a name and a number), both
    paid in June 2026."""
    clock.freeze(at("2026-06-03"))
    mine = reporting.submit(ent.worker, reporting.ReportInput(
        kind=ReportKind.UNSAFE_EQUIPMENT, description="配电箱门未关", location="二楼"))
    public, receipt = reporting.submit_public(ent.enterprise, reporting.PublicInput(
        kind=ReportKind.UNSAFE_ENVIRONMENT, description="厂区围墙外堆放易燃物", location="北门",
        contact="王某某 13800138000"), None)
    rewards = []
    for report in (mine, public):
        reporting.accept(report, ent.safety_officer,
                         reporting.Acceptance(report.description, ent.department.id))
        reward = report.reward
        reporting.decide(reward, ent.director, reporting.Decision(Decimal("100"), 10))
        rewards.append(reward)
    clock.freeze(at("2026-06-05"))
    reporting.pay(rewards[0], ent.safety_officer)
    reporting.pay(rewards[1], ent.safety_officer, receipt)
    db.session.commit()
    clock.freeze(at("2026-07-02"))


def test_the_monthly_notice_names_colleagues_rewarded_never_a_public_reporter(client, auth, ent):
    _paid_rewards(ent)
    june = "/summaries/month/2026-06"
    auth.login(ent.worker)
    assert client.get(june).status_code == 404   # not posted yet
    auth.logout()
    auth.login(ent.director)
    html = client.get(june).get_data(as_text=True)
    assert "2 项奖励，共 200.00 元" in html
    assert ent.worker.name in html and "公众举报（匿名）" in html
    assert "王某某" not in html and "13800138000" not in html
    assert client.post(f"{june}/final").status_code == 302
    posted = stored(SummaryKind.MONTH)[0].figures
    assert "王某某" not in str(posted) and "13800138000" not in str(posted)

    auth.logout()
    auth.login(ent.worker2)
    listed = client.get("/summaries").get_data(as_text=True)
    assert june in listed and Q1 not in listed
    html = client.get(june).get_data(as_text=True)
    assert "配电箱门未关" in html and "王某某" not in html and 'name="comments"' not in html


def test_the_home_offers_the_reports_to_their_readers_and_the_posted_notice_to_everyone(client, auth, ent):
    auth.login(ent.director)
    assert 'href="/summaries"' in client.get("/home").get_data(as_text=True)
    clock.freeze(at("2026-07-02"))
    assert client.post("/summaries/month/2026-06/final").status_code == 302
    auth.logout()
    auth.login(ent.worker)
    html = client.get("/home").get_data(as_text=True)
    assert 'href="/summaries"' not in html
    assert 'href="/summaries/month/2026-06"' in html and "2026年6月隐患排查治理公示" in html
    clock.freeze(at("2026-09-01"))   # two months on, it has come down from the home
    assert "/summaries/month/2026-06" not in client.get("/home").get_data(as_text=True)


def test_the_report_counts_the_checks_briefings_and_lessons_of_the_quarter(client, auth):
    ent = shift_checked()
    hold_briefing(ent.team_leader, ent.team, utc(2025, 3, 12, 7, 50))
    hold_briefing(ent.team_leader, ent.team, utc(2025, 3, 12, 20, 40))
    version = make_lesson(ent.safety_officer)
    session = give_lesson(ent.safety_officer, version, date(2025, 3, 14), teacher=ent.principal,
                          team_id=ent.team.id)
    training.open_attendance(session, ent.principal)
    training.confirm_attendance(session, ent.principal, ent.worker.id, "纸质签到")
    trainee = training.trainee_of(session, ent.worker.id)
    training.submit_attempt(trainee, ent.worker, right_answers(version), True)
    db.session.commit()
    clock.freeze(utc(2025, 3, 14, 9))
    auth.login(ent.director)
    numbers = figures_sheet(client, "/summaries/quarter/2025Q1")
    # As the statistics count them: four shifts passed, three done; two briefings of five due, one late.
    assert numbers["应排查次数"] == (4, 3) and numbers["排查：岗位/班组排查"] == (4, 3)
    assert numbers["应开班前会"] == (5, 2) and numbers["班前会迟开"] == (1, None)
    people = len(session.trainees)
    assert numbers["培训场次"] == (1, None) and numbers["参训人数"] == (people, 1)


def test_a_draft_made_final_meanwhile_is_not_overwritten(app, ent):
    """Two requests: one holds the draft as it was, the other makes it final first."""
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    from blueprints.common.refusal import Refused
    from blueprints.summaries import periods
    from blueprints.summaries import services as summaries
    clock.freeze(at("2026-04-02"))
    with app.test_request_context():
        period = periods.parse(SummaryKind.QUARTER, "2026Q1")
        held = summaries.save_comments(summaries.summary_for(ent.director, period), ent.director, "初稿")
        db.session.commit()
        db.session.execute(update(Summary).values(final_at=clock.now(), final_by_id=ent.director.id,
                                                  figures={"as": "stored"}))
        db.session.commit()
        set_committed_value(held, "final_at", None)   # as the first request still holds it
        with pytest.raises(Refused) as refused:
            summaries.save_comments(held, ent.director, "改写")
        assert refused.value.status == 409
        db.session.rollback()
        with pytest.raises(Refused):
            summaries.make_final(held, ent.director)
        db.session.rollback()
    [kept] = stored()
    assert kept.comments == "初稿" and kept.figures == {"as": "stored"}
