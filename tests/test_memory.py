"""A memory per contact for `brain serve`: scripted two-contact conversations through the official
openai client against the real server (uvicorn on loopback, the bundled model through llama.cpp).
What each contact said comes back into that contact's prompt and never into the other's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from backends import GenOpts
from trainer.paths import memory_db
from trainer.recall.memory import MemoryStore, contact_key
from tui.api.server import ServerSettings, create_app
from tui.cli import main
from tui.config import Config
from tui.session import ChatSession

from server_support import running

KEY = "memory-test-key-0123456789"
ALICE_FACT = "My dog is called Biscuit and he is afraid of the vacuum cleaner."
BOB_FACT = "My sister Hanna plays the cello in an orchestra in Leipzig."




class Recorder:
    """The real session, with the messages each generation was given written down: what the
    memory added to a prompt is what these tests check (the model's words are not deterministic)."""

    def __init__(self, session: ChatSession) -> None:
        self.session, self.prompts = session, []

    def stream(self, messages, opts: GenOpts) -> Iterator[str]:
        self.prompts.append(list(messages))
        return self.session.stream(messages, opts)

    def info(self):
        return self.session.info()

    def last_system(self) -> str:
        return next((m.content for m in self.prompts[-1] if m.role == "system"), "")


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> ChatSession:
    cfg = Config(vault=str(tmp_path_factory.mktemp("vault")))
    cfg.chat.backend, cfg.backend.n_threads, cfg.backend.n_ctx = "llamacpp", 1, 1024
    live = ChatSession(cfg)
    live.load()
    return live


def serve(session, db: Path | None):
    recorder = Recorder(session)
    settings = ServerSettings(api_key=KEY, defaults=session.cfg.chat.gen_opts(), memory_db=db)
    return recorder, running(create_app(recorder, settings))


def ask(client: openai.OpenAI, text: str, user: str | None = None, header: str | None = None) -> str:
    extra = {"user": user} if user else {}
    reply = client.chat.completions.create(
        model="brain", messages=[{"role": "user", "content": text}], max_tokens=6, temperature=0, seed=1,
        extra_headers={"X-Brain-Contact": header} if header else None, **extra)
    return reply.choices[0].message.content


def test_each_contact_gets_back_only_their_own_earlier_facts(session, tmp_path):
    db = tmp_path / "memory.db"
    recorder, server = serve(session, db)
    with server as port:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0, timeout=120)
        assert ask(client, ALICE_FACT, user="alice")  # a real reply from the real model
        assert "Biscuit" not in recorder.last_system()  # nothing to remember yet
        ask(client, BOB_FACT, header="bob")
        assert "Biscuit" not in recorder.last_system()

        ask(client, "What is my dog called?", user="alice")
        alice_prompt = recorder.last_system()
        ask(client, "Which instrument does my sister play?", header="bob")
        bob_prompt = recorder.last_system()
        ask(client, "What is my dog called?")  # no contact: no memory, nothing stored
        anonymous = recorder.last_system()

    assert "Biscuit" in alice_prompt and "cello" not in alice_prompt and "Hanna" not in alice_prompt
    assert "cello" in bob_prompt and "Biscuit" not in bob_prompt
    assert "Biscuit" not in anonymous and "cello" not in anonymous
    with MemoryStore.open(db) as store:
        assert {c.key: c.messages for c in store.contacts()} == {store.pseudonym("alice"): 2, store.pseudonym("bob"): 2}
    on_disk = b"".join(f.read_bytes() for f in db.parent.iterdir() if f.name.startswith("memory.db"))
    assert b"alice" not in on_disk and b"bob" not in on_disk  # ids are often names or phone numbers


def test_no_memory_flag_keeps_nothing(session, tmp_path):
    recorder, server = serve(session, None)
    with server as port:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0, timeout=120)
        ask(client, ALICE_FACT, user="alice")
        ask(client, "What is my dog called?", user="alice")
    assert "Biscuit" not in recorder.last_system()
    assert not list(tmp_path.rglob("*.db"))


def test_memory_is_scrubbed_and_forgetting_takes_the_text_off_the_disk(tmp_path):
    db = tmp_path / "memory.db"
    with MemoryStore.open(db) as store:
        store.remember("carol", "user", "Mail me at carol.jones@example.org about the quince jam recipe.")
        store.remember("dave", "user", "The quince harvest was poor this year.")
        [kept] = store.messages("carol")
        assert "carol.jones@example.org" not in kept.text and "<EMAIL>" in kept.text
        assert [m.text for m in store.recall("dave", "quince jam")] == ["The quince harvest was poor this year."]
        assert store.forget("carol") == 1
    files = [f.read_bytes() for f in tmp_path.iterdir() if f.is_file()]
    assert not any(b"jam" in data for data in files) and any(b"harvest" in data for data in files)


def test_the_contact_header_wins_over_the_user_field():
    assert contact_key("alice", "bob") == "bob"
    assert contact_key("alice", None) == "alice"
    assert contact_key("  ", "") is None


def test_memory_cli_lists_shows_and_forgets(tmp_path, capsys):
    vault = tmp_path / "vault"
    vault.mkdir()
    with MemoryStore.open(memory_db(vault)) as store:
        store.remember("alice", "user", ALICE_FACT)
        second = store.remember("alice", "user", "I moved to Utrecht in May.")
        store.remember("bob", "user", BOB_FACT)
        alice, bob = store.pseudonym("alice"), store.pseudonym("bob")
    assert main(["memory", "--vault", str(vault), "list"]) == 0
    out = capsys.readouterr().out
    assert alice in out and bob in out and "alice" not in out
    assert main(["memory", "--vault", str(vault), "show", "alice"]) == 0
    out = capsys.readouterr().out
    assert "Biscuit" in out and "Utrecht" in out and "cello" not in out
    assert main(["memory", "--vault", str(vault), "show", alice]) == 0  # the pseudonym works too
    assert "Utrecht" in capsys.readouterr().out
    assert main(["memory", "--vault", str(vault), "forget", "alice", str(second.id)]) == 0
    assert main(["memory", "--vault", str(vault), "forget", "nobody"]) == 1
    assert "no memory for 'nobody'" in capsys.readouterr().err
    with MemoryStore.open(memory_db(vault)) as store:
        assert [m.text for m in store.messages("alice")] == [ALICE_FACT]
        assert len(store.messages("bob")) == 1


@pytest.mark.anyio
async def test_memory_panel_opens_from_the_palette_reads_and_deletes():
    from tui_support import idle, scripted_app, wait_for

    from tui.screens.memory import MemoryScreen

    app = scripted_app()  # the panel is about memory.db, not the model: a scripted backend
    db = memory_db(app.cfg.vault_path)
    with MemoryStore.open(db) as store:
        store.remember("alice", "user", ALICE_FACT)
        store.remember("bob", "user", BOB_FACT)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: idle(app), what="the model")
        await pilot.press("ctrl+p")
        await pilot.press(*"Memory")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MemoryScreen), what="the memory panel")
        screen = app.screen
        contacts, messages = screen.query_one("#contacts"), screen.query_one("#messages")
        await wait_for(pilot, lambda: contacts.row_count == 2 and messages.row_count == 1, what="the contacts")
        shown = messages.get_row_at(0)[2]
        assert shown in (ALICE_FACT, BOB_FACT)
        await pilot.press("x")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: contacts.row_count == 1, what="the contact to go")
    with MemoryStore.open(db) as store:
        left = [m.text for c in store.contacts() for m in store.messages(c.key)]
    assert left == [BOB_FACT if shown == ALICE_FACT else ALICE_FACT]


def test_a_memory_written_with_raw_contact_ids_is_rekeyed_and_the_ids_leave_the_disk(tmp_path):
    import sqlite3

    db = tmp_path / "memory.db"
    with MemoryStore.open(db) as store:
        store.remember("+49 151 23456789", "user", ALICE_FACT)
    conn = sqlite3.connect(db)  # an older memory.db kept the id as it came
    conn.execute("UPDATE memories SET contact = '+49 151 23456789'")
    conn.commit()
    conn.close()
    with MemoryStore.open(db) as store:
        assert [m.text for m in store.messages("+49 151 23456789")] == [ALICE_FACT]
    assert not any(b"23456789" in f.read_bytes() for f in tmp_path.iterdir() if f.is_file())


def test_memories_stored_with_an_older_term_splitter_still_match(tmp_path):
    import sqlite3

    db = tmp_path / "memory.db"
    with MemoryStore.open(db) as store:
        first = store.remember("ines", "user", "A Inês faz anos a 3 de maio.")
        for text in ("Vou a Lisboa amanhã.", "O comboio atrasou.", "Comprei pão.", "Está a chover."):
            store.remember("ines", "user", text)  # the latest few always come back: push it out of them
    conn = sqlite3.connect(db)  # as an older splitter left it ("Inês" cut in two), with no version
    conn.execute("UPDATE memories_fts SET terms = 'in s faz' WHERE rowid = ?", (first.id,))
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    with MemoryStore.open(db) as store:
        assert first.text in [m.text for m in store.recall("ines", "Quando é o aniversário da Inês?")]
