"""Answering from the notes: terms, embeddings, retrieval, decisions, reflect and its evaluation."""
