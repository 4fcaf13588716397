"""Settings: generation options and the backend/model choice, saved to the config file.

Generation options apply from the next message. A different backend or model means a reload,
which the app runs in a worker after this screen closes (it dismisses with True for that).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, TextArea

from backends import backend_names
from tui.config import ChatSettings, Config, load_config, save_config


def save_chat_settings(chat: ChatSettings) -> Path:
    """Write only the chat section onto the file's contents, so one-off flags such as --vault
    given for this run do not become permanent."""
    disk = load_config()
    disk.chat = replace(chat)
    return save_config(disk)


def number(text: str, label: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{label} must be a number.") from None
    if not low <= value <= high:
        raise ValueError(f"{label} must be between {low:g} and {high:g}.")
    return value


class SettingsScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg

    def compose(self) -> ComposeResult:
        chat = self.cfg.chat
        names = sorted({*backend_names(), chat.backend})
        with Vertical(classes="dialog", id="settings"):
            yield Label("Settings", classes="dialog-title")
            with Horizontal(classes="row"):
                yield self._field("Backend", Select([(n, n) for n in names], value=chat.backend,
                                                    allow_blank=False, id="backend"))
                yield self._field("Model", Input(chat.model, id="model",
                                                 placeholder="default, a .gguf file, a model folder or org/name"))
            with Horizontal(classes="row"):
                yield self._field("Temperature", Input(f"{chat.temperature:g}", type="number", id="temperature"))
                yield self._field("Top p", Input(f"{chat.top_p:g}", type="number", id="top_p"))
                yield self._field("Max tokens", Input(str(chat.max_tokens), type="integer", id="max_tokens"))
            yield Label("System prompt", classes="field-label")
            yield TextArea(chat.system_prompt, id="system_prompt", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
        yield Footer()

    @staticmethod
    def _field(label: str, widget) -> Vertical:
        return Vertical(Label(label, classes="field-label"), widget, classes="field")

    def read(self) -> ChatSettings:
        """The form as ChatSettings; ValueError names the first bad field."""
        max_tokens = number(self._value("max_tokens"), "Max tokens", 1, max(self.cfg.backend.n_ctx, 1))
        return replace(
            self.cfg.chat,
            backend=str(self.query_one("#backend", Select).value),
            model=self._value("model") or "default",
            temperature=number(self._value("temperature"), "Temperature", 0, 2),
            top_p=number(self._value("top_p"), "Top p", 0, 1),
            max_tokens=int(max_tokens),
            system_prompt=self.query_one("#system_prompt", TextArea).text.strip(),
        )

    def _value(self, input_id: str) -> str:
        return self.query_one(f"#{input_id}", Input).value.strip()

    def action_save(self) -> None:
        try:
            chat = self.read()
        except ValueError as exc:
            self.notify(str(exc), title="Settings", severity="error", markup=False)
            return
        old = self.cfg.chat
        reload = (chat.backend, chat.model) != (old.backend, old.model)
        self.cfg.chat = chat  # the session reads gen options from this Config on every message
        try:
            save_chat_settings(chat)
        except (OSError, ValueError) as exc:
            self.notify(f"Applied for this session, but not saved: {exc}", severity="warning", markup=False)
        self.dismiss(reload)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(False)
