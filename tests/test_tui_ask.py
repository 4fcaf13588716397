"""`brain ask` answers from the notes by default (the chat's default too); --no-notes asks the model.

The model path given is a file that does not exist: an answer from the notes succeeding proves
no model was loaded for it, and --no-notes failing on that file proves it went to the model.
"""

from __future__ import annotations

from tui.cli import main
from tui.config import DEMO_VAULT


def ask(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["ask", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_answers_from_the_notes_on_a_fresh_index_without_loading_a_model(capsys, tmp_path):
    code, out, _ = ask(capsys, "--vault", str(DEMO_VAULT), "--model", str(tmp_path / "missing.gguf"),
                       "Why did I sell the car?")
    assert code == 0
    assert "2025-06-20" in out and "eleven times" in out and "[1]" in out
    assert "[1] 2025-06-20 · Sell the car — decisions/2025-06-20-sell-the-car.md" in out


def test_no_notes_asks_the_model_alone(capsys, tmp_path):
    code, out, err = ask(capsys, "--vault", str(DEMO_VAULT), "--model", str(tmp_path / "missing.gguf"),
                         "--no-notes", "Why did I sell the car?")
    assert code == 1 and "missing.gguf" in err and "[1]" not in out


def test_an_empty_vault_answers_that_nothing_was_found(capsys, tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    code, out, _ = ask(capsys, "--vault", str(vault), "--model", str(tmp_path / "missing.gguf"), "Why did I sell the car?")
    assert code == 0 and "find" in out and "Notes:" not in out


def test_a_missing_vault_is_a_clear_error(capsys, tmp_path):
    code, _, err = ask(capsys, "--vault", str(tmp_path / "nowhere"), "Why?")
    assert code == 2 and "vault not found" in err and "--no-notes" in err


def test_the_notes_list_names_only_the_notes_the_answer_cites(capsys, tmp_path):
    """A pattern question looks at many notes; the list under the answer names those it quotes."""
    code, out, _ = ask(capsys, "--vault", str(DEMO_VAULT), "--model", str(tmp_path / "missing.gguf"),
                       "What do I keep getting wrong?")
    answer, _, listed = out.partition("\nNotes:\n")
    assert code == 0 and listed
    for line in listed.strip().splitlines():
        number = line.split("]")[0].strip(" [")
        assert f"[{number}]" in answer, line
