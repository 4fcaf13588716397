"""An OpenAI-compatible HTTP API over one loaded model, so chat bots (AstrBot, anything that
speaks OpenAI's chat API) can talk to the twin.

Built on FastAPI + uvicorn. The model is loaded once, before the server starts; generation runs
in a worker thread, one request at a time, so the event loop keeps answering. The session's own
`stream` picks up a newly activated adapter before each reply (hot swap).

Security follows what local model servers learned the hard way (Ollama's exposed hosts, its
DNS-rebinding CVE-2024-28224, llama-server echoing any Origin): loopback by default, a key
required for any other bind, a bearer-token check, a Host-header allow-list, no CORS unless an
explicit origin is given (never "*"), a request body limit and a per-client rate limit. Every
refusal and every malformed request gets OpenAI's error shape {"error": {"message", "type",
"code"}} with a 4xx status.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Literal, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from backends import BackendError, BackendInfo, GenOpts, Message

log = logging.getLogger("brain.server")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
WILDCARDS = {"0.0.0.0", "::", ""}
ERROR_TYPES = {401: "invalid_request_error", 413: "invalid_request_error", 429: "rate_limit_error",
               500: "server_error", 503: "server_error"}


@dataclass
class ServerSettings:
    host: str = "127.0.0.1"  # the address uvicorn binds; the port is uvicorn's business
    api_key: str = ""
    allow_hosts: tuple[str, ...] = ()  # extra Host header names, e.g. host.docker.internal
    cors_origins: tuple[str, ...] = ()  # explicit browser origins; empty = no CORS at all
    max_body_bytes: int = 1 << 20
    requests_per_minute: int = 60  # per client address; 0 = no limit
    max_in_flight: int = 8  # requests being answered or waiting their turn; more get a 503
    max_tokens_cap: int = 4096  # a larger max_tokens is lowered to this
    model_id: str = "brain"
    defaults: GenOpts = field(default_factory=GenOpts)  # persona prompt and sampling defaults
    index_db: Path | None = None  # the vault's index: with it, requests are answered from the notes by default
    vault: Path | None = None  # read into index_db (incrementally) before each answer from the notes
    answer_style: str = "words"  # answers from the notes: "words" (no model) or "prose" (checked model prose)
    memory_db: Path | None = None  # a memory per contact (trainer.recall.memory); None = off


class Replier(Protocol):
    """What the server needs from the model: `ChatSession` in production, any ChatBackend in tests."""

    def stream(self, messages: Sequence[Message], opts: GenOpts) -> Iterator[str]: ...

    def info(self) -> BackendInfo | None: ...


# --- bind rules ------------------------------------------------------------------------------


class BindRefused(ValueError):
    """A setting that would expose the model without protection; the message says what to do."""


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_settings(settings: ServerSettings) -> None:
    if not is_loopback(settings.host) and not settings.api_key:
        raise BindRefused(
            f"refusing to listen on {settings.host!r} without an API key: anyone who can reach this "
            "address could use your model and read what it learned. Set BRAIN_API_KEY or pass "
            "--api-key-file FILE (--api-key KEY works too, but shows in `ps`), or keep the default "
            "--host 127.0.0.1.")
    for origin in settings.cors_origins:
        if not origin.startswith(("http://", "https://")) or "*" in origin:
            raise BindRefused(f"CORS origin {origin!r} must be one explicit http(s) origin, "
                              "such as http://localhost:3000 (no '*', 'null' or file://)")


def allowed_hosts(settings: ServerSettings) -> set[str]:
    """Host header values accepted (DNS-rebinding defence): loopback names, the bound host, the
    machine's own names when bound to all interfaces, and whatever --allow-host adds."""
    hosts = LOOPBACK_NAMES | {h.lower() for h in settings.allow_hosts}
    host = settings.host.strip("[]").lower()
    return hosts | (_own_names() if host in WILDCARDS else {host})


def _own_names() -> set[str]:
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    try:
        names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        pass
    return names


def _host_of(header: str) -> str:
    """"example.com:8765" -> "example.com", "[::1]:8765" -> "::1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


# --- errors ----------------------------------------------------------------------------------


def error_body(status: int, message: str, code: str | None = None) -> dict:
    kind = ERROR_TYPES.get(status, "invalid_request_error")
    return {"error": {"message": without_paths(message), "type": kind, "param": None, "code": code}}


ABSOLUTE_PATH = re.compile(r"""(?:(?<=[\s'"(=:])|^)(?:~|[A-Za-z]:)?[/\\](?:[^\s'"/\\]+[/\\])+([^\s'"/\\]*)""")


def without_paths(message: str) -> str:
    """Absolute paths cut to their last part: an error body must not map the server's disk
    (user names, where the vault and the model live) for whoever sent a bad request."""
    return ABSOLUTE_PATH.sub(lambda m: "…/" + m.group(1), message)


def error_response(status: int, message: str, code: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code), status_code=status, headers=headers)


class RequestProblem(Exception):
    def __init__(self, message: str, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.code = code


# --- the guard: host, rate, auth, size, before any route runs ----------------------------------


class RateLimiter:
    """A token bucket per client address: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.rate, self.clock = per_minute, per_minute / 60, clock
        self.buckets: dict[str, tuple[float, float]] = {}

    def wait(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until it could."""
        if self.capacity <= 0:
            return 0.0
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self.buckets[client] = (tokens - 1 if allowed else tokens, now)
        if len(self.buckets) > 4096:
            self._forget_idle(now)
        return 0.0 if allowed else (1 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full = [c for c, (t, last) in self.buckets.items() if t + (now - last) * self.rate >= self.capacity]
        for client in full:
            del self.buckets[client]


class Guard:
    """Pure ASGI middleware, so nothing reads the body before it is known to be small enough."""

    def __init__(self, app, settings: ServerSettings) -> None:
        self.app, self.settings = app, settings
        self.hosts = allowed_hosts(settings)
        self.limiter = RateLimiter(settings.requests_per_minute)
        self.in_flight = 0  # one event loop: a plain counter is enough

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is None:
            self.in_flight += 1
            try:
                body = await self._body(receive)
                if body is not None:
                    return await self.app(scope, _replay(body, receive), send)
            finally:
                self.in_flight -= 1
            refusal = self._too_large()
        await refusal(scope, receive, send)

    def _refusal(self, scope, headers: dict[str, str]) -> Response | None:
        if _host_of(headers.get("host", "")) not in self.hosts:
            return error_response(400, "Host header not allowed (start brain serve with --allow-host NAME "
                                       "to accept this name)", "invalid_host")
        if self.settings.api_key and not self._authorized(headers.get("authorization", "")):
            # before the rate limit: a stranger's requests must not use up a client's budget
            return error_response(401, "missing or incorrect API key: send 'Authorization: Bearer KEY'",
                                  "invalid_api_key", {"WWW-Authenticate": "Bearer"})
        client = (scope.get("client") or ("?", 0))[0]  # the socket's peer: proxy headers only if trusted
        wait = self.limiter.wait(client)
        if wait:
            return error_response(429, "rate limit reached: slow down", "rate_limit_exceeded",
                                  {"Retry-After": str(max(1, round(wait)))})
        if self.settings.max_in_flight and self.in_flight >= self.settings.max_in_flight:
            return error_response(503, f"the server is busy: {self.in_flight} requests are already being "
                                       "answered or waiting; try again in a moment", "server_busy",
                                  {"Retry-After": "2"})
        length = headers.get("content-length", "0")
        return self._too_large() if length.isdigit() and int(length) > self.settings.max_body_bytes else None

    def _too_large(self) -> Response:
        return error_response(413, f"request body larger than {self.settings.max_body_bytes} bytes",
                              "request_too_large")

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), self.settings.api_key.encode())

    async def _body(self, receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.settings.max_body_bytes:
                return None
            if not message.get("more_body"):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive):
    """A `receive` that hands the buffered body over once, then passes through (disconnects)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay():
        return pending.pop() if pending else await receive()

    return replay


# --- request schema --------------------------------------------------------------------------


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class InMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")  # name, tool_calls, reasoning_content...
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """Text parts joined; images and other parts are not something this model can read."""
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI's chat completion request; fields this server cannot honour (tools,
    response_format, penalties, logprobs...) are accepted and ignored so clients keep working."""

    model_config = ConfigDict(extra="ignore")
    model: str | None = None  # any name is accepted: there is one model
    messages: list[InMessage] = Field(min_length=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, ge=0, le=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    stop: str | Annotated[list[str], Field(max_length=4)] | None = None
    seed: int | None = None
    stream: bool = False
    n: int = Field(1, ge=1, le=1, description="only one choice per request")
    user: str | None = Field(None, max_length=256)  # the contact whose memory this request uses
    grounding: bool | None = None
    """brain's extension: answer from the vault's notes, cited (trainer.recall.answer). Unset: on
    whenever the server has a vault (`brain serve` always has); false: the model alone."""


def to_messages(items: list[InMessage]) -> list[Message]:
    """System and developer messages become one leading system message (chat templates want it
    first); tool results are dropped, since this server never calls tools."""
    system = [m.text() for m in items if m.role in ("system", "developer") and m.text()]
    turns = [Message(m.role, m.text()) for m in items if m.role in ("user", "assistant")]
    if not turns:
        raise RequestProblem("messages must contain at least one user or assistant message")
    return ([Message("system", "\n\n".join(system))] if system else []) + turns


# --- generation ------------------------------------------------------------------------------


class ChatService:
    """Turns requests into generations on one model, strictly one at a time."""

    def __init__(self, replier: Replier, settings: ServerSettings) -> None:
        self.replier, self.settings = replier, settings
        self.created = int(time.time())
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="brain-generate")

    def models(self) -> dict:
        info = self.replier.info()
        card = {"id": self.settings.model_id, "object": "model", "created": self.created, "owned_by": "brain"}
        if info:
            card |= {"backend": info.backend, "base_model": info.model, "adapter": info.adapter_label}
        return {"object": "list", "data": [card]}

    def options(self, req: ChatRequest) -> GenOpts:
        stop = [req.stop] if isinstance(req.stop, str) else req.stop or []
        opts = replace(self.settings.defaults, stop=[s for s in stop if s])  # "" would stop at once
        opts.temperature = opts.temperature if req.temperature is None else req.temperature
        opts.top_p = opts.top_p if req.top_p is None else req.top_p
        opts.max_tokens = min(req.max_completion_tokens or req.max_tokens or opts.max_tokens,
                              self.settings.max_tokens_cap)
        opts.seed = None if req.seed is None else req.seed & 0xFFFFFFFF  # llama.cpp takes uint32
        return opts

    async def complete(self, req: ChatRequest, contact_header: str | None = None) -> Response:
        messages, opts = to_messages(req.messages), self.options(req)
        grounded = self.settings.index_db is not None if req.grounding is None else req.grounding
        if grounded:
            self.check_grounding(messages)
        messages = await asyncio.to_thread(self.remember, messages, req.user, contact_header)
        events = self.events(messages, opts, grounded)
        first = await anext(events)
        if first[0] == "error":
            return error_response(*generation_error(first[1]))
        reply = Reply(self.settings.model_id, opts.max_tokens)
        if req.stream:
            return StreamingResponse(reply.sse(first, events), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return await reply.whole(first, events)

    def check_grounding(self, messages: list[Message]) -> None:
        """Refuse (400) what cannot be answered from the notes, before anything runs."""
        db, vault = self.settings.index_db, self.settings.vault
        if db is None or not (db.is_file() or (vault is not None and vault.is_dir())):
            raise RequestProblem("grounding needs an indexed vault: run `brain index` first", "grounding_unavailable")
        if messages[-1].role != "user":
            raise RequestProblem("grounding needs the last message to be the user's")

    def answer_from_notes(self, messages: list[Message], opts: GenOpts) -> Iterator[str]:
        """Worker thread: the index brought up to date, then the answer composed from the notes
        (the model writes only in the "prose" style, checked), then the notes it cites."""
        from trainer.recall.answer import answer
        from trainer.vault.index import Index
        from trainer.data.scrub_settings import index_scrub
        from trainer.vault.scan import scan_vault

        parts: list[str] = []
        with Index.open(self.settings.index_db) as index:
            if self.settings.vault is not None and self.settings.vault.is_dir():
                scan_vault(self.settings.vault, index, scrub=index_scrub(self.settings.vault))  # incremental: only changed notes are read
            result = answer(index, messages[-1].content, style=self.settings.answer_style,
                            stream=self.replier.stream, opts=opts, history=messages[:-1], on_text=parts.append)
        yield from parts
        if result.sources and not result.nothing_found:
            yield "\n\nNotes: " + "; ".join(f"[{s.n}] {s.title} ({s.date or 'undated'})" for s in result.cited_sources())

    def remember(self, messages: list[Message], user: str | None, header: str | None) -> list[Message]:
        """The contact's earlier messages into the system prompt; this one into their memory."""
        from trainer.recall.memory import contact_key, with_memory

        contact = contact_key(user, header)
        if self.settings.memory_db is None or contact is None:
            return messages
        return with_memory(self.settings.memory_db, contact, messages)

    async def events(self, messages: list[Message], opts: GenOpts,
                     grounded: bool = False) -> AsyncIterator[tuple[str, object]]:
        """("delta", text)..., then ("done", n_deltas) or ("error", exception)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()

        def put(item: tuple[str, object]) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop closed: the server is shutting down
                stop.set()

        loop.run_in_executor(self._pool, self._generate, messages, opts, put, stop, grounded)
        try:
            while True:
                item = await queue.get()
                yield item
                if item[0] != "delta":
                    return
        finally:
            stop.set()  # client gone or reply complete: the worker stops at its next delta

    def _generate(self, messages, opts, put, stop: threading.Event, grounded: bool = False) -> None:
        with self._lock:
            if stop.is_set():  # the client left while waiting for its turn
                return
            count = 0
            try:
                stream = self.answer_from_notes(messages, opts) if grounded else self.replier.stream(messages, opts)
                try:
                    for delta in stream:
                        if stop.is_set():
                            break
                        count += 1
                        put(("delta", delta))
                finally:
                    getattr(stream, "close", lambda: None)()
            except Exception as exc:  # noqa: BLE001 -- reported to the client as an error reply, never a crash
                put(("error", exc))
                return
            put(("done", count))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class Reply:
    """One completion's identity and its two wire forms (one JSON object, or SSE chunks)."""

    model: str
    max_tokens: int
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex}")
    created: int = field(default_factory=lambda: int(time.time()))

    def finish_reason(self, deltas: int) -> str:
        """The backend does not say why it stopped; a delta is at most one token in llama.cpp,
        so as many deltas as max_tokens means the cap was reached."""
        return "length" if deltas >= self.max_tokens else "stop"

    async def whole(self, first, events) -> Response:
        parts, item = [], first
        while item[0] == "delta":
            parts.append(item[1])
            item = await anext(events)
        if item[0] == "error":
            return error_response(*generation_error(item[1]))
        message = {"role": "assistant", "content": "".join(parts)}
        choice = {"index": 0, "message": message, "finish_reason": self.finish_reason(item[1]), "logprobs": None}
        return JSONResponse({"id": self.id, "object": "chat.completion", "created": self.created,
                             "model": self.model, "choices": [choice]})

    async def sse(self, first, events) -> AsyncIterator[str]:
        yield self.chunk({"role": "assistant", "content": ""})
        item = first
        while item[0] == "delta":
            yield self.chunk({"content": item[1]})
            item = await anext(events)
        if item[0] == "error":
            yield "data: " + json.dumps(error_body(*generation_error(item[1])), ensure_ascii=False) + "\n\n"
        else:
            yield self.chunk({}, self.finish_reason(item[1]))
        yield "data: [DONE]\n\n"

    def chunk(self, delta: dict, finish: str | None = None) -> str:
        body = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
        return "data: " + json.dumps(body, ensure_ascii=False) + "\n\n"


def generation_error(exc: BaseException) -> tuple[int, str, str]:
    """(status, message, code). llama.cpp raises ValueError for a prompt longer than the context
    window: the request's fault. BackendError is the model's (missing file, server down);
    anything else is a bug."""
    if isinstance(exc, ValueError):
        return 400, str(exc), "context_length_exceeded"
    if isinstance(exc, BackendError):
        return 503, str(exc), "model_unavailable"
    log.error("generation failed", exc_info=exc)
    return 500, f"generation failed ({type(exc).__name__}); see the server log", "internal_error"


# --- the app ---------------------------------------------------------------------------------


def create_app(replier: Replier, settings: ServerSettings) -> FastAPI:
    """The ASGI app. Raises BindRefused for unsafe settings."""
    check_settings(settings)
    service = ChatService(replier, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        service.close()

    app = FastAPI(title="brain", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.get("/v1/models")(service.models)

    @app.post("/v1/chat/completions")
    async def chat_completions(body: ChatRequest, request: Request) -> Response:
        return await until_disconnect(request, service.complete(body, request.headers.get("x-brain-contact")))

    _add_error_handlers(app)
    app.add_middleware(Guard, settings=settings)
    if settings.cors_origins:  # outside the guard, so a browser's preflight gets its answer
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["authorization", "content-type", "x-brain-contact"])
    return app


async def until_disconnect(request: Request, work) -> Response:
    """Run `work`, cancelled if the client hangs up first: its generation then stops at the
    next token instead of running on to max_tokens for nobody (a stream's own response
    watches the connection once it has started)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if not task.done():
        task.cancel()
        log.info("client disconnected; generation stopped")
        return Response(status_code=499)
    return task.result()


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_message(exc), "invalid_request")

    @app.exception_handler(RequestProblem)
    async def problem(request, exc: RequestProblem) -> JSONResponse:
        return error_response(400, str(exc), exc.code)

    @app.exception_handler(HTTPException)
    async def http_error(request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), None, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return error_response(500, "internal error; see the server log", "internal_error")


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    if tuple(first.get("loc", ())) == ("body",):
        return "the request body must be a JSON object sent as Content-Type: application/json"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return f"{where or 'body'}: {first.get('msg', 'invalid')}"
