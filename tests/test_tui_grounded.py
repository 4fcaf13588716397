"""Answers from the notes, by default, on a fresh index: what a new user sees in the chat.

The app indexes the vault by itself (progress, then the real count, in the status bar), keeps
the index current while open, and answers from the notes' own sentences, dated and cited,
without waiting for the model. ctrl+g turns that off for one chat, and the choice is kept.
The model is scripted and held loading (`gate`), which proves the answer never needed it.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from textual.widgets import Input, Label, TextArea
from tui_support import ScriptedBackend, idle, scripted_app, wait_for

from tui.app import BrainApp, IndexProgress
from tui.config import DEMO_VAULT, Config
from tui.screens.chat import ChatScreen
from tui.widgets.message import ChatMessage
from tui.widgets.prompt import PromptInput
from tui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.anyio
FIXTURE_VAULT = DEMO_VAULT.parents[1] / "tests" / "fixtures" / "reflect-vault"


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)
    monkeypatch.setattr(Input.cursor_blink, "_default", False)


def status(app: BrainApp, name: str) -> str:
    return str(app.screen.query_one(f"#status-{name}", Label).render())


def replies(app: BrainApp) -> list[str]:
    return [m.text for m in app.screen.query(ChatMessage) if m.role == "assistant"]


def indexed(app: BrainApp) -> bool:
    return app.indexing is None


async def ask(pilot, text: str) -> None:
    await pilot.click(PromptInput)
    await pilot.press(*text, "enter")


def answered(app: BrainApp):
    """The reply is over and saved."""
    def saved() -> bool:
        chat = isinstance(app.screen, ChatScreen) and app.screen.reply is None and app.screen.conversation
        return bool(chat) and app.history.messages(chat.id)[-1].role == "assistant"
    return saved


async def test_a_new_user_gets_the_reasons_from_the_note_without_the_model():
    gate = threading.Event()  # the model stays loading (up to the scripted session's 30 s)
    backend = ScriptedBackend(["a story about a boat"])
    app = scripted_app(backend, gate=gate)
    notes = len(list(DEMO_VAULT.rglob("*.md")))
    async with app.run_test(size=(120, 34)) as pilot:
        await wait_for(pilot, lambda: indexed(app), timeout=180, what="the first index")
        await pilot.pause()
        assert status(app, "notes") == f"{notes} notes indexed"
        assert app.grounded and app.screen.query_one("#status-grounded").display
        await ask(pilot, "Why did I sell the car?")
        await wait_for(pilot, answered(app), timeout=120, what="the answer from the notes")
        reply = replies(app)[-1]
        for fact in ("2025-06-20", "eleven times", "compost", "[1]"):  # reasons, dated, cited
            assert fact in reply, reply
        assert "*Notes:* [1] Sell the car (2025-06-20)" in reply
        assert backend.prompts == []  # the model was neither needed nor asked
        conversation = app.history.conversations()[0]
        assert conversation.grounded
        assert app.history.messages(conversation.id)[-1].content == reply
    gate.set()


async def test_notes_off_for_one_chat_is_remembered_after_a_restart():
    backend = ScriptedBackend(["just the model"])
    app = scripted_app(backend)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: idle(app), what="the model")
        await pilot.press("ctrl+g")
        assert not app.grounded and not app.screen.query_one("#status-grounded").display
        await ask(pilot, "Why did I sell the car?")
        await wait_for(pilot, answered(app), what="the model's reply")
        assert replies(app) == ["just the model"]
        assert all(m.role != "system" or "[1]" not in m.content for m in backend.prompts[0])
        await pilot.press("ctrl+n")
        assert app.grounded  # a new chat answers from the notes again

    app = scripted_app(backend)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: idle(app), what="the model")
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.conversation is not None, what="the old chat")
        assert not app.grounded and not app.screen.query_one("#status-grounded").display


async def test_an_empty_vault_says_so_and_the_answer_says_nothing_was_found(tmp_path):
    vault = tmp_path / "empty-vault"
    vault.mkdir()
    gate = threading.Event()
    app = scripted_app(gate=gate, cfg=Config(vault=str(vault)))
    async with app.run_test(size=(120, 34)) as pilot:
        await wait_for(pilot, lambda: indexed(app), timeout=180, what="the index")
        await pilot.pause()
        assert status(app, "notes") == "vault is empty: no notes to answer from"
        await ask(pilot, "Why did I sell the car?")
        await wait_for(pilot, answered(app), what="the answer")
        assert "find" in replies(app)[-1] and "[1]" not in replies(app)[-1]
    gate.set()


async def test_a_missing_vault_is_named_in_the_status_bar(tmp_path):
    app = scripted_app(cfg=Config(vault=str(tmp_path / "nowhere")))
    async with app.run_test(size=(140, 34)) as pilot:
        await wait_for(pilot, lambda: indexed(app), timeout=180, what="the index")
        await pilot.pause()
        assert status(app, "notes") == f"vault not found: {tmp_path / 'nowhere'}"


async def test_indexing_shows_progress_and_notes_added_while_open_are_answered(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURE_VAULT, vault)  # the test's own copy: adding a note never touches a fixture
    count = len(list(vault.rglob("*.md")))
    progress: list[IndexProgress] = []
    app = scripted_app(cfg=Config(vault=str(vault)))
    hook = lambda m: isinstance(m, IndexProgress) and progress.append(m)  # noqa: E731
    async with app.run_test(size=(120, 34), message_hook=hook) as pilot:
        await wait_for(pilot, lambda: indexed(app) and idle(app), timeout=180, what="the first index")
        await pilot.pause()
        assert progress and progress[-1].total == count and progress[-1].done == count
        assert status(app, "notes") == f"{count} notes indexed"

        (vault / "decisions" / "2025-09-01-learn-the-cello.md").write_text(
            "---\ndate: 2025-09-01\n---\n# Learn the cello\n\nI decided to learn the cello because the "
            "neighbour sells hers for 300 euros and I miss playing music.\n", encoding="utf-8")
        await wait_for(pilot, lambda: app.notes == count + 1, timeout=90, what="the watcher's rescan")
        await ask(pilot, "Why did I decide to learn the cello?")
        await wait_for(pilot, answered(app), timeout=120, what="the answer")
        reply = replies(app)[-1]
        assert "300 euros" in reply and "2025-09-01" in reply and "[1]" in reply
