"""The first lesson's pages: the person's own lesson and quiz (on the phone, offline too),
the sign-in by the teacher's rotating code, the teacher's screen, each session's who has
and has not passed with the safety officer's waiver, the lessons the safety officer keeps,
and who an unpassed lesson keeps from work."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.common import clock, refusal
from blueprints.common import ledger as common_ledger
from blueprints.common.access import get_owned, get_seen, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, page_number
from blueprints.common.permissions import can
from blueprints.common.refusal import Refused
from blueprints.common.web import is_htmx, render
from blueprints.org.models import Department, Role, Team, User
from blueprints.sync import services as sync_services
from blueprints.training import (
    certificate_form,
    certificates,
    ledger,
    lesson_form,
    queries,
    quiz_form,
    services,
    spot_tests,
)
from blueprints.training.models import (
    Attempt,
    Audience,
    Certificate,
    CertificateKind,
    Lesson,
    LessonSession,
    Occasion,
    Operation,
    SectionKind,
    SpotTest,
    Trainee,
)
from blueprints.training.permissions import EXAMINERS, KEEPERS, OVERSEERS, sees_record

bp = Blueprint("training", __name__, url_prefix="/training")


# --- the person's own lessons

@bp.route("/my")
def mine():
    """Every lesson assigned to the user: those to pass first, then those passed; and the
    certificates he holds."""
    return render_template("training/mine.html", rows=queries.of_user(current_user),
                           today=queries.local_today(current_user),
                           certificates=certificates.of_holder(current_user), state_of=_certificate_state)


def _lesson_page(trainee: Trainee, refused: Refused | None = None):
    return render_template("training/lesson.html", trainee=trainee, version=trainee.session.version,
                           may_attempt=can(current_user, "attempt", trainee),
                           attend_first=trainee.session.in_person and trainee.attendance is None,
                           refused=refused, chosen=quiz_form.read(request.form)[0] if refused else {},
                           errors=dict(refused.errors) if refused else {}), refusal.status(refused)


@bp.route("/my/<int:trainee_id>")
def lesson(trainee_id):
    """The lesson on the phone: its sections to read, then the quiz and the signature (sent
    by the outbox); kept on the phone while it is to be passed."""
    return _lesson_page(get_seen(Trainee, trainee_id))


@bp.route("/my/<int:trainee_id>/attempt", methods=["POST"])
def attempt(trainee_id):
    """The quiz sent past the outbox (no script, or a phone that would not keep it)."""
    trainee = get_seen(Trainee, trainee_id)
    answers, signed = quiz_form.read(request.form)
    try:
        row = services.submit_attempt(trainee, current_user, answers, signed, clock.parse_utc(
            request.form.get("done_at")), request.form.get("client_uuid", "").strip()[:64] or None)
    except Refused as refused:
        db.session.rollback()
        return _lesson_page(trainee, refused)
    db.session.commit()
    return redirect(url_for("training.result", attempt_id=row.id))


@bp.route("/attempts/<int:attempt_id>")
def result(attempt_id):
    """One attempt's score: passed, or what to read again and a new try."""
    row = get_owned(Attempt, attempt_id)
    if not can(current_user, "view", row.trainee):
        abort(404)
    return render_template("training/result.html", attempt=row, trainee=row.trainee,
                           version=row.trainee.session.version)


@bp.route("/attend", methods=["GET", "POST"])
def attend():
    """签到: the page the teacher's QR code opens; its fragment (#session.minute.code) stays
    on the phone (sign-in.js), and the form goes through the outbox."""
    refused = None
    if request.method == "POST":
        try:
            read = sync_services.sign_in_fields(current_user, request.form, "lesson")
            trainee = services.attend(current_user, read.subject, read.minute, read.code, read.scanned_at,
                                      request.form.get("client_uuid", "").strip()[:64] or None,
                                      request.headers.get("User-Agent", ""))
        except Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            return redirect(url_for("training.lesson", trainee_id=trainee.id))
    return render_template("training/attend.html", refused=refused), refusal.status(refused)


# --- sessions: who has and has not passed; the teacher's screen

@bp.route("/")
@roles_required(*OVERSEERS)
def sessions():
    """The sessions, newest first, with how many have passed of how many."""
    page = db.paginate(queries.sessions(current_user), per_page=queries.PER_PAGE, error_out=False,
                       page=request.args.get("page", 1, type=page_number))
    return render("training/sessions.html", "training/_session_rows.html", page=page,
                  progress=queries.progress, may_keep=current_user.has_role(*KEEPERS),
                  held=queries.held_back(current_user))


@bp.route("/sessions/<int:session_id>")
def session(session_id):
    """One session's people: attended, attempts, passed or waived; the waiver for a person."""
    row = get_seen(LessonSession, session_id)
    return _session_page(row)


def _session_page(row: LessonSession, refused: Refused | None = None, trainee_id: int | None = None):
    return render_template("training/session.html", session=row, progress=queries.progress(row),
                           today=queries.local_today(current_user),
                           may_teach=can(current_user, "teach", row),
                           may_waive=current_user.has_role(*KEEPERS), refused=refused,
                           refused_for=trainee_id), refusal.status(refused)


@bp.route("/trainees/<int:trainee_id>/waive", methods=["POST"])
def waive(trainee_id):
    trainee = get_seen(Trainee, trainee_id)
    try:
        services.waive(trainee, current_user, request.form.get("reason", ""))
    except Refused as refused:
        db.session.rollback()
        if refused.status != 400:
            return refusal.error_page(refused)
        return _session_page(trainee.session, refused, trainee.id)
    db.session.commit()
    flash(_("%(name)s may work without the lesson; the reason is kept.", name=trainee.user.name), "success")
    return redirect(url_for("training.session", session_id=trainee.session_id))


def _teachers(session_id: int) -> LessonSession:
    """The session, for whoever teaches it: the screen carries the secret of the code."""
    row = get_seen(LessonSession, session_id)
    if not can(current_user, "teach", row):
        abort(403)
    return row


@bp.route("/sessions/<int:session_id>/run")
def run(session_id):
    """The teacher's screen: the rotating code people sign in by, and who has."""
    row = get_owned(LessonSession, session_id)
    if row.closed_at is not None and can(current_user, "view", row):
        done = url_for("training.session", session_id=row.id)
        return ("", 200, {"HX-Redirect": done}) if is_htmx() else redirect(done)
    row = _teachers(session_id)
    return render("training/run.html", "training/_attendance.html", session=row,
                  progress=queries.progress(row))


@bp.route("/sessions/<int:session_id>/<any(open, close):step>", methods=["POST"])
def attendance_step(session_id, step):
    row = _teachers(session_id)
    try:
        (services.open_attendance if step == "open" else services.close_attendance)(row, current_user)
    except Refused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("training.session", session_id=row.id))
    db.session.commit()
    if step == "close":
        flash(_("Attendance closed."), "success")
        return redirect(url_for("training.session", session_id=row.id))
    return redirect(url_for("training.run", session_id=row.id))


@bp.route("/sessions/<int:session_id>/confirm", methods=["POST"])
def confirm(session_id):
    """The teacher confirms a person without a phone, with a note."""
    row = _teachers(session_id)
    try:
        services.confirm_attendance(row, current_user, optional_id(request.form.get("user_id")),
                                    request.form.get("note", ""))
    except Refused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    else:
        db.session.commit()
    return redirect(url_for("training.run", session_id=row.id))


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def new_session():
    """A lesson given to a group on a day; its people are assigned at once."""
    lessons = queries.lessons(current_user.enterprise_id)
    refused = None
    if request.method == "POST":
        lesson_row = next((x for x in lessons if x.id == optional_id(request.form.get("lesson_id"))), None)
        try:
            if lesson_row is None:
                raise Refused(_("Choose the lesson."), "lesson_id")
            made = services.create_session(current_user, lesson_row.current,
                                           lesson_form.read_session(request.form))
        except Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            flash(_("Lesson assigned to %(count)s people.", count=len(made.trainees)), "success")
            return redirect(url_for("training.session", session_id=made.id))
    enterprise_id = current_user.enterprise_id
    return render_template(
        "training/session_new.html", lessons=lessons, audiences=Audience, refused=refused,
        errors=dict(refused.errors) if refused else {}, values=request.form,
        lesson_id=optional_id(request.values.get("lesson_id")),
        departments=db.session.scalars(select(Department).where(
            Department.enterprise_id == enterprise_id, Department.active.is_(True))
            .order_by(Department.name)).all(),
        teams=db.session.scalars(select(Team).where(Team.enterprise_id == enterprise_id,
                                                    Team.active.is_(True)).order_by(Team.name)).all(),
        people=db.session.scalars(select(User).options(selectinload(User.team)).where(
            User.enterprise_id == enterprise_id, User.active.is_(True)).order_by(User.employee_no)).all(),
        # The principal teaches the first lesson after a holiday in person.
        default_teacher=db.session.scalar(select(User.id).where(
            User.enterprise_id == enterprise_id, User.active.is_(True), User.role == Role.PRINCIPAL)
            .order_by(User.id).limit(1)),
        today=queries.local_today(current_user)), refusal.status(refused)


# --- the lessons the safety officer keeps

@bp.route("/lessons")
@roles_required(*KEEPERS)
def lessons():
    return render_template("training/lessons.html", lessons=queries.lessons(current_user.enterprise_id))


@bp.route("/lessons/new", methods=["GET", "POST"])
@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def edit_lesson(lesson_id=None):
    """Saving makes a new version; sessions already given keep the version they used."""
    row = get_owned(Lesson, lesson_id) if lesson_id is not None else None
    refused = None
    if request.method == "POST":
        try:
            data = lesson_form.read_lesson(request.form, lesson_form.uploads(request.files, current_user))
            saved = services.save_lesson(current_user.enterprise_id, row, data, current_user)
        except Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            flash(_("Saved as version %(number)s. Sessions already given keep the version they used.",
                    number=saved.number), "success")
            return redirect(url_for("training.lessons"))
    shown = lesson_form.shown(row.current if row else None, request.form if refused else None)
    return render_template("training/lesson_edit.html", lesson=row, shown=shown, occasions=Occasion,
                           kinds=SectionKind, refused=refused, errors=dict(refused.errors) if refused else {}
                           ), refusal.status(refused)


# --- certificates (持证上岗)

@bp.route("/certificates")
@roles_required(*OVERSEERS)
def certificates_list():
    """The certificates not replaced, soonest to lapse first; or those expiring, or expired."""
    state = request.args.get("state") if request.args.get("state") in certificates.STATES else None
    page = db.paginate(certificates.listed(current_user, state, request.args.get("kind")),
                       per_page=queries.PER_PAGE, error_out=False,
                       page=request.args.get("page", 1, type=page_number))
    return render("training/certificates.html", "training/_certificate_rows.html", page=page,
                  state=state, kind=CertificateKind.lookup(request.args.get("kind")), kinds=CertificateKind,
                  state_of=_certificate_state, may_record=current_user.has_role(*KEEPERS))


def _certificate_state(row: Certificate) -> str:
    return certificates.state_of(row, queries.local_today(current_user),
                                 current_user.enterprise.certificate_warning_days)


@bp.route("/certificates/<int:certificate_id>")
def certificate(certificate_id):
    row = get_seen(Certificate, certificate_id)
    return render_template("training/certificate.html", certificate=row, state=_certificate_state(row),
                           state_of=_certificate_state,
                           may_replace=can(current_user, "replace", row),
                           history=certificates.of_holder(row.user))


@bp.route("/certificates/new", methods=["GET", "POST"])
@bp.route("/certificates/<int:certificate_id>/replace", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def record_certificate(certificate_id=None):
    """A certificate as printed on the paper, with its photo; replacing one renews or
    corrects it, and the old one is kept as it was."""
    replaces = get_seen(Certificate, certificate_id) if certificate_id is not None else None
    refused = data = None
    if request.method == "POST":
        data = certificate_form.read(request.form)
        try:
            row = certificates.record(current_user, data, replaces,
                                      certificate_form.photo_taken(request.files, current_user))
        except Refused as error:
            db.session.rollback()
            if error.status != 400:
                return refusal.error_page(error)
            refused = error
        else:
            db.session.commit()
            flash(_("Certificate recorded."), "success")
            return redirect(url_for("training.certificate", certificate_id=row.id))
    return render_template(
        "training/certificate_edit.html", replaces=replaces, kinds=CertificateKind, operations=Operation,
        values=certificate_form.shown(data, replaces, optional_id(request.args.get("user_id"))),
        people=[] if replaces else db.session.scalars(select(User).where(
            User.enterprise_id == current_user.enterprise_id, User.active.is_(True))
            .order_by(User.employee_no)).all(),
        refused=refused, errors=dict(refused.errors) if refused else {}), refusal.status(refused)


# --- spot tests (逢查必考)

@bp.route("/spot-tests")
@roles_required(*OVERSEERS)
def spot_tests_list():
    """The spot tests given, newest first."""
    page = db.paginate(spot_tests.listed(current_user), per_page=queries.PER_PAGE, error_out=False,
                       page=request.args.get("page", 1, type=page_number))
    return render("training/spot_tests.html", "training/_spot_test_rows.html", page=page,
                  may_give=current_user.has_role(*EXAMINERS))


def _picker(refused: Refused | None = None):
    return render_template(
        "training/spot_test_new.html", people=spot_tests.examinable(current_user),
        versions=spot_tests.askable(current_user.enterprise_id), values=request.args,
        picked=set(quiz_form.read_paper(request.args)[1]), default_count=spot_tests.DEFAULT_COUNT,
        max_questions=spot_tests.MAX_QUESTIONS, default_pass=services.DEFAULT_PASS_PERCENT,
        refused=refused, errors=dict(refused.errors) if refused else {}), refusal.status(refused)


@bp.route("/spot-tests/new")
@roles_required(*EXAMINERS)
def new_spot_test():
    """Whom to test and on what: chosen questions, or a few drawn from every lesson."""
    return _picker()


def _paper(fields) -> spot_tests.Paper:
    return spot_tests.paper(current_user, *quiz_form.read_paper(fields))


def _spot_test_page(sheet: spot_tests.Paper, refused: Refused | None = None):
    return render_template("training/spot_test_take.html", paper=sheet, refused=refused,
                           chosen=quiz_form.read(request.form)[0] if refused else {},
                           place=request.form.get("place", ""),
                           errors=dict(refused.errors) if refused else {}), refusal.status(refused)


@bp.route("/spot-tests/take")
@roles_required(*EXAMINERS)
def take_spot_test():
    """The questions, answered by the person on the examiner's phone; sent by the outbox."""
    try:
        sheet = _paper(request.args)
    except Refused as refused:
        if refused.status != 400:
            return refusal.error_page(refused)
        return _picker(refused)
    return _spot_test_page(sheet)


@bp.route("/spot-tests", methods=["POST"])
@roles_required(*EXAMINERS)
def record_spot_test():
    """The answers sent past the outbox (no script, or a phone that would not keep it)."""
    try:
        sheet = _paper(request.form)
    except Refused as refused:
        return refusal.error_page(refused)
    answers, signed = quiz_form.read(request.form)
    try:
        row = spot_tests.record(current_user, sheet, answers, signed, request.form.get("place", ""),
                                clock.parse_utc(request.form.get("done_at")),
                                request.form.get("client_uuid", "").strip()[:64] or None)
    except Refused as refused:
        db.session.rollback()
        return _spot_test_page(sheet, refused)
    db.session.commit()
    return redirect(url_for("training.spot_test", spot_test_id=row.id))


@bp.route("/spot-tests/<int:spot_test_id>")
def spot_test(spot_test_id):
    """One spot test: the score, and each question as answered beside its right answer."""
    row = get_seen(SpotTest, spot_test_id)
    return render_template("training/spot_test.html", test=row, marks=spot_tests.marked(row))


# --- a person's training record

@bp.route("/people/<int:user_id>")
def person(user_id):
    """Everything a person's training shows: lessons with attendance and attempts, spot
    tests, certificates."""
    who = get_owned(User, user_id)
    if not sees_record(current_user, who):
        abort(404)
    return render_template("training/person.html", person=who, rows=queries.of_user(who),
                           tests=db.session.scalars(spot_tests.listed(current_user, who.id)).all(),
                           certificates=certificates.of_holder(who), state_of=_certificate_state)


# --- the training ledger (培训台账): printed, or in Excel

@bp.route("/ledger")
@roles_required(*OVERSEERS)
def period_ledger():
    """The sessions of a period (this year so far unless chosen) and its spot tests."""
    chosen = common_ledger.period(queries.local_today(current_user))
    start, end = chosen.start, chosen.end
    sessions = ledger.sessions_between(current_user, start, end)
    return common_ledger.respond(_("Training ledger"), f"{_('Training ledger')} {start}_{end}",
                                 ledger.period(current_user, start, end, sessions),
                                 {0: [url_for("training.session_ledger", session_id=s.id) for s in sessions]},
                                 period=chosen)


@bp.route("/sessions/<int:session_id>/ledger")
def session_ledger(session_id):
    """One session's people: attendance, attempts, result."""
    row = get_seen(LessonSession, session_id)
    return common_ledger.respond(row.version.title,
                                 f"{_('Training ledger')} {row.held_on} {row.version.title}",
                                 ledger.of_session(current_user, row), signature=_("Taught by (signature)"))


@bp.route("/people/<int:user_id>/ledger")
def person_ledger(user_id):
    """A person's whole training record, printed or in Excel."""
    who = get_owned(User, user_id)
    if not sees_record(current_user, who):
        abort(404)
    return common_ledger.respond(_("Training record of %(name)s", name=who.name),
                                 f"{_('Training record')} {who.employee_no} {who.name}",
                                 ledger.of_person(current_user, who))
