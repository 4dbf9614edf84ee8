"""The command palette (ctrl+p): every action of the app, searchable by words."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (title, action, help): the action runs on the app, on whatever is selected in its panels.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Light the lamp on the selected environment", "lamp", "Make it the active environment"),
    ("Create an environment", "create_env", "python -m venv with a chosen interpreter"),
    ("Delete the selected environment", "delete_env", "After a confirmation naming the folder"),
    (
        "Rebuild the selected environment on another interpreter",
        "rebuild_env",
        "Same packages, new Python",
    ),
    ("Install packages into the selected environment", "install", "pip install, streamed live"),
    ("Uninstall the selected package", "uninstall", "pip uninstall, after a confirmation"),
    ("Upgrade the selected package", "upgrade", "pip install --upgrade"),
    (
        "Install what the selected script is missing",
        "install_missing",
        "Into the active environment",
    ),
    (
        "Build a new floor for the selected script",
        "new_floor",
        "A new environment with what it needs",
    ),
    ("Open a shell in the selected environment", "shell", "Type exit to come back"),
    ("Open Python in the selected environment", "repl", "The environment's own interpreter"),
    ("Filter packages", "filter", "Type part of a name"),
    ("Rescan everything", "rescan", "Interpreters, environments, scripts"),
    ("Show the keys", "help", "Every key, per panel"),
    ("Go to the interpreters", "panel('interpreters')", "Power stations"),
    ("Go to the environments", "panel('environments')", "The house's floors"),
    ("Go to the packages", "panel('packages')", "Robots installed on the selected floor"),
    ("Go to the scripts", "panel('scripts')", "Robots and whether they fit"),
    ("Quit", "quit", "Leave venv-tui"),
)


class VenvCommands(Provider):
    """Offers :data:`COMMANDS`; each one runs the app action of the same name."""

    def _runner(self, action: str):
        return partial(self.app.call_later, self.app.run_action, action)

    async def discover(self) -> Hits:
        for title, action, help_text in COMMANDS:
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    self._runner(action),
                    text=title,
                    help=help_text,
                )
