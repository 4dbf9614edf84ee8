"""venv-tui: every Python interpreter and virtual environment on a machine, at a glance."""

__version__ = "0.1.0"
