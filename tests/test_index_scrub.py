"""The note index keeps scrubbed text: a secret in a note never reaches brain.db, while names,
links, headings' lines and change detection stay as they were (issue 10)."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from trainer.data.scrub import IndexScrub
from trainer.vault.index import Index
from trainer.vault.scan import scan_vault

REPO = Path(__file__).resolve().parents[1]
KEY = "sk-Qm7vT2xK9pLr4WnZ8bYc3HdF6sJa1GeU5tXo0NiRkVwq2"
NOTE = f"""---
title: Homelab with {KEY}
contact: [meera@example.org, "+91 98220 45671"]
---
# Setup for Meera

The token is {KEY} and my password: hunter2.

-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA7bq3Xk2v
q9Lm4TnPzR8
-----END RSA PRIVATE KEY-----

## Card 4111 1111 1111 1111

See [[other note|mail meera@example.org]].
"""
SECRETS = (KEY, "meera@example.org", "98220 45671", "hunter2", "MIIEowIBAAKCAQEA7bq3Xk2v", "4111 1111 1111 1111")


def db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def vault_with_note(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "homelab.md").write_text(NOTE, encoding="utf-8")
    return vault


def test_every_caller_of_scan_vault_passes_the_vaults_scrub():
    """The vault layer cannot import the scrub, so each caller passes it; one that forgot would
    store notes in clear, and one with other settings would scrub the index two ways in turn."""
    missing = []
    for path in [*REPO.glob("tui/**/*.py"), *REPO.glob("trainer/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "scan_vault":
                scrub = next((k.value for k in node.keywords if k.arg == "scrub"), None)
                if not (isinstance(scrub, ast.Call) and getattr(scrub.func, "id", None) == "index_scrub"):
                    missing.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert missing == []


def test_the_configs_deny_list_reaches_the_index_and_answers(tmp_path, brain_home):
    """A name the user put in [scrub] deny never reaches brain.db, whichever command indexes."""
    from tui.cli import main

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "tea.md").write_text("# Tea with Priya\n\nPriya told me about ACME-4471 over jasmine tea.\n",
                                  encoding="utf-8")
    config = brain_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[scrub]\ndeny = ["Priya", "re:ACME-\\\\d+"]\n', encoding="utf-8")
    assert main(["index", str(vault)]) == 0
    from trainer.paths import index_db
    from trainer.recall.answer import answer

    stored = db_bytes(index_db(vault))
    assert b"Priya" not in stored and b"ACME-4471" not in stored and b"jasmine" in stored
    with Index.open(index_db(vault)) as index:
        got = answer(index, "What did I talk about over jasmine tea?")
    assert "jasmine" in got.text and "Priya" not in got.text and "<REDACTED>" in got.text
    config.write_text("", encoding="utf-8")  # taken off the list: the next index has the name back
    assert main(["index", str(vault)]) == 0
    assert b"Priya" in db_bytes(index_db(vault))


def test_the_index_stores_no_secret_but_keeps_names_lines_and_the_raw_hash(tmp_path):
    vault = vault_with_note(tmp_path)
    db = tmp_path / "home" / "brain.db"
    with Index.open(db) as index:
        scan_vault(vault, index, scrub=IndexScrub())
        note = index.get("homelab.md")
        hits = index.search("Meera")
    blob = db_bytes(db)
    assert [s for s in SECRETS if s.encode() in blob] == []
    assert note.content_hash == hashlib.sha256((vault / "homelab.md").read_bytes()).hexdigest()
    assert "<SECRET>" in note.title and "Meera" in note.headings[0].text and hits
    assert note.frontmatter["contact"] == ["<EMAIL>", "<PHONE>"]
    assert [ln.alias for ln in note.links] == ["mail <EMAIL>"] and note.links[0].target == "other note"
    card = note.headings[1]
    assert card.text == "Card <CARD>" and note.body.splitlines()[card.line] == "## Card <CARD>"


def test_an_index_written_in_clear_is_scrubbed_at_the_next_scan(tmp_path):
    vault = vault_with_note(tmp_path)
    db = tmp_path / "home" / "brain.db"
    with Index.open(db) as index:
        scan_vault(vault, index)  # as every index was before the scrub reached it
        assert KEY in index.get("homelab.md").body
        report = scan_vault(vault, index, scrub=IndexScrub())
        assert report.indexed == 1  # re-read although the file did not change
        again = scan_vault(vault, index, scrub=IndexScrub())
        assert (again.indexed, again.unchanged) == (0, 1)  # and only once
    assert [s for s in SECRETS if s.encode() in db_bytes(db)] == []
