"""The labelled enums: a member is its value's string to templates, forms and JSON, and
carries its label and, where it has one, its CSS class."""
import json

from blueprints.hazards.models import HazardGrade, HazardState
from blueprints.notifications.models import DeliveryStatus


def test_a_member_is_its_value_to_templates_forms_and_json():
    assert HazardState.CLOSED == "closed" and f"hz-{HazardState.CLOSED}" == "hz-closed"
    assert json.dumps({"state": HazardState.CLOSED}) == '{"state": "closed"}'
    assert [(choice.value, choice.label) for choice in HazardGrade.choices()] == [
        ("general", HazardGrade.GENERAL.label), ("major", HazardGrade.MAJOR.label)]


def test_lookup_turns_input_into_a_member_or_none():
    assert HazardState.lookup("closed") is HazardState.CLOSED
    assert HazardState.lookup("Closed") is None and HazardState.lookup(None) is None


def test_css_class_only_where_the_member_has_one():
    assert (DeliveryStatus.SENT.css, DeliveryStatus.FAILED.css) == ("state-done", "state-failed")
    assert DeliveryStatus.PENDING.css == ""
