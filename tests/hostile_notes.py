"""Notes built to hurt a parser: every shape that once took seconds to minutes, plus the usual
broken ones. Shared by tests/test_bad_input_vault.py and bench/pathological_index.py.

Each entry: vault-relative path -> (bytes, outcome, reason), where outcome is "ok" (indexed
cleanly), "warn" (indexed, reported with `reason`) or "skip" (not indexed, reported).
"""

from __future__ import annotations

from pathlib import Path

MIB = 1024 * 1024


def _deep_yaml_aliases() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines)


HOSTILE: dict[str, tuple[bytes, str, str]] = {
    # the shapes measured in issue 10 (seconds to minutes each with the old patterns)
    "backticks-quote.md": (("> " + "`" * 2000 + "\n").encode(), "ok", ""),
    "backticks-runs.md": (" ".join("`" * (i % 50 + 1) for i in range(3000)).encode(), "ok", ""),
    "mdlink-openers.md": (("[a](" * 16000).encode(), "ok", ""),
    "mdlink-spaces.md": (("[a](x" * 8000 + " " * 32000).encode(), "ok", ""),
    "brackets.md": (("[" * 64000).encode(), "ok", ""),
    "wikilink-openers.md": (("[[" * 32000).encode(), "ok", ""),
    "heading-spaces.md": (("# a" + " " * 16000 + "b\n").encode(), "ok", ""),
    "heading-hashes.md": (("# a" + " #" * 30000 + "\n").encode(), "ok", ""),
    "link-dates.md": (("[2024-01-01](" * 8000 + "\n2025-02-03\n").encode(), "ok", ""),
    # deep nesting and huge lines
    "deep-quotes.md": (("> " * 30000 + "x\n").encode(), "ok", ""),
    "deep-lists.md": ("\n".join("  " * i + "- x" for i in range(1000)).encode(), "ok", ""),
    "one-huge-line.md": (b"word " * (380 * 1024), "ok", ""),
    "many-tags.md": (("#t " * 100_000).encode(), "ok", ""),
    "unclosed-fences.md": (("```\n" * 1 + "x\n" * 50_000).encode(), "ok", ""),
    # broken frontmatter, several ways
    "fm-huge.md": (("---\ntags: [" + ", ".join(f"t{i}" for i in range(20000)) + "]\n---\n# Huge FM\n").encode(),
                   "warn", "broken frontmatter"),
    "fm-deep.md": (("---\na: " + "[" * 50000 + "\n---\n# Deep FM\n").encode(), "warn", "broken frontmatter"),
    "fm-aliases.md": (("---\n" + _deep_yaml_aliases() + "\n---\n# Alias bomb\n").encode(), "warn", "broken frontmatter"),
    "fm-unclosed.md": (b"---\ntitle: never closed\n\n# Body\n", "warn", "broken frontmatter"),
    "fm-unclosed-deep.md": (("---\ndate: 2025-01-02\na: " + "[" * 50000 + "\n\n# Deep, never closed\n").encode(), "warn",
                            "broken frontmatter"),
    "fm-tabs.md": (b"---\n\ttitle: tab-indented\n---\n# Tabs\n", "warn", "broken frontmatter"),
    "fm-python-tag.md": (b"---\nx: !!python/object/apply:os.system ['echo hi']\n---\n# Tag\n", "warn", "broken frontmatter"),
    # encodings and bytes
    "latin1.md": ("# Caf\u00e9\n".encode("latin-1"), "warn", "invalid UTF-8"),
    "utf16.md": ("# UTF-16 note \u4f60\u597d\n".encode("utf-16"), "ok", ""),
    "random-bytes.md": (bytes(range(1, 256)) * 64, "warn", "invalid UTF-8"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 10, "skip", "binary content"),
    "empty.md": (b"", "warn", "empty note"),
    "too-large.md": (b"x" * (2 * MIB + 1), "skip", "too large"),
}


def write_hostile_vault(root: Path) -> Path:
    """Write every hostile note under `root` (created); returns it."""
    for rel, (data, _, _) in HOSTILE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root
