"""Adapter versions: the registry, what each version learned, GGUF / Ollama export, evaluation."""
