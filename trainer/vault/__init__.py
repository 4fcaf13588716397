"""The vault, read-only: notes parsed, scanned and indexed in SQLite (FTS5), with derived tables."""
