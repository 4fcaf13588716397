"""Adapter registry: numbered versions, one atomic pointer to the active one.

    adapters/
      v0001/  manifest.json, peft/, lora.gguf, mlx/   (complete versions only)
      v0002/
      .staging-*/                                      (a run in progress, or a crash's leftovers)
      active.json   {"active": "v0002", "history": ["v0001"]}
    runs/<id>/      beside adapters/: the run's scrubbed training data and logs, kept while a
                    version made from it exists (`brain eval` reads it), pruned with it

A version is built in a staging folder and renamed into place only once its manifest is
written, and `active.json` is replaced with os.replace. So a crash at any instant leaves the
previous active adapter active and loadable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from backends.adapters import MANIFEST
from trainer.atomic import atomic_write_text
from trainer.owner import claim, owner_alive, pid_alive

_VERSION = re.compile(r"^v(\d{4,})$")
_STAGING_PID = re.compile(r"^\.staging-(\d+)-")
POINTER = "active.json"
UNCLAIMED_GRACE_S = 3600.0
"""A working folder with no owner recorded (an older brain's, or one a process was killed
in before it could claim it) is removed only once it is this old."""


class RegistryError(RuntimeError):
    pass


@dataclass(frozen=True)
class AdapterVersion:
    name: str
    path: Path
    manifest: dict

    @property
    def number(self) -> int:
        return int(self.name[1:])


class AdapterRegistry:
    def __init__(self, root: Path, runs: Path | None = None) -> None:
        self.root = root
        self.runs = runs if runs is not None else _runs_beside(root)

    # ---- reading -------------------------------------------------------------------------
    def versions(self) -> list[AdapterVersion]:
        """Complete versions, oldest first (a folder without a readable manifest is ignored)."""
        found = []
        for path in self.root.glob("v*"):
            if _VERSION.match(path.name) and (manifest := _read_json(path / MANIFEST)) is not None:
                found.append(AdapterVersion(path.name, path, manifest))
        return sorted(found, key=lambda v: v.number)

    def get(self, name: str) -> AdapterVersion:
        for v in self.versions():
            if v.name == name:
                return v
        raise RegistryError(f"No adapter version {name!r}. Known: {', '.join(self.names()) or 'none'}.")

    def names(self) -> list[str]:
        return [v.name for v in self.versions()]

    def active_name(self) -> str | None:
        """The active version, skipping a pointer to a version that is gone or incomplete."""
        state = self._state()
        known = set(self.names())
        for name in [state.get("active"), *reversed(state.get("history", []))]:
            if name in known:
                return name
        return None

    def active_dir(self) -> Path | None:
        name = self.active_name()
        return self.root / name if name else None

    # ---- writing -------------------------------------------------------------------------
    @contextmanager
    def build(self) -> Iterator[Path]:
        """A staging folder for a new version; removed if the block raises."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".staging-{os.getpid()}-"))  # owned from birth
        claim(staging)
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def commit(self, staging: Path, manifest: dict) -> AdapterVersion:
        """Write the manifest, then rename the staging folder to the next version number."""
        atomic_write_text(staging / MANIFEST, json.dumps(manifest, indent=2, default=str))
        number = max((v.number for v in self.versions()), default=0) + 1
        while True:
            target = self.root / f"v{number:04d}"
            try:
                staging.rename(target)
                break
            except OSError:
                if not target.exists():
                    raise
                number += 1
        return AdapterVersion(target.name, target, manifest)

    def activate(self, name: str | None) -> None:
        """Make `name` active (None = base model); the old active goes on the rollback history."""
        if name is not None:
            self.get(name)
        state = self._state()
        current = self.active_name()
        history = [h for h in state.get("history", []) if h != name]
        if current and current != name:
            history.append(current)
        self._write_state({"active": name, "history": history[-50:]})

    def rollback(self) -> str | None:
        """Re-activate the previously active version; returns it (None = base model)."""
        state = self._state()
        known = set(self.names())
        history = [h for h in state.get("history", []) if h in known and h != self.active_name()]
        if not history and self.active_name() is None:
            raise RegistryError("Nothing to roll back to: the base model is already active.")
        previous = history.pop() if history else None
        self._write_state({"active": previous, "history": history})
        return previous

    def remove(self, name: str) -> None:
        if name == self.active_name():
            raise RegistryError(f"{name} is active; activate another version (or roll back) first.")
        version = self.get(name)
        shutil.rmtree(version.path)
        self.prune_runs()

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest `keep` versions, never the active one or its rollback target."""
        versions = self.versions()
        spared = {self.active_name(), *self._state().get("history", [])[-1:]}
        spared |= {v.name for v in versions[max(0, len(versions) - keep):]} if keep > 0 else set()
        doomed = [v.name for v in versions if v.name not in spared]
        for name in doomed:
            shutil.rmtree(self.root / name)
        self.prune_runs()
        return doomed

    def prune_runs(self) -> list[str]:
        """Remove run folders (scrubbed training data, logs) that no remaining version came
        from, unless their process still runs: a note deleted from the vault leaves the disk
        once the versions that learned it are gone, instead of staying in runs/ forever."""
        if self.runs is None or not self.runs.is_dir():
            return []
        kept = {str(v.manifest.get("run")) for v in self.versions()}
        doomed = [run for run in self.runs.iterdir() if run.is_dir() and run.name not in kept and _abandoned(run)]
        for run in doomed:
            shutil.rmtree(run, ignore_errors=True)
        return sorted(run.name for run in doomed)

    def purge(self, names: list[str], activate: str | None = None, delete: bool = True) -> list[str]:
        """Delete versions outright, the active one included, and strike them from the rollback
        history, so no rollback can bring one back (`brain forget`: a version that learned a
        forgotten note). `activate` (None = base model) becomes active first. With delete=False
        the folders stay for now (a retrain still reads them; their numbers stay taken)."""
        doomed = [v.name for v in self.versions() if v.name in set(names) and v.name != activate]
        state = self._state()
        history = [h for h in state.get("history", []) if h not in doomed and h != activate]
        self._write_state({"active": activate, "history": history})
        for name in doomed if delete else []:
            shutil.rmtree(self.root / name)
        return doomed

    def update_manifest(self, name: str, **fields) -> dict:
        """Add figures (eval results) to a committed version's manifest, atomically."""
        manifest = {**self.get(name).manifest, **fields}
        atomic_write_text(self.root / name / MANIFEST, json.dumps(manifest, indent=2, default=str))
        return manifest

    def clean_staging(self) -> int:
        """Remove half-built versions of processes that are gone (crashed or killed runs). A
        staging folder whose owner still runs (a `brain train` in another terminal) is kept."""
        leftovers = [path for path in self.root.glob(".staging-*") if _abandoned(path)]
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
        return len(leftovers)

    # ---- internals -----------------------------------------------------------------------
    def _state(self) -> dict:
        return _read_json(self.root / POINTER) or {}

    def _write_state(self, state: dict) -> None:
        atomic_write_text(self.root / POINTER, json.dumps(state, indent=2))


def _runs_beside(root: Path) -> Path | None:
    """The vault's runs/ folder, when `root` is its adapters/ folder (trainer.paths' layout)."""
    return root.parent / "runs" if root.name == "adapters" else None


def _abandoned(folder: Path) -> bool:
    """Its owner is gone, or none was recorded and it has not been touched for a long while."""
    alive = owner_alive(folder)
    if alive is not None:
        return not alive
    named = _STAGING_PID.match(folder.name)  # killed between creating the folder and claiming it
    if named:
        return not pid_alive(int(named.group(1)))
    try:
        return time.time() - folder.stat().st_mtime > UNCLAIMED_GRACE_S
    except OSError:
        return False


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
