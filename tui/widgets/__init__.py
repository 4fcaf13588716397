"""Small reusable widgets of the chat TUI."""
