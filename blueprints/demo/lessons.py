"""The demo enterprise's first lessons, made through the same services as the safety
officer's screens and the workers' phones, on a frozen clock: the lesson after the
National Day holiday, taught by the principal in the canteen, which everyone attended by
the rotating code and passed (two at the second try), the new-worker lesson kept ready
for the safety officer to give, and two spot tests (逢查必考) since: the team leader
T001 tested W001 at the reactor (passed), the safety officer tested W004 at the tank
farm (one wrong of three, not passed)."""
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from blueprints.common import clock, rotating_code
from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, User
from blueprints.training import services, spot_tests
from blueprints.training.models import Audience, LessonVersion

S, Q, C = services.SectionInput, services.QuestionInput, services.ChoiceInput

HOLIDAY = services.LessonInput(
    title="国庆节后开工第一课", occasion="holiday", pass_percent=80, sections=[
        S("rules", "节后复工先检查、后开车：设备、管线、仪表逐一确认；动火、受限空间、高处作业一律办票，"
                   "未经审批不得作业。\n劳保用品按岗位要求佩戴：安全帽系好下颌带，进入罐区穿防静电服。"),
        S("risks", "本厂重大风险点：合成反应釜 R-101（超温超压）、液氨储罐区（泄漏中毒）。\n"
                   "节后开车前必须完成联锁测试，液氨罐区巡检携带便携式检测仪。"),
        S("case", "2023年某化工企业节后复产，未对停用的管线置换分析即动火，发生闪爆，造成2人死亡。"
                  "教训：停用设备复用前必须置换、分析合格，动火票一票一证。"),
        S("emergency", "发现液氨泄漏：立即报告班长和中控室，佩戴空气呼吸器，向上风向撤离；"
                       "不得单人处置。\n火灾：按下报警按钮，拨打厂内应急电话 8119。"),
    ], questions=[
        Q("节后设备开车前必须先做什么？", False, [C("检查确认并完成联锁测试", True), C("直接开车"),
                                             C("等班长来了再说")]),
        Q("发现液氨泄漏时，正确的做法有：", True, [C("立即报告班长和中控室", True), C("向上风向撤离", True),
                                           C("单人进入关阀"), C("用湿毛巾捂住口鼻冲进去")]),
        Q("停用管线复用前动火，必须：", False, [C("置换、分析合格并办理动火票", True), C("口头请示即可"),
                                          C("开窗通风就行")]),
        Q("进入罐区应当穿：", False, [C("防静电工作服", True), C("化纤衣服"), C("任何衣服都行")]),
        Q("厂内应急电话是：", False, [C("8119", True), C("110"), C("8000")]),
    ])

NEW_WORKER = services.LessonInput(
    title="新员工三级安全教育·岗位级", occasion="new_worker", pass_percent=80, sections=[
        S("rules", "上岗前由班组长带领熟悉岗位：巡检路线、操作规程、交接班制度。未经考试合格不得独立上岗。"),
        S("risks", "本班组风险点及管控措施见各风险点二维码标签，扫码即可查看检查项。"),
        S("emergency", "岗位应急处置卡随身携带；发生异常先报告，不得擅自处置。"),
    ], questions=[
        Q("未经考试合格，可以独立上岗吗？", False, [C("不可以", True), C("可以")]),
        Q("发现隐患应当：", True, [C("立即报告", True), C("用随手拍上报", True), C("等下班再说")]),
    ])

# Who failed the first try at the holiday lesson (and passed at the second).
SECOND_TRY = ("W003", "W005")


def load_lessons(enterprise: Enterprise) -> None:
    users = {u.employee_no: u for u in db.session.scalars(
        select(User).where(User.enterprise_id == enterprise.id))}
    officer, principal = users["S002"], users["P001"]
    zone = ZoneInfo(enterprise.timezone)
    holiday_day = _last_october_8(clock.today(enterprise.timezone))
    begins = clock.to_utc(datetime.combine(holiday_day, time(8, 30), tzinfo=zone))
    with clock.frozen(begins - timedelta(days=3)):
        holiday = services.save_lesson(enterprise.id, None, HOLIDAY, officer)
        services.save_lesson(enterprise.id, None, NEW_WORKER, officer)
    with clock.frozen(begins - timedelta(days=2)):
        session = services.create_session(officer, holiday, services.SessionInput(
            audience=Audience.ENTERPRISE.value, held_on=holiday_day, teacher_id=principal.id,
            place="职工食堂二楼会议室"))
    with clock.frozen(begins):
        services.open_attendance(session, principal)
    rng = random.Random(12)
    for n, trainee in enumerate(session.trainees):
        scanned = begins + timedelta(minutes=2, seconds=rng.randint(0, 240))
        minute = rotating_code.minute_of(scanned)
        with clock.frozen(scanned):
            code = rotating_code.code_for(session.secret, session.id, minute)
            services.attend(trainee.user, session, minute, code, scanned, user_agent="Demo phone")
        answered = begins + timedelta(minutes=50 + n)
        if trainee.user.employee_no in SECOND_TRY:
            with clock.frozen(answered):
                services.submit_attempt(trainee, trainee.user, _answers(holiday.questions, wrong=2), True)
            answered += timedelta(minutes=8)
        with clock.frozen(answered):
            services.submit_attempt(trainee, trainee.user, _answers(holiday.questions), True)
    with clock.frozen(begins + timedelta(minutes=45)):
        services.close_attendance(session, principal)
    _spot_tests(users, holiday, clock.now())
    db.session.flush()


# examiner, person, days ago, questions asked (by position in the holiday lesson), wrong ones, where
SPOT_TESTS = [("T001", "W001", 6, (0, 1, 3), 0, "合成反应釜 R-101"),
              ("S002", "W004", 2, (1, 2, 4), 1, "液氨储罐区")]


def _spot_tests(users: dict, lesson: LessonVersion, now: datetime) -> None:
    for examiner, person, days, asked, wrong, place in SPOT_TESTS:
        questions = [lesson.questions[n] for n in asked]
        with clock.frozen(now - timedelta(days=days)):
            sheet = spot_tests.paper(users[examiner], users[person].id, [q.id for q in questions], None, 80)
            spot_tests.record(users[examiner], sheet, _answers(questions, wrong), True, place)


def _answers(questions: list, wrong: int = 0) -> dict[int, set[int]]:
    """The right answers but for the first `wrong` questions."""
    answers = {q.id: q.right for q in questions}
    for question in questions[:wrong]:
        answers[question.id] = {next(c.id for c in question.choices if not c.correct)}
    return answers


def _last_october_8(today):
    """The first working day after the last National Day holiday before today."""
    day = today.replace(month=10, day=8)
    return day if day < today else day.replace(year=day.year - 1)

