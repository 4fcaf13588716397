"""What a user can tune about the privacy scrub: the `[scrub]` section of config.toml.

Kept apart from the detectors so reading the config stays light; `to_config()` gives the
`ScrubConfig` that `brain train`, `brain import` and `brain sync` pass down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trainer.data.scrub import ScrubConfig


@dataclass
class ScrubSettings:
    """The `[scrub]` section: private values removed before anything is kept for training."""

    deny: list[str] = field(default_factory=list)
    """Always replaced by <REDACTED> (case-insensitive): a friend's name, a client, a street.
    Write "re:PATTERN" for a regular expression."""
    allow: list[str] = field(default_factory=list)
    """Never scrubbed: your own public e-mail address or site ("re:PATTERN" for a regex)."""
    phone_regions: list[str] = field(default_factory=lambda: ["CN", "IN", "US"])
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
