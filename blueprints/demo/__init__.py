"""The demo enterprise that `make run` loads into an empty database."""
