"""Any OpenAI-compatible server (llama-server, Ollama, LM Studio, vLLM, another brain) by URL.

The model string is passed to the server as-is; "default" asks the server for its first model.
Network use happens only because the user configured this backend and its URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from backends.base import BackendError, BackendInfo, GenOpts, Message
from backends.models import DEFAULT_MODEL, ModelRef


class OpenAIBackend:
    name: ClassVar[str] = "openai"

    def __init__(self, base_url: str = "http://127.0.0.1:8080/v1", api_key: str = "", timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._client = None
        self._model_name = ""
        self._adapter: Path | None = None

    def load(self, model: ModelRef | str, adapter: Path | None = None) -> None:
        """Connect and check the server answers; pick the model (the server's first if 'default')."""
        import openai

        self._client = openai.OpenAI(base_url=self.base_url, api_key=self.api_key or "none",
                                     timeout=self.timeout, max_retries=0)
        spec = model.spec if isinstance(model, ModelRef) else model
        try:
            served = [m.id for m in self._client.models.list()]
        except openai.APIConnectionError as exc:
            raise BackendError(f"Cannot reach the server at {self.base_url}: is it running? ({exc})") from exc
        except openai.APIStatusError as exc:
            raise BackendError(f"The server at {self.base_url} answered {exc.status_code}: {exc.message}") from exc
        if spec in ("", DEFAULT_MODEL):
            if not served:
                raise BackendError(f"The server at {self.base_url} lists no models.")
            spec = served[0]
        self._model_name = spec
        self._adapter = adapter

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]:
        import openai

        if self._client is None:
            raise BackendError("Not connected yet.")
        chat = [{"role": m.role, "content": m.content} for m in opts.with_system(messages)]
        try:
            stream = self._client.chat.completions.create(
                model=self._model_name, messages=chat, stream=True, temperature=opts.temperature,
                top_p=opts.top_p, max_tokens=opts.max_tokens, seed=opts.seed, stop=opts.stop or None,
            )
            with stream:
                for chunk in stream:
                    if chunk.choices and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
        except openai.APIConnectionError as exc:
            raise BackendError(f"Lost the server at {self.base_url}: {exc}") from exc
        except openai.APIStatusError as exc:
            raise BackendError(f"The server at {self.base_url} answered {exc.status_code}: {exc.message}") from exc

    def set_adapter(self, adapter: Path | None) -> None:
        """A remote server owns its weights; the adapter is recorded for display only."""
        self._adapter = adapter

    def info(self) -> BackendInfo:
        return BackendInfo(self.name, self._model_name or "(not connected)", None, "remote", self.base_url)
