"""One package per area of work; each has its blueprint, models and services."""
