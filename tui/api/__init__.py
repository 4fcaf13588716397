"""The local OpenAI-compatible HTTP API (`brain serve`): its app, security checks and settings."""
