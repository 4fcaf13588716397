"""Model resolution and inference: the lowest layer. Imports neither `trainer` nor `tui`."""

from backends.base import BackendError, BackendInfo, ChatBackend, GenOpts, Message, ModelNotFound
from backends.models import DEFAULT_MODEL, ModelRef, resolve_model
from backends.registry import DEFAULT_BACKEND, backend_names, get_backend

__all__ = [
    "DEFAULT_BACKEND",
    "DEFAULT_MODEL",
    "BackendError",
    "BackendInfo",
    "ChatBackend",
    "GenOpts",
    "Message",
    "ModelNotFound",
    "ModelRef",
    "backend_names",
    "get_backend",
    "resolve_model",
]
