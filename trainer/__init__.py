"""From vault to adapter: scan + index, privacy scrub, datasets, training engines, adapter
registry, watcher and refresh queue. Imports `backends`, never `tui` or textual."""
