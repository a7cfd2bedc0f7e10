"""The quiz form's fields, read alike for its page (no script) and for the outbox:

    q-<question id>   a chosen choice's id (several for a multiple-choice question)
    signed            1: the person signs that they studied the lesson
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
