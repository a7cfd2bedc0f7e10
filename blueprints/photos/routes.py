from blueprints.photos import bp  # noqa: F401
