"""The Textual app. Talks only to :class:`venv_tui.services.Services`.

Nothing is imported here so that ``import venv_tui.ui.demo`` (or the watcher) stays cheap; the
app lives in :mod:`venv_tui.ui.app`.
"""
