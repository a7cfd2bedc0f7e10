from blueprints.hazards import bp  # noqa: F401
