"""The chat TUI, driven through Textual's Pilot as a user would drive it.

One test uses the real bundled model through the real llama.cpp backend; the others use a
scripted backend, only to control timing (stop mid-reply, a slow load) deterministically.
"""

from __future__ import annotations

import hashlib
import threading
import tomllib

import pytest
from textual.command import CommandList
from textual.widgets import Input, Label, TextArea
from tui_support import (
    ScriptedBackend,
    ScriptedSession,
    demo_config,
    idle,
    scripted_app,
    wait_for,
)

from trainer.paths import index_db
from tui.app import BrainApp
from tui.config import DEMO_VAULT, config_path
from tui.history import StoredMessage
from tui.screens.chat import ChatScreen, ReplyChunk, recent
from tui.screens.confirm import ConfirmScreen
from tui.screens.settings import SettingsScreen
from tui.widgets.message import ChatMessage
from tui.widgets.prompt import PromptInput
from tui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.anyio  # async tests run on asyncio through anyio's pytest plugin


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    """A blinking cursor makes screens differ from frame to frame."""
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)
    monkeypatch.setattr(Input.cursor_blink, "_default", False)


def replies(app: BrainApp) -> list[ChatMessage]:
    return [m for m in app.screen.query(ChatMessage) if m.role == "assistant"]


def errors(app: BrainApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def ask(pilot, text: str, notes: bool = False) -> None:
    """Type and send `text`; with notes off (ctrl+g), so the model itself replies."""
    if pilot.app.grounded != notes:
        await pilot.press("ctrl+g")
    await pilot.click(PromptInput)
    await pilot.press(*text)
    await pilot.press("enter")


def vault_digest() -> dict[str, str]:
    return {str(p.relative_to(DEMO_VAULT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(DEMO_VAULT.rglob("*")) if p.is_file()}


@pytest.mark.slow
async def test_real_model_streams_a_reply_that_is_saved():
    before = vault_digest()
    chunks: list[ReplyChunk] = []
    app = BrainApp(demo_config(max_tokens=24, temperature=0.0))
    async with app.run_test(size=(110, 34), message_hook=lambda m: isinstance(m, ReplyChunk) and chunks.append(m)) as pilot:
        await ask(pilot, "What did I decide about the car?")
        await wait_for(pilot, lambda: len(app.history.conversations()) == 1 and idle(app)
                       and len(app.history.messages(app.history.conversations()[0].id)) == 2,
                       timeout=120, what="the real model's reply")
        assert not errors(app)
        assert "llamacpp" in app.model_label and app.adapter == "base"
        conversation = app.history.conversations()[0]
        assert conversation.title == "What did I decide about the car?"
        user, reply = app.history.messages(conversation.id)
        assert (user.role, user.content) == ("user", "What did I decide about the car?")
        assert reply.role == "assistant" and reply.content.strip()
        assert len(chunks) > 1, "the reply should arrive in pieces, not all at once"
        assert replies(app)[-1].source == reply.content  # rendered in full at the end
        assert app.query_one(PromptInput).text == ""
    assert vault_digest() == before  # the vault is never written to, nor added to


async def test_reply_streams_and_is_saved_with_scripted_backend():
    backend = ScriptedBackend(["**Sold**", " the car", " in June."])
    app = scripted_app(backend)
    async with app.run_test() as pilot:
        await ask(pilot, "What about the car?")
        await wait_for(pilot, lambda: idle(app) and len(replies(app)) == 1 and replies(app)[0].text)
        await pilot.pause()
        assert replies(app)[0].source == "**Sold** the car in June."
        conversation = app.history.conversations()[0]
        assert [m.content for m in app.history.messages(conversation.id)] == [
            "What about the car?", "**Sold** the car in June."]
        # the system prompt from settings is applied by the session, not stored in history
        assert backend.prompts[0][-1].content == "What about the car?"


async def test_stop_ends_the_reply_and_the_ui_stays_responsive():
    step = threading.Event()
    backend = ScriptedBackend(["First words", " and", " more", " and more"], step=step)
    app = scripted_app(backend)
    async with app.run_test() as pilot:
        await ask(pilot, "Tell me a long story")
        await wait_for(pilot, lambda: replies(app) and replies(app)[0].text == "First words")
        assert app.state == "generating"
        await pilot.press(*"typed while it answers")  # the event loop is not blocked
        assert app.query_one(PromptInput).text == "typed while it answers"
        await pilot.press("escape")
        assert app.screen.reply is None and app.state == "ready"
        assert replies(app)[0].border_subtitle == "stopped"
        step.set()  # let the backend thread reach its next chunk; the worker closes the stream
        await wait_for(pilot, backend.closed.is_set, what="the stream to be closed")
        await pilot.pause()
        assert replies(app)[0].text == "First words"  # nothing after the stop
        conversation = app.history.conversations()[0]
        assert app.history.messages(conversation.id)[-1].content == "First words"


async def test_message_sent_while_loading_waits_for_the_model():
    gate = threading.Event()
    app = scripted_app(ScriptedBackend(["ready now"]), gate=gate)
    async with app.run_test() as pilot:
        assert app.state == "loading"
        await ask(pilot, "early question")
        await pilot.pause()
        assert replies(app)[0].border_subtitle == "waiting for the model…"
        await pilot.press(*"next one")  # keys typed during the load are kept
        gate.set()
        await wait_for(pilot, lambda: idle(app) and app.state == "ready" and replies(app)[0].text)
        assert replies(app)[0].text == "ready now"
        assert app.query_one(PromptInput).text == "next one"


async def test_broken_model_path_is_a_notification_and_the_app_keeps_running(tmp_path):
    app = BrainApp(demo_config(model=str(tmp_path / "missing.gguf")))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.state == "error", what="the load to fail")
        await wait_for(pilot, lambda: errors(app))
        assert "missing.gguf" in errors(app)[0]
        assert app.is_running
        await ask(pilot, "hello?")
        await wait_for(pilot, lambda: idle(app) and len(errors(app)) == 2)
        assert "No model is loaded" in errors(app)[1]
        assert replies(app)[0].border_subtitle == "failed"
        conversation = app.history.conversations()[0]
        assert [m.role for m in app.history.messages(conversation.id)] == ["user"]  # the question is kept
        assert app.is_running and isinstance(app.screen, ChatScreen)


async def test_sidebar_new_resume_rename_delete():
    app = scripted_app(ScriptedBackend(["ok"]))
    async with app.run_test() as pilot:
        await ask(pilot, "first chat")
        await wait_for(pilot, lambda: idle(app) and replies(app))
        await pilot.press("ctrl+n")
        assert not app.screen.query(ChatMessage)
        await ask(pilot, "second chat")
        await wait_for(pilot, lambda: idle(app) and replies(app))
        sidebar = app.query_one(Sidebar)
        assert [str(o.prompt) for o in sidebar.options] == ["second chat", "first chat"]

        # resume the first one
        sidebar.focus()
        sidebar.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert [m.source for m in app.screen.query(ChatMessage)] == ["first chat", "ok"]

        # resuming moves the cursor to the message box; rename from the sidebar
        assert app.focused is app.query_one(PromptInput)
        sidebar.focus()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"Renamed", "enter")
        await pilot.pause()
        assert app.history.get(app.screen.conversation.id).title == "Renamed"
        assert str(sidebar.options[sidebar.highlighted].prompt) == "Renamed"

        # delete it: confirm first, then it is gone with its messages
        doomed = app.screen.conversation.id
        sidebar.focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await pilot.pause()
        assert app.history.get(doomed) is None and app.history.messages(doomed) == []
        assert [str(o.prompt) for o in sidebar.options] == ["second chat"]
        assert app.screen.conversation is None


async def test_delete_can_be_cancelled():
    app = scripted_app(ScriptedBackend(["ok"]))
    async with app.run_test() as pilot:
        await ask(pilot, "keep me")
        await wait_for(pilot, lambda: idle(app) and replies(app))
        await app.screen.run_action("delete_chat")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert [c.title for c in app.history.conversations()] == ["keep me"]


async def test_command_palette_runs_actions():
    app = scripted_app()
    async with app.run_test() as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for title in ["New chat", "Rename chat", "Delete chat", "Stop reply", "Settings",
                      "Reload model", "Toggle chats sidebar", "Copy last reply"]:
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Settings")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="palette hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), what="settings via the palette")


async def test_settings_save_options_and_reload_on_model_change(tmp_path):
    loads = []
    backend = ScriptedBackend(["ok"])

    def factory(cfg):
        loads.append(cfg.chat.model)
        return ScriptedSession(cfg, backend)

    app = BrainApp(demo_config(), session_factory=factory)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for(pilot, lambda: app.state == "ready")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#max_tokens", Input).value = "64"
        app.screen.query_one("#temperature", Input).value = "0.2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert (app.cfg.chat.max_tokens, app.cfg.chat.temperature) == (64, 0.2)
        saved = tomllib.loads(config_path().read_text())
        assert saved["chat"]["max_tokens"] == 64
        assert "vault" not in saved or saved["vault"] == ""  # a one-off --vault is not made permanent
        assert loads == ["default"]  # options alone need no reload

        await pilot.press("f2")
        app.screen.query_one("#model", Input).value = str(tmp_path / "other.gguf")
        await pilot.click("#save")
        await wait_for(pilot, lambda: len(loads) == 2 and app.state == "ready", what="the reload")
        assert app.cfg.chat.model.endswith("other.gguf")


async def test_settings_rejects_bad_numbers():
    app = scripted_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("ctrl+s")
        app.screen.query_one("#top_p", Input).value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # still open, nothing saved
        assert any("Top p" in e for e in errors(app))
        assert not config_path().exists()


async def test_status_bar_shows_vault_backend_adapter_and_indexed_notes():
    from trainer.vault.index import Index
    from trainer.vault.scan import scan_vault

    with Index.open(index_db(DEMO_VAULT)) as index:
        scan_vault(DEMO_VAULT, index)
        indexed = index.count()
    app = scripted_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: idle(app) and app.notes == indexed)
        await pilot.pause()
        status = {label.id: str(label.render()) for label in app.query("StatusBar Label").results(Label)}
        assert status["status-vault"] == "vault demo-vault"
        assert status["status-notes"] == f"{indexed} notes indexed" and indexed >= 6
        assert status["status-model"] == "scripted · scripted-model"
        assert status["status-adapter"] == "adapter: base"
        assert status["status-state"] == "ready"


def test_long_conversations_send_only_the_recent_messages():
    history = [StoredMessage(i, 1, "user" if i % 2 else "assistant", f"{i} " + "x" * 998, "")
               for i in range(1, 21)]
    sent = recent(history, budget=4100)  # each message is ~1000 characters
    assert [m.content.split()[0] for m in sent] == ["17", "18", "19", "20"]
    assert recent(history[:1], budget=10)[0].content.startswith("1 ")  # the question always goes


class RefusingSession(ScriptedSession):
    """Loads as the real session does when the active adapter is corrupt: base model + notice."""

    def load(self):
        info = super().load()
        self.notice = "The active adapter v0003 cannot be used (not a GGUF file); answering with the base model."
        return info


async def test_a_refused_adapter_is_told_to_the_user_once():
    """Without the notice the user only sees a different voice and cannot tell why."""
    backend = ScriptedBackend()
    app = BrainApp(demo_config(), session_factory=lambda c: RefusingSession(c, backend))
    async with app.run_test(size=(110, 34)) as pilot:
        await wait_for(pilot, lambda: app.state == "ready", what="the model load")
        await pilot.pause()
        shown = [n for n in app._notifications if "v0003 cannot be used" in n.message]
        assert len(shown) == 1 and shown[0].severity == "warning"
        app.check_adapter()  # a later adapter check with the same refusal says nothing new
        await wait_for(pilot, lambda: not app._checking_adapter, what="the adapter check")
        await pilot.pause()
        assert len([n for n in app._notifications if "v0003" in n.message]) == 1


@pytest.mark.slow
def test_closing_the_terminal_ends_the_app_even_without_a_hangup_signal(tmp_path):
    """Under `make run` the hangup goes to make alone; brain must still notice its terminal is
    gone and quit, not spin on end-of-file with the watcher running (seen: 51% CPU for an hour).
    The window closes while the first scan still draws its progress: those writes fail, and they
    once killed Textual's output thread and left brain blocked for good (seen in CI)."""
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys
    import time

    for i in range(400):
        (tmp_path / f"day {i}.md").write_text(f"# Day {i}\n\n" + "I walked to work; the bus was late again. " * 40)
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "tui", "--vault", str(tmp_path)], stdin=slave, stdout=slave,
                             stderr=slave, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    os.close(slave)
    seen, deadline = b"", time.monotonic() + 120
    try:
        while b"indexing" not in seen and b"notes indexed" not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)  # drain the screen, as a terminal would
        assert child.poll() is None, "brain should be running in its terminal"
        os.close(master)  # the window closes
        child.wait(timeout=60)  # an upper bound, not a timing assertion
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 129
