"""The user-facing layer: Textual app, `brain` CLI and (later) the local API server.
It composes `trainer` and `backends`; nothing below imports it."""
