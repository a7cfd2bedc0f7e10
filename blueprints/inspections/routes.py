from blueprints.inspections import bp  # noqa: F401
