"""One way to ask who may do what: every area's table is asked through
common.permissions.can / check, which answer as the area's own table does."""
import pytest

from blueprints.briefings import permissions as briefing_permissions
from blueprints.briefings.models import Briefing
from blueprints.common import permissions
from blueprints.common.refusal import Refused
from blueprints.hazards import permissions as hazard_permissions
from blueprints.hazards.models import Hazard
from tests.factories import make_hazard


def test_each_kind_of_record_has_its_table():
    assert permissions.TABLES[Hazard] is hazard_permissions.TABLE
    assert permissions.TABLES[Briefing] is briefing_permissions.TABLE


def test_can_and_check_ask_the_records_own_table(ent):
    hazard = make_hazard(ent)
    for user in (ent.worker, ent.dept_head, ent.director):
        for action in hazard_permissions.ACTIONS:
            assert permissions.can(user, action, hazard) == hazard_permissions.can(user, action, hazard)
    with pytest.raises(hazard_permissions.PermissionDenied):
        permissions.check(ent.worker, "assign", hazard)
    unsaved = Briefing(enterprise_id=ent.enterprise.id, team_id=ent.team.id,
                       department_id=ent.department.id, leader_id=ent.worker.id)
    assert permissions.can(ent.team_leader, "start", unsaved)
    with pytest.raises(Refused) as refused:
        permissions.check(ent.worker, "start", unsaved)
    assert refused.value.status == 403
