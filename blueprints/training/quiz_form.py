"""The quiz form's fields, read alike for its page (no script) and for the outbox:

    q-<question id>   a chosen choice's id (several for a multiple-choice question)
    signed            1: the person signs (that they studied the lesson; that the answers are theirs)
"""
from blueprints.common.inputs import optional_id

PREFIX = "q-"


def read(fields) -> tuple[dict[int, set[int]], bool]:
    answers: dict[int, set[int]] = {}
    for name in fields:
        question_id = optional_id(name.removeprefix(PREFIX)) if name.startswith(PREFIX) else None
        if question_id is None:
            continue
        chosen = {c for c in (optional_id(v) for v in fields.getlist(name)) if c is not None}
        if chosen:
            answers[question_id] = chosen
    return answers, fields.get("signed") == "1"


def read_paper(fields) -> tuple[int | None, list[int], int | None, int | None]:
    """A spot test's person and questions, as its picker and its page send them:

    user_id        the person tested
    ask            a chosen question's id, in the order asked (several)
    count          how many to draw from every lesson when none is chosen
    pass_percent   the pass mark
    """
    asked = [q for q in (optional_id(v) for v in fields.getlist("ask")) if q is not None]
    return (optional_id(fields.get("user_id")), asked, optional_id(fields.get("count")),
            optional_id(fields.get("pass_percent")))
