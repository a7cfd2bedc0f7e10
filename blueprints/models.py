"""Every module that defines tables, imported so that Alembic and the app know them all."""
from blueprints.briefings import models as briefings
from blueprints.common import audit
from blueprints.hazards import models as hazards
from blueprints.inspections import models as inspections
from blueprints.notifications import models as notifications
from blueprints.org import models as org
from blueprints.photos import models as photos
from blueprints.reporting import models as reporting
from blueprints.risk_points import models as risk_points
from blueprints.summaries import models as summaries
from blueprints.training import models as training

MODULES = (audit, briefings, hazards, inspections, notifications, org, photos, reporting, risk_points,
           summaries, training)
