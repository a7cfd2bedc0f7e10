"""First lessons for tests, made through the services as the safety officer would."""
from datetime import date

from blueprints.common.extensions import db
from blueprints.training import certificates, services
from blueprints.training.models import Audience, Certificate, LessonSession, LessonVersion

# (text, multiple, [(choice, right)])
QUESTIONS = [
    ("进入受限空间作业前必须先做什么？", False,
     [("通风、检测合格", True), ("直接进入", False), ("戴手套", False)]),
    ("发现泄漏时应当：", True, [("立即报告", True), ("撤离到上风向", True), ("用手堵住", False)]),
    ("春节后复工第一天可以不上第一课吗？", False, [("可以", False), ("不可以", True)]),
    ("动火作业需要：", False, [("作业票", True), ("口头同意", False)]),
    ("安全帽应当：", False, [("系好下颌带", True), ("挂在腰上", False)]),
]


def make_lesson(officer, title="2027年春节后开工第一课", questions=QUESTIONS, pass_percent=80,
                occasion="holiday", lesson=None) -> LessonVersion:
    data = services.LessonInput(
        title=title, occasion=occasion, pass_percent=pass_percent,
        sections=[services.SectionInput("rules", "遵守操作规程。"),
                  services.SectionInput("case", "某厂闪爆事故。")],
        questions=[services.QuestionInput(text, multiple,
                                          [services.ChoiceInput(c, right) for c, right in choices])
                   for text, multiple, choices in questions])
    version = services.save_lesson(officer.enterprise_id, lesson, data, officer)
    db.session.flush()
    return version


def give_lesson(officer, version, held_on: date, audience=Audience.TEAM, teacher=None, in_person=True,
                **kw) -> LessonSession:
    session = services.create_session(officer, version, services.SessionInput(
        audience=audience.value, held_on=held_on, in_person=in_person,
        teacher_id=teacher.id if teacher else None, **kw))
    db.session.flush()
    return session


def right_answers(version) -> dict[int, set[int]]:
    return {q.id: q.right for q in version.questions}


def wrong_answers(version, wrong: int) -> dict[int, set[int]]:
    """The right answers but for the first `wrong` questions, each given a wrong choice."""
    answers = right_answers(version)
    for question in version.questions[:wrong]:
        answers[question.id] = {next(c.id for c in question.choices if not c.correct)}
    return answers


def give_certificate(officer, holder, expires_on: date, kind="special", operation="electrical",
                     number="T370102199001011234", replaces=None) -> Certificate:
    row = certificates.record(officer, certificates.CertificateInput(
        user_id=holder.id, kind=kind, operation=operation, number=number, issued_by="济南市应急管理局",
        issued_on=None, expires_on=expires_on), replaces)
    db.session.flush()
    return row
