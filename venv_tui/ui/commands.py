"""The command palette (ctrl+p): the actions of the table that apply to what is selected."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from venv_tui.ui.actions import Action, Context, palette_actions


class ActionCommands(Provider):
    """Offers the actions that apply to the selection; each runs on the main screen."""

    def _actions(self) -> list[Action]:
        context: Callable[[], Context] | None = getattr(self.screen, "context", None)
        if context is None:
            return []
        return palette_actions(context())

    def _runner(self, action: Action) -> Callable[[], object]:
        # The palette has closed by the time this runs: the action's namespace is the screen
        # that opened it.
        return partial(self.app.call_later, self.screen.run_action, action.action)

    async def discover(self) -> Hits:
        for action in self._actions():
            yield DiscoveryHit(action.title, self._runner(action), help=action.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in self._actions():
            score = matcher.match(action.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.title),
                    self._runner(action),
                    text=action.title,
                    help=action.help,
                )
