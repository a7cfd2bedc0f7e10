from blueprints.risk_points import bp  # noqa: F401
