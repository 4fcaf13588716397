"""What a user can tune about the privacy scrub: the `[scrub]` section of config.toml.

Kept apart from the detectors so reading the config stays light; `to_config()` gives the
`ScrubConfig` that `brain train`, `brain import` and `brain sync` pass down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from trainer.data.scrub import PHONE_REGIONS, IndexScrub, ScrubConfig


@dataclass
class ScrubSettings:
    """The `[scrub]` section: private values removed before anything is kept for training."""

    deny: list[str] = field(default_factory=list)
    """Always replaced by <REDACTED> (case-insensitive): a friend's name, a client, a street.
    Write "re:PATTERN" for a regular expression."""
    allow: list[str] = field(default_factory=list)
    """Never scrubbed: your own public e-mail address or site ("re:PATTERN" for a regex)."""
    phone_regions: list[str] = field(default_factory=lambda: list(PHONE_REGIONS))
    """Countries (ISO codes) whose phone numbers may be written without "+country"."""
    pseudonyms: bool = True
    """Chat senders and chat names become stable pseudonyms ("Person-3f9a2c") in imports and
    training; false keeps the names as the export wrote them."""
    names: dict[str, str] = field(default_factory=dict)
    """Your own pseudonym for a person, e.g. {"Li Wei" = "Lee"} (used when pseudonyms = true)."""

    def problems(self) -> list[str]:
        """Sentences naming each bad value, empty when every value is usable."""
        import phonenumbers

        found = [f"scrub.phone_regions: {r!r} is not a country code phonenumbers knows (e.g. \"DE\", \"GB\")"
                 for r in self.phone_regions if r not in phonenumbers.SUPPORTED_REGIONS]
        for key in ("deny", "allow"):
            for item in getattr(self, key):
                found += _pattern_problem(f"scrub.{key}", item)
        found += [f"scrub.names: the pseudonym for {k!r} must be a non-empty string"
                  for k, v in self.names.items() if not isinstance(v, str) or not v.strip()]
        return found

    def to_config(self) -> ScrubConfig:
        return ScrubConfig(allow=tuple(self.allow), deny=tuple(self.deny), phone_regions=tuple(self.phone_regions),
                           pseudonyms=self.pseudonyms, names=tuple(self.names.items()))


def _pattern_problem(key: str, item: object) -> list[str]:
    if not isinstance(item, str) or not item.strip():
        return [f"{key}: every entry must be non-empty text, not {item!r}"]
    if item.startswith("re:"):
        try:
            re.compile(item[3:])
        except re.error as exc:
            return [f"{key}: {item!r} is not a valid regular expression ({exc})"]
    return []


# --- the settings the note index is scrubbed with -------------------------------------------------
# The index is written by many callers (the TUI, `brain index`, `brain sync`, forget, the server),
# most of them far from the config. So the [scrub] values the index needs (deny, allow, phone
# regions) are kept beside the index, recorded whenever a command resolves the config, and every
# indexer reads them back: one set of settings, so the index is never scrubbed two ways in turn.
INDEX_SCRUB_FILE = "index-scrub.json"


def record_for_index(vault: Path, settings: ScrubSettings) -> None:
    """Keep `settings`' deny/allow/regions for the vault's index (atomic; only when they change)."""
    import json

    from trainer.atomic import atomic_write_text
    from trainer.paths import vault_data_dir

    data_dir = vault_data_dir(vault)
    text = json.dumps({"deny": settings.deny, "allow": settings.allow, "phone_regions": settings.phone_regions},
                      ensure_ascii=False, indent=1)
    path = data_dir / INDEX_SCRUB_FILE
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def index_scrub(vault: Path) -> IndexScrub:
    """The scrub the vault's index applies: the recorded [scrub] values, else the defaults.
    An unreadable file means the defaults (the built-in detectors still run) and a warning."""
    import json
    import logging

    from trainer.paths import vault_data_dir

    path = vault_data_dir(vault) / INDEX_SCRUB_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        settings = ScrubSettings(deny=list(data.get("deny", [])), allow=list(data.get("allow", [])),
                                 phone_regions=list(data.get("phone_regions", PHONE_REGIONS)))
        if settings.problems():
            raise ValueError("; ".join(settings.problems()))
    except FileNotFoundError:
        return IndexScrub()
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        logging.getLogger("brain.scrub").warning("%s is unreadable (%s): the index uses the default scrub", path, exc)
        return IndexScrub()
    return IndexScrub(replace(settings.to_config(), pseudonyms=False, names=()))
