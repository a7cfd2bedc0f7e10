from blueprints.org import bp  # noqa: F401
