"""A whole morning briefing on three phones at 360×640: the leader starts it from his home
for a team of five and keeps one worker off work; two workers sign in by the rotating code
from their own phones, one of them with no signal (sent later, after the close, and still
counted); one without a phone is confirmed by the leader; the record shows it all."""
from sqlalchemy import select

from blueprints.briefings.models import Briefing, Fitness, SignIn, SignInMethod
from blueprints.common.extensions import db
from blueprints.org.models import Role
from tests import factories
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, phone_of, read_rotating_code, screenshot
from tests.browser.test_pwa import ready_offline, wait_for_server, wait_until


def _team_of_five(live):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        extra = [factories.make_user(ent.enterprise, Role.WORKER, team=ent.team, name=name)
                 for name in ("赵三", "钱四")]
        db.session.commit()
        people = [ent.team_leader, ent.worker, ent.worker2, *extra]
        return [(p.id, p.employee_no, p.name) for p in people]


def test_a_team_of_five_holds_its_briefing(live, browser):
    team = _team_of_five(live)
    (leader_id, leader_no, _), (unfit_id, _, unfit_name), (online_id, online_no, _), \
        (offline_id, offline_no, _), (phoneless_id, _, phoneless_name) = team
    live.start()
    leader_ctx, online_ctx, offline_ctx = (browser.new_context(**PHONE) for _ in range(3))
    try:
        # The worker without signal got his pages while he had it.
        offline = phone_of(offline_ctx, live, offline_no)
        ready_offline(offline, live.url)
        wait_until(offline, "caches.match('/briefings/sign-in').then(r => !!r)")

        leader = phone_of(leader_ctx, live, leader_no)
        leader.goto(live.url + "/home")
        with leader.expect_navigation():
            leader.click("button.brief-start")
        assert "/run" in leader.url
        assert_no_sideways_scroll(leader)

        # On-line worker: his camera opens the code's link; one tap confirms.
        online = phone_of(online_ctx, live, online_no)
        online.goto(read_rotating_code(leader, "briefing-qr"))
        with online.expect_navigation():
            online.click("#sign-in-button")
        assert "已签到" in online.text_content("main")

        # Off-line worker: the kept page opens from the phone, the sign-in waits in the outbox.
        offline_ctx.set_offline(True)
        offline.goto(read_rotating_code(leader, "briefing-qr"))
        offline.click("#sign-in-button")
        offline.locator("#sign-in-kept").wait_for()

        # The leader sees the on-line sign-in arrive (polled), then records the roll call.
        leader.locator(f"#sign-ins >> text={_name(team, online_id)}").wait_for()
        wait_until(leader, "document.querySelectorAll('#sign-ins .brief-signed').length === 1")
        leader.click(f"label[for=fitness-{unfit_id}-off_work]")
        leader.fill(f"input[name=reason-{unfit_id}]", "昨晚发烧，精神不好")
        leader.select_option(f"select[name=helper-{unfit_id}]", str(leader_id))
        leader.fill(f"input[name=confirm-{phoneless_id}]", "没带手机，本人在场")
        leader.fill("textarea[name=tasks]", "R-101 例行巡检，罐区倒料")
        screenshot(leader, "briefing-flow-leader-screen")
        with leader.expect_navigation():
            leader.click("button.brief-close")
        assert "/briefings/" in leader.url and "/run" not in leader.url

        # Signal again: the kept sign-in goes, scanned before the close, so it counts.
        offline_ctx.set_offline(False)
        offline.evaluate("window.dispatchEvent(new Event('online'))")
        wait_for_server(live, SignIn, 1, offline, user_id=offline_id)

        with live.app.app_context():
            briefing = db.session.scalar(select(Briefing))
            signs = {s.user_id: s for s in briefing.sign_ins}
            assert {uid: s.method for uid, s in signs.items()} == {
                online_id: SignInMethod.CODE, offline_id: SignInMethod.CODE,
                phoneless_id: SignInMethod.LEADER}
            assert signs[offline_id].signed_at < briefing.closed_at < signs[offline_id].received_at
            lines = {a.user_id: a for a in briefing.attendees}
            assert lines[unfit_id].fitness == Fitness.OFF_WORK
            briefing_id = briefing.id
            db.session.remove()

        leader.goto(f"{live.url}/briefings/{briefing_id}")
        record = leader.text_content("main")
        for text in (unfit_name, "昨晚发烧，精神不好", phoneless_name, "没带手机，本人在场",
                     "扫码签到", "班组长确认"):
            assert text in record
        assert_no_sideways_scroll(leader)
        screenshot(leader, "briefing-flow-record")
        leader.emulate_media(media="print")
        screenshot(leader, "briefing-flow-record-print")
    finally:
        for context in (leader_ctx, online_ctx, offline_ctx):
            context.close()


def _name(team, user_id):
    return next(name for uid, _no, name in team if uid == user_id)
