"""Risk grading by LEC (D = L×E×C) or the LS matrix (R = L×S), in the enterprise's bands."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from blueprints.common.refusal import Refused
from blueprints.org.models import Enterprise, ScoringMethod
from blueprints.risk_points.models import Grade

LEC_L_VALUES = (10, 6, 3, 1, 0.5, 0.2, 0.1)
LEC_E_VALUES = (10, 6, 3, 2, 1, 0.5)
LEC_C_VALUES = (100, 40, 15, 7, 3, 1)
LS_VALUES = (1, 2, 3, 4, 5)


class InvalidScore(Refused):
    """The values picked give no score; the message says which to pick."""


PICK_LEC = _l("Please pick L, E and C from the lists.")
PICK_LS = _l("Please pick L and S from 1 to 5.")


@dataclass(frozen=True)
class Scored:
    method: ScoringMethod
    score: float
    grade: Grade


def band(score: float, red_min: float, orange_min: float, yellow_min: float) -> Grade:
    if score >= red_min:
        return Grade.RED
    if score >= orange_min:
        return Grade.ORANGE
    if score >= yellow_min:
        return Grade.YELLOW
    return Grade.BLUE


def score_lec(enterprise: Enterprise, likelihood: float, e: float, c: float) -> Scored:
    """D = L × E × C (likelihood, exposure, consequence)."""
    if likelihood not in LEC_L_VALUES or e not in LEC_E_VALUES or c not in LEC_C_VALUES:
        raise InvalidScore(PICK_LEC, "score")
    d = round(likelihood * e * c, 4)
    return Scored(ScoringMethod.LEC, d,
                  band(d, enterprise.lec_red_min, enterprise.lec_orange_min, enterprise.lec_yellow_min))


def score_ls(enterprise: Enterprise, likelihood: int, s: int) -> Scored:
    """R = L × S (likelihood, severity)."""
    if likelihood not in LS_VALUES or s not in LS_VALUES:
        raise InvalidScore(PICK_LS, "score")
    r = likelihood * s
    return Scored(ScoringMethod.LS, r,
                  band(r, enterprise.ls_red_min, enterprise.ls_orange_min, enterprise.ls_yellow_min))
