"""开工第一课 on three phones at 360×640: the principal opens the attendance of his lesson
to the team and shows the rotating code; two workers sign in by scanning it; one passes the
quiz at once, the other fails, reads again, retries and passes; the gate lifts and his
checks come back."""

from openpyxl import load_workbook

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.training.models import Attempt, Attendance
from tests import factories
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, phone_of, read_rotating_code, screenshot
from tests.browser.test_pwa import wait_until
from tests.factories_training import QUESTIONS, give_lesson, make_lesson


def _setup(live):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        version = make_lesson(ent.safety_officer)
        today = clock.to_local(clock.now(), "Asia/Shanghai").date()  # the server runs on real time
        session = give_lesson(ent.safety_officer, version, today, teacher=ent.principal, team_id=ent.team.id,
                              place="职工食堂")
        db.session.commit()
        trainees = {t.user_id: t.id for t in session.trainees}
        return {"session": session.id, "principal": ent.principal.employee_no, "point": ent.point.id,
                "workers": [(ent.worker.employee_no, trainees[ent.worker.id]),
                            (ent.worker2.employee_no, trainees[ent.worker2.id])]}


def _answer(page, wrong=()):
    """Ticks each question's right choices (a wrong one for the questions numbered in `wrong`),
    signs and sends."""
    for number, (_text, _multiple, choices) in enumerate(QUESTIONS, 1):
        fieldset = page.locator(".quiz-q").nth(number - 1)
        picked = [c for c, right in choices if not right][:1] if number in wrong else \
            [c for c, right in choices if right]
        for text in picked:
            fieldset.locator("label.quiz-choice", has_text=text).click()
    page.click("input[name=signed]")
    with page.expect_navigation():
        page.click("#quiz button[type=submit]")


def test_the_principals_lesson_two_workers_one_retries(live, browser):
    data = _setup(live)
    live.start()
    contexts = [browser.new_context(**PHONE) for _ in range(3)]
    try:
        teacher = phone_of(contexts[0], live, data["principal"])
        teacher.goto(f"{live.url}/training/sessions/{data['session']}/run")
        with teacher.expect_navigation():
            teacher.click("button:has-text('开放签到')")
        link = read_rotating_code(teacher, "lesson-qr")
        assert "/training/attend#" in link
        screenshot(teacher, "lesson-teacher-screen")

        workers = []
        for context, (number, trainee_id) in zip(contexts[1:], data["workers"], strict=True):
            page = phone_of(context, live, number)
            page.goto(live.url + "/home")
            assert "开工第一课" in page.text_content(".lesson-due")
            assert page.locator(".due-today").count() == 0   # no lesson, no work
            page.goto(read_rotating_code(teacher, "lesson-qr"))
            with page.expect_navigation():
                page.click("#sign-in-button")
            assert page.url.endswith(f"/training/my/{trainee_id}")
            assert_no_sideways_scroll(page)
            workers.append((page, trainee_id))
        wait_until(teacher, "document.querySelectorAll('#attendance .attend-done').length === 2")

        first, second = workers
        screenshot(first[0], "lesson-on-the-phone")
        _answer(first[0])
        assert "已通过" in first[0].text_content("#quiz-result")

        _answer(second[0], wrong=(1, 2))
        assert "未通过" in second[0].text_content("#quiz-result")
        screenshot(second[0], "lesson-not-passed")
        with second[0].expect_navigation():
            second[0].click("a:has-text('重新答题')")
        _answer(second[0])
        assert "已通过" in second[0].text_content("#quiz-result")

        # The gate has lifted: his home offers his checks again, the check opens.
        second[0].goto(live.url + "/home")
        assert second[0].locator(".lesson-due").count() == 0 and second[0].locator(".due-today").count() == 1
        assert second[0].goto(f"{live.url}/points/{data['point']}/check").status == 200

        teacher.goto(f"{live.url}/training/sessions/{data['session']}")
        assert "已通过 2/3" in teacher.text_content("main")
        screenshot(teacher, "lesson-session-progress")
        _the_ledger(teacher)
    finally:
        for context in contexts:
            context.close()
    with live.app.app_context():
        assert db.session.query(Attendance).count() == 2
        assert [a.passed for a in db.session.query(Attempt).order_by(Attempt.id)] == [True, False, True]


def _the_ledger(page):
    """The session's ledger: on the phone, the table scrolls inside the page, not the page;
    printed, A4 landscape with the heading on the page; its Excel download opens."""
    with page.expect_navigation():
        page.click("a:has-text('台账（打印、Excel）')")
    rows = page.locator(".ledger-table tbody tr")
    assert rows.count() == 3 and "已通过" in rows.nth(0).text_content()
    assert_no_sideways_scroll(page)
    screenshot(page, "training-ledger")
    with page.expect_download() as download:
        page.click("a:has-text('Excel')")
    with open(download.value.path(), "rb") as saved:  # named without .xlsx, which openpyxl would want
        book = load_workbook(saved)
    assert [row[1] for row in book.active.iter_rows(min_row=3, values_only=True)] == [
        rows.nth(n).locator("td").nth(1).text_content() for n in range(3)]
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    assert page.locator(".ledger-caption").is_visible() and not page.locator(".ledger-actions").is_visible()
    screenshot(page, "training-ledger-print")
