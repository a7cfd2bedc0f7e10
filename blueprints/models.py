"""Imports every model so that Alembic and the app know all tables."""
from blueprints.hazards.models import *  # noqa: F401,F403
from blueprints.inspections.models import *  # noqa: F401,F403
from blueprints.org.models import *  # noqa: F401,F403
from blueprints.photos.models import *  # noqa: F401,F403
from blueprints.risk_points.models import *  # noqa: F401,F403
from blueprints.notifications.models import *  # noqa: F401,F403
