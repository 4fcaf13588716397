"""Texts built to hurt the privacy scrub: the hostile notes' shapes plus the shapes that once made
a detector quadratic or worse (issue 10). Shared by tests/test_scrub_hostile.py and
bench/pathological_index.py."""

from __future__ import annotations

from hostile_notes import HOSTILE

SIZE = 200_000  # characters per shape: seconds when linear, hours for the old seed-phrase check

SHAPES: dict[str, str] = {
    "bip39 word runs": "word " * (SIZE // 5),  # the checksum over every window: 21 s on 20 KB
    "distinct bip39 words": " ".join(f"{w}" for w in ("legal winner thank year wave sausage worth useful "
                                                       "abandon ability able about above absent").split() * (SIZE // 80)),
    "pasted key headers": "-----BEGIN PRIVATE KEY-----" * (SIZE // 27),
    "digits before a keyword": "1" * SIZE + "password",
    "digits before token": "1" * SIZE + "token",
    "dots before a scheme": "a." * (SIZE // 2),
    "mysql words": "mysql " * (SIZE // 6),
    "curl words": "curl " * (SIZE // 5),
    "spaces after born": "born" + " " * SIZE + "x",
    "spaces after qq id": "qq id" + " " * SIZE + "!",
    "spaces after ssn": "ssn" + " " * SIZE + "x",
    "spaces after password is": "password is" + " " * SIZE + ",",
    "many e-mails": "a@b.co " * (SIZE // 7),
    "spaced digits": "1 " * (SIZE // 2),
}


def hostile_texts() -> dict[str, str]:
    """Every shape above and every hostile note's text (decoded as the scanner would)."""
    notes = {rel: data.decode("utf-8", "replace") for rel, (data, _, _) in HOSTILE.items()}
    return SHAPES | notes
