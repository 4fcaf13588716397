"""`brain forget`: the note leaves the index, retrieval, adapters and run folders, and every
file under BRAIN_HOME (SQLite files, WALs and FTS shadow tables included)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trainer.adapters.coverage import write_coverage
from trainer.adapters.registry import AdapterRegistry
from trainer.data.dataset import DatasetConfig, build_examples
from trainer.forget import files_holding, find_targets, forget, plan_forget
from trainer.paths import adapters_dir, index_db, vault_data_dir
from trainer.recall.retrieve import Retriever
from trainer.vault.index import Index
from trainer.vault.scan import scan_vault
from tui.cli import main

SECRET = ("The quokkaberry orchard behind the old mill is where I buried the spare key to the boathouse, "
          "under the third flagstone from the gate.")
NOTES = {
    "journal/2025-01-03.md": "# Third of January\n\nQuiet day. I walked along the canal and planned the week; "
                             "the plan was mostly about sleep and fewer meetings.\n",
    "projects/garden.md": "# Balcony garden\n\nTomatoes did well in the sun; basil bolted early again. Next year "
                          "I start the seeds indoors in March and water in the evening.\n",
    "people/mara.md": "# Mara\n\nMara recommended the climbing gym near the station. We go on Thursdays now, "
                      "and she insists on warming up properly first.\n",
    "private/key.md": f"# Where the key is\n\n{SECRET}\n\nNobody else knows about the quokkaberry orchard.\n",
}
TARGET = "private/key.md"


@pytest.fixture
def vault(tmp_path) -> Path:
    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    with Index.open(index_db(root)) as index:
        scan_vault(root, index)
        retriever = Retriever(index)
        retriever.sync()
        assert any(h.path == TARGET for h in retriever.retrieve("where is the spare key to the boathouse").hits)
        retriever.close()
    return root


def states(vault: Path) -> dict[str, str]:
    with Index.open(index_db(vault)) as index:
        return {p: s.content_hash for p, s in index.file_states().items()}


def add_version(vault: Path, coverage: dict[str, str], kind: str = "full") -> str:
    """A committed registry version with the coverage a real run writes, and its run folder with
    the training data the pipeline writes (the note's scrubbed examples)."""
    registry = AdapterRegistry(adapters_dir(vault))
    run = f"run-{len(registry.versions()) + 1}"
    with Index.open(index_db(vault)) as index:
        notes = [n for n in index.notes() if n.path in coverage]
    build_examples(notes, DatasetConfig(eval_fraction=0)).write_jsonl(vault_data_dir(vault) / "runs" / run / "data")
    with registry.build() as staging:
        write_coverage(staging, coverage)
        (staging / "lora.gguf").write_bytes(b"weights")
        version = registry.commit(staging, {"kind": kind, "run": run, "seconds": 30.0,
                                            "dataset": {"notes": len(coverage)}})
    registry.activate(version.name)
    return version.name


def test_forget_removes_the_note_from_every_file_and_keeps_it_out(vault, brain_home):
    all_notes = states(vault)
    v1 = add_version(vault, all_notes)
    home_before = files_holding(brain_home, find_targets(vault, [TARGET]))
    assert home_before, "the fixture must put the text somewhere first"

    plan = plan_forget(vault, find_targets(vault, [TARGET]))
    assert (plan.strategy, plan.saw, plan.clean, plan.retrain_notes) == ("full", [v1], None, 3)
    result = forget(plan)  # no retrain: the base model stays active

    assert result.removed_versions == [v1] and AdapterRegistry(adapters_dir(vault)).names() == []
    assert result.residue == []
    raw = [f.read_bytes() for f in brain_home.rglob("*") if f.is_file()]
    assert raw and not any(b"quokkaberry" in data or b"boathouse" in data for data in raw)
    with Index.open(index_db(vault)) as index:
        scan_vault(vault, index)  # the note is still in the vault: a new scan must not bring it back
        assert index.get(TARGET) is None and index.count() == 3
        retriever = Retriever(index)
        retriever.sync()
        assert all(h.path != TARGET for h in retriever.retrieve("spare key boathouse quokkaberry").candidates)
        retriever.close()
    assert (vault / TARGET).read_text(encoding="utf-8") == NOTES[TARGET]  # the vault is read-only


def test_a_sentence_the_note_shares_with_another_note_is_not_residue_but_its_own_text_is(vault, brain_home):
    """The 1,000-note bench vault reported 1 residue file: brain.db, holding other notes' copies of
    a template line ("- try I buy tools before I need them") that the forgotten note also had. The
    check looks for the note's own sentences only, and still finds them wherever they are."""
    shared = "Nobody else knows about the quokkaberry orchard."
    (vault / "inbox").mkdir()
    (vault / "inbox" / "list.md").write_text(f"# A list\n\n- {shared}\n- buy bread\n", encoding="utf-8")
    targets = find_targets(vault, [TARGET])
    assert shared not in targets[0].fingerprints and SECRET in targets[0].fingerprints

    result = forget(plan_forget(vault, targets))
    db = index_db(vault).read_bytes()
    assert shared.encode() in db  # the other note keeps its line ...
    assert result.residue == []  # ... and that is not the forgotten note's residue
    assert not any(SECRET.encode() in f.read_bytes() for f in brain_home.rglob("*") if f.is_file())
    stray = vault_data_dir(vault) / "runs" / "old" / "events.jsonl"  # a leftover with the note's own text
    stray.parent.mkdir(parents=True)
    stray.write_text(json.dumps({"text": SECRET}) + "\n", encoding="utf-8")
    assert files_holding(brain_home, targets) == [stray]


def test_a_copy_of_the_forgotten_note_stays_out_too(vault, tmp_path):
    forget(plan_forget(vault, find_targets(vault, [TARGET])))
    copy = tmp_path / "vault" / "inbox" / "copy.md"
    copy.parent.mkdir()
    shutil.copyfile(vault / TARGET, copy)
    with Index.open(index_db(vault)) as index:
        report = scan_vault(vault, index)
        assert index.get("inbox/copy.md") is None
    assert ("inbox/copy.md", "forgotten") in {(s.path, s.reason) for s in report.skipped}


def test_replay_starts_from_the_newest_version_that_never_saw_the_note(vault):
    before = states(vault)
    v1 = add_version(vault, {p: h for p, h in before.items() if p != TARGET})
    v2 = add_version(vault, before, kind="refresh")
    plan = plan_forget(vault, find_targets(vault, [TARGET]))
    assert (plan.strategy, plan.saw, plan.clean, plan.retrain_notes) == ("refresh", [v2], v1, 0)

    retrained = []

    def retrain(p):  # what the real retrainer does last: commit and activate a new version
        retrained.append((p.strategy, AdapterRegistry(adapters_dir(vault)).active_name()))
        return add_version(vault, {k: h for k, h in before.items() if k != TARGET}, kind="refresh")

    result = forget(plan, retrain=retrain)
    registry = AdapterRegistry(adapters_dir(vault))
    assert retrained == [("refresh", v1)]  # the chat left v2 before the retrain began
    assert registry.names() == [v1, "v0003"] and registry.active_name() == "v0003"  # numbers never reused
    registry.rollback()
    assert registry.active_name() == v1  # v2 is out of the rollback history too
    assert result.removed_runs == 1  # v2's run folder held the note's examples


def test_an_old_version_that_saw_the_note_goes_even_when_the_active_one_did_not(vault):
    before = states(vault)
    v1 = add_version(vault, before)
    v2 = add_version(vault, {p: h for p, h in before.items() if p != TARGET})
    plan = plan_forget(vault, find_targets(vault, [TARGET]))
    assert (plan.strategy, plan.saw) == ("none", [v1])
    forget(plan)
    assert AdapterRegistry(adapters_dir(vault)).names() == [v2]


def test_cli_dry_run_changes_nothing_and_matching_finds_the_note(vault, capsys):
    add_version(vault, states(vault))
    assert main(["forget", "--vault", str(vault), "--matching", "QUOKKABERRY", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert TARGET in out and "v0001" in out and "full rebuild on 3 notes" in out and "about" in out
    assert TARGET in states(vault) and AdapterRegistry(adapters_dir(vault)).names() == ["v0001"]


def test_cli_names_what_matched_nothing(vault, capsys):
    assert main(["forget", "--vault", str(vault), "nowhere/none.md"]) == 2
    assert "nowhere/none.md: not a note" in capsys.readouterr().err
    assert main(["forget", "--vault", str(vault), "--matching", "zebra-crossing-xyz"]) == 2
    assert "no note contains 'zebra-crossing-xyz'" in capsys.readouterr().err


def test_cli_forgets_and_undo_lets_the_note_back(vault, capsys):
    add_version(vault, states(vault))
    assert main(["forget", "--vault", str(vault), TARGET, "--no-retrain"]) == 0
    assert "in no file under the data folder" in capsys.readouterr().out
    assert TARGET not in states(vault)
    assert main(["forget", "--vault", str(vault), "--undo", TARGET]) == 0
    with Index.open(index_db(vault)) as index:
        scan_vault(vault, index)
        assert index.get(TARGET) is not None
    assert json.loads((vault_data_dir(vault) / "forgotten.json").read_text()) == {"paths": [], "contents": []}


@pytest.mark.slow
def test_sharded_forget_retrains_only_the_notes_shard_with_the_real_model(vault, brain_home):
    """The real path: a 2-shard build with the bundled model, then `forget` of one note retrains
    its shard (on the note's shard-mate only) and reuses the other shard's weights byte for byte;
    the served adapter is the combined peft + GGUF LoRA of both, and no file keeps the note."""
    from trainer.engines.base import LoraSettings, TrainSettings
    from trainer.forget import retrainer
    from trainer.pipeline import TrainPlan
    from trainer.sharded import train_sharded
    from trainer.sync.settings import SyncSettings

    settings = TrainSettings(max_steps=2, max_len=64, rows_per_step=1, warmup_ratio=0.0, threads=2,
                             lora=LoraSettings(rank=2, alpha=4, targets=["q_proj", "v_proj"]))
    template = TrainPlan(vault, "default", settings=settings, dataset=DatasetConfig(eval_fraction=0), keep=5)
    v1 = train_sharded(template, 2, lambda event: None)  # shard 0: journal + the key note; shard 1: the rest
    kept = (v1.path / "shards" / "s001" / "peft" / "adapter_model.safetensors").read_bytes()
    retrained_before = (v1.path / "shards" / "s000" / "peft" / "adapter_model.safetensors").read_bytes()
    steps_before = {str(k): v for k, v in v1.manifest["shards"]["figures"].items()}["0"]["steps"]

    plan = plan_forget(vault, find_targets(vault, [TARGET]))
    assert (plan.strategy, plan.shards["retrain"], plan.retrain_notes) == ("shard", [0], 1)
    result = forget(plan, retrainer(template, SyncSettings()))

    registry = AdapterRegistry(adapters_dir(vault))
    new = registry.get(result.version)
    assert registry.active_name() == new.name and registry.names() == [new.name] and result.residue == []
    assert new.manifest["kind"] == "shard-retrain" and new.manifest["shards"]["retrained"] == [0]
    with Index.open(index_db(vault)) as index:
        journal = build_examples([index.get("journal/2025-01-03.md")], DatasetConfig(eval_fraction=0))
    assert new.manifest["shards"]["figures"]["0"]["train"] == len(journal.train)  # the shard-mate's examples only
    assert new.manifest["shards"]["figures"]["0"]["steps"] <= steps_before  # a lighter shard, no more passes
    assert (new.path / "shards" / "s001" / "peft" / "adapter_model.safetensors").read_bytes() == kept
    assert (new.path / "shards" / "s000" / "peft" / "adapter_model.safetensors").read_bytes() != retrained_before
    config = json.loads((new.path / "peft" / "adapter_config.json").read_text())
    assert config["r"] == 4 and (new.path / "lora.gguf").stat().st_size > 0  # both shards, summed, served
    assert not list(new.path.glob("shards/*/lora.gguf"))  # only the sum is exported
    raw = [f.read_bytes() for f in brain_home.rglob("*") if f.is_file()]
    assert not any(b"quokkaberry" in data for data in raw)
