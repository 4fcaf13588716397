"""Nothing typed is lost: keys, pastes and Enter arriving in one burst send the whole text.

A terminal delivers what tmux `send-keys "question" Enter`, a paste or an IME commit writes in
one read, and Textual's driver posts all those keys to the app at once. `burst` does exactly
that (the driver's own `send_message`, with no pause between keys), which is what used to send
"Wh" or nothing: Enter was a priority binding, run before the letters reached the message box.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea
from tui_support import ScriptedBackend, ScriptedSession, idle, scripted_app, wait_for

import tui.app
from tui.app import BrainApp
from tui.widgets.prompt import PromptInput

pytestmark = pytest.mark.anyio

QUESTION = "Who is Jonas and how do I know him?"
NAMES = {" ": "space", "?": "question_mark", "\r": "enter"}


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)
    monkeypatch.setattr(Input.cursor_blink, "_default", False)


def key(char: str) -> events.Key:
    name = NAMES.get(char, char)
    if len(name) == 1 and not name.isalnum():
        name = unicodedata.name(char).lower().replace(" ", "_")
    return events.Key(name, char)


def burst(app: BrainApp, *items: str | events.Event) -> None:
    """Post keys (each character of a string; "\\r" is Enter) and events to the app in one go,
    as the driver does after one read of the terminal."""
    for item in items:
        for event in ([key(c) for c in item] if isinstance(item, str) else [item]):
            event.set_sender(app)
            app._driver.send_message(event)


def sent(app: BrainApp) -> list[str]:
    """The user messages saved, oldest first, across all chats."""
    return [m.content for c in reversed(app.history.conversations())
            for m in app.history.messages(c.id) if m.role == "user"]


def prompt_text(app: BrainApp) -> str:
    return app.screen.query_one(PromptInput).text


async def ready_ungrounded(pilot) -> None:
    """The model loaded and notes off: these tests are about the message box, not recall."""
    await wait_for(pilot, lambda: idle(pilot.app), what="the model")
    await pilot.press("ctrl+g")
    assert not pilot.app.grounded


async def test_a_burst_of_keys_and_enter_sends_the_whole_question():
    app = scripted_app(ScriptedBackend(["He is my friend."]))
    async with app.run_test() as pilot:
        await ready_ungrounded(pilot)
        burst(app, QUESTION + "\r")
        await wait_for(pilot, lambda: sent(app) and idle(app), what="the message")
        assert sent(app) == [QUESTION]
        assert prompt_text(app) == ""


async def test_keys_typed_right_after_enter_stay_in_the_box():
    app = scripted_app(ScriptedBackend(["ok"]))
    async with app.run_test() as pilot:
        await ready_ungrounded(pilot)
        burst(app, "first question\rnext one")
        await wait_for(pilot, lambda: sent(app) and idle(app), what="the message")
        assert sent(app) == ["first question"]
        assert prompt_text(app) == "next one"


async def test_a_paste_or_ime_commit_followed_by_enter_sends_all_of_it():
    app = scripted_app(ScriptedBackend(["ok"]))
    async with app.run_test() as pilot:
        await ready_ungrounded(pilot)
        burst(app, events.Paste("Why did I sell\nthe car?"), "\r")
        await wait_for(pilot, lambda: sent(app) and idle(app), what="the pasted message")
        burst(app, "我为什么卖车？\r")  # an IME commits several characters and Enter at once
        await wait_for(pilot, lambda: len(sent(app)) == 2 and idle(app), what="the IME message")
        assert sent(app) == ["Why did I sell\nthe car?", "我为什么卖车？"]


async def test_many_keys_and_enter_in_one_pilot_press():
    app = scripted_app(ScriptedBackend(["ok"]))
    async with app.run_test() as pilot:
        await ready_ungrounded(pilot)
        await pilot.press(*QUESTION, "enter")
        await wait_for(pilot, lambda: sent(app) and idle(app), what="the message")
        assert sent(app) == [QUESTION]


async def test_keys_typed_while_the_model_loads_are_kept_and_sent():
    gate = threading.Event()
    backend = ScriptedBackend(["loaded now"])
    app = scripted_app(backend, gate=gate)
    async with app.run_test() as pilot:
        assert app.state == "loading"
        await pilot.press("ctrl+g")
        burst(app, QUESTION + "\r" + "and then?")
        await wait_for(pilot, lambda: sent(app) == [QUESTION], what="the message sent during the load")
        assert prompt_text(app) == "and then?"
        gate.set()
        await wait_for(pilot, lambda: idle(app) and app.state == "ready" and backend.prompts, what="the reply")
        assert backend.prompts[0][-1].content == QUESTION


async def test_enter_while_a_reply_is_coming_keeps_the_text():
    step = threading.Event()
    app = scripted_app(ScriptedBackend(["one", " two"], step=step))
    async with app.run_test() as pilot:
        await ready_ungrounded(pilot)
        burst(app, "tell me\r")
        await wait_for(pilot, lambda: app.state == "generating", what="the reply to start")
        burst(app, "second\r")
        await wait_for(pilot, lambda: any("Still answering" in n.message for n in app._notifications))
        assert prompt_text(app) == "second" and sent(app) == ["tell me"]
        step.set()
        await wait_for(pilot, lambda: idle(app), what="the reply to end")


async def test_keys_typed_before_the_first_frame_are_sent():
    """tmux send-keys right after starting brain: the keys come before anything has focus, and
    Enter, typed while the terminal was still in line mode, arrives as ctrl+j (LF)."""

    class StartedTyping(BrainApp):
        CSS_PATH = Path(tui.app.__file__).with_name("app.tcss")

        def on_mount(self) -> None:  # no super(): Textual runs BrainApp.on_mount as well
            burst(self, "Who is Jonas?", events.Key("ctrl+j", "\n"), "and more")

    backend = ScriptedBackend(["ok"])
    app = StartedTyping(scripted_app(backend).cfg, session_factory=lambda c: ScriptedSession(c, backend))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: sent(app) == ["Who is Jonas?"], what="the early message")
        assert prompt_text(app) == "and more"
        assert app.focused is app.screen.query_one(PromptInput)
        await wait_for(pilot, lambda: idle(app), timeout=120, what="the answer")
