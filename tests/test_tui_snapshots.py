"""SVG snapshots of the main screens (pytest-textual-snapshot; Textual is pinned in pyproject).

A scripted backend keeps the text deterministic. Review changed snapshots in the HTML report,
then accept them with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea
from tui_support import ScriptedBackend, idle, scripted_app, wait_for

from tui.widgets.message import ChatMessage
from tui.widgets.prompt import PromptInput

SIZE = (100, 30)
REPLY = [
    "You decided to **sell the car** on 2025-06-20.\n\n",
    "- it was used eleven times since January\n",
    "- a cargo bike carries the compost\n\n",
    "Revisit if the shared car is booked more than twice a month.",
]


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)
    monkeypatch.setattr(Input.cursor_blink, "_default", False)


def settled(app) -> bool:
    """Model loaded and the vault indexed: the status bar no longer changes."""
    return idle(app) and app.indexing is None


def test_empty_chat_screen(snap_compare):
    async def ready(pilot):
        await wait_for(pilot, lambda: settled(pilot.app), timeout=180, what="the scripted model and the index")

    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=ready)


def test_chat_with_a_conversation(snap_compare):
    async def converse(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: settled(app), timeout=180)
        await pilot.press("ctrl+g")  # the model's own reply, not one composed from the notes
        await pilot.click(PromptInput)
        await pilot.press(*"What did I decide about the car?", "enter")
        await wait_for(pilot, lambda: idle(app) and any(m.role == "assistant" and m.text
                                                         for m in app.screen.query(ChatMessage)))
        app.clear_notifications()  # the ctrl+g toast would cover the reply
        await pilot.pause()

    assert snap_compare(scripted_app(ScriptedBackend(REPLY)), terminal_size=SIZE, run_before=converse)


def test_settings_screen(snap_compare):
    async def open_settings(pilot):
        await wait_for(pilot, lambda: settled(pilot.app), timeout=180)
        await pilot.press("ctrl+s")

    assert snap_compare(scripted_app(), terminal_size=(100, 34), run_before=open_settings)
