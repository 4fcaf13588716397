"""Keeping the adapter current: the watchdog watcher, the refresh queue, the sync service and its settings."""
