"""One module per panel of the main screen."""

from venv_tui.ui.panels.environments import EnvironmentsPanel
from venv_tui.ui.panels.interpreters import InterpretersPanel
from venv_tui.ui.panels.packages import PackagesPanel
from venv_tui.ui.panels.scripts import ScriptsPanel

__all__ = ["EnvironmentsPanel", "InterpretersPanel", "PackagesPanel", "ScriptsPanel"]
