"""The lesson editor's and the new session's fields, read into the services' inputs, and
the editor's rows as shown (a lesson's version, or what was posted, with blank rows to
add more). No script: a longer lesson is saved and opened again with new blank rows.

    title, occasion, pass_percent
    section-<n>-kind, section-<n>-text, section-<n>-photo (file), section-<n>-photo_id (kept)
    question-<n>-text, question-<n>-multiple (1), question-<n>-choice-<m>, question-<n>-correct (m, …)
"""
from dataclasses import dataclass, field

from blueprints.common.inputs import optional_day, optional_id
from blueprints.photos.services import save_upload
from blueprints.training.models import LessonVersion, SectionKind
from blueprints.training.services import (
    ChoiceInput,
    LessonInput,
    QuestionInput,
    SectionInput,
    SessionInput,
)

MAX_SECTIONS = 20
MAX_QUESTIONS = 30
CHOICES = 4
MORE_CHOICES = 6  # a question may have up to this many, four shown blank
BLANK_ROWS = 2


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def uploads(files, user):
    """The picture newly taken for section n, stored (None: none taken)."""
    def photo_of(n: int) -> int | None:
        upload = save_upload(files.get(f"section-{n}-photo"), user.enterprise_id, user.id)
        return upload.id if upload else None
    return photo_of


def read_lesson(form, photo_of=lambda _n: None) -> LessonInput:
    sections = []
    for n in range(1, MAX_SECTIONS + 1):
        text = form.get(f"section-{n}-text", "")
        photo_id = photo_of(n) or optional_id(form.get(f"section-{n}-photo_id"))
        if text.strip() or photo_id:
            sections.append(SectionInput(form.get(f"section-{n}-kind", ""), text, photo_id))
    questions = []
    for n in range(1, MAX_QUESTIONS + 1):
        text = form.get(f"question-{n}-text", "")
        if not text.strip():
            continue
        right = set(form.getlist(f"question-{n}-correct"))
        choices = [ChoiceInput(form.get(f"question-{n}-choice-{m}", ""), str(m) in right)
                   for m in range(1, MORE_CHOICES + 1)]
        questions.append(QuestionInput(text, form.get(f"question-{n}-multiple") == "1", choices))
    return LessonInput(form.get("title", ""), form.get("occasion", ""), _number(form.get("pass_percent")),
                       sections, questions)


def read_session(form) -> SessionInput:
    return SessionInput(audience=form.get("audience", ""), held_on=optional_day(form.get("held_on")),
                        department_id=optional_id(form.get("department_id")),
                        team_id=optional_id(form.get("team_id")),
                        people=[p for p in (optional_id(v) for v in form.getlist("people")) if p],
                        in_person=form.get("in_person") == "1",
                        teacher_id=optional_id(form.get("teacher_id")), place=form.get("place", ""))


@dataclass
class Shown:
    """The editor's rows: its lesson's or the posted values, then blank rows."""
    title: str = ""
    occasion: str = ""
    pass_percent: int | None = 80
    sections: list[SectionInput] = field(default_factory=list)
    questions: list[QuestionInput] = field(default_factory=list)


def _padded(question: QuestionInput) -> QuestionInput:
    want = max(CHOICES, min(MORE_CHOICES, len(question.choices)))
    question.choices += [ChoiceInput("") for _ in range(want - len(question.choices))]
    return question


def shown(version: LessonVersion | None, posted=None) -> Shown:
    if posted is not None:
        read = read_lesson(posted)
        rows = Shown(read.title, read.occasion, read.pass_percent, read.sections, read.questions)
    elif version is not None:
        rows = Shown(version.title, version.occasion.value, version.pass_percent,
                     [SectionInput(s.kind.value, s.text, s.photo_id) for s in version.sections],
                     [QuestionInput(q.text, q.multiple, [ChoiceInput(c.text, c.correct) for c in q.choices])
                      for q in version.questions])
    else:
        rows = Shown(sections=[SectionInput(kind.value, "") for kind in SectionKind])
    rows.sections += [SectionInput(SectionKind.RULES.value, "") for _ in range(BLANK_ROWS)]
    rows.questions = [_padded(q) for q in rows.questions] + [
        _padded(QuestionInput("")) for _ in range(BLANK_ROWS + (0 if rows.questions else 1))]
    return rows
