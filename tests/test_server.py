"""`brain serve`: the real bundled model behind uvicorn, driven by the official openai client.

Also: auth, bind rules, Host-header and size/rate limits against the running server, and a
hypothesis fuzz of malformed bodies (against the ASGI app with a scripted backend, for speed)
that must never produce a 5xx.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import openai
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from backends import BackendInfo, ChatBackend, GenOpts
from tui.cli import main
from tui.config import Config
from tui.api.server import BindRefused, ServerSettings, allowed_hosts, check_settings, create_app
from tui.session import ChatSession

from server_support import running

KEY = "test-key-0123456789abcdef"
QUESTION = [{"role": "user", "content": "Name one colour."}]
SAMPLING = {"temperature": 0, "seed": 1}







@pytest.fixture(scope="module")
def session(tmp_path_factory) -> ChatSession:
    """The bundled SmolLM2 through llama.cpp, loaded once for the module."""
    cfg = Config(vault=str(tmp_path_factory.mktemp("vault")))
    cfg.chat.backend, cfg.backend.n_threads, cfg.backend.n_ctx = "llamacpp", 1, 1024  # 1 thread: shared cores
    live = ChatSession(cfg)
    live.load()
    return live


@pytest.fixture(scope="module")
def port(session) -> Iterator[int]:
    settings = ServerSettings(api_key=KEY, defaults=session.cfg.chat.gen_opts())
    with running(create_app(session, settings)) as bound:
        yield bound


@pytest.fixture
def client(port) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0, timeout=120)


def raw(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """A plain HTTP request (status, parsed JSON or text), for what the openai client will not send."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers={"Authorization": f"Bearer {KEY}", **(headers or {})})
    response = conn.getresponse()
    data = response.read().decode()
    conn.close()
    try:
        return response.status, json.loads(data), response
    except json.JSONDecodeError:
        return response.status, data, response


# --- the real model, through the official client ------------------------------------------------


@pytest.mark.slow
def test_chat_completion_with_the_openai_client(client):
    reply = client.chat.completions.create(model="brain", messages=QUESTION, max_tokens=8, **SAMPLING)
    assert reply.object == "chat.completion" and reply.model == "brain"
    assert reply.choices[0].message.role == "assistant"
    assert reply.choices[0].message.content.strip()
    assert reply.choices[0].finish_reason in ("stop", "length")


@pytest.mark.slow
def test_streaming_gives_the_same_reply_as_one_piece(client):
    whole = client.chat.completions.create(model="brain", messages=QUESTION, max_tokens=8, **SAMPLING)
    chunks = list(client.chat.completions.create(model="any-name", messages=QUESTION, max_tokens=8,
                                                 stream=True, **SAMPLING))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(chunks) > 2 and len({c.id for c in chunks}) == 1
    assert streamed == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")


@pytest.mark.slow
def test_max_tokens_caps_the_reply(client):
    reply = client.chat.completions.create(model="brain", messages=QUESTION, max_completion_tokens=1, **SAMPLING)
    assert reply.choices[0].finish_reason == "length"


@pytest.mark.slow
def test_model_list(client, session):
    models = client.models.list().data
    assert [m.id for m in models] == ["brain"]
    assert models[0].model_extra["base_model"] == session.info().model


@pytest.mark.slow
def test_a_prompt_longer_than_the_context_is_a_400(client):
    long = [{"role": "user", "content": "word " * 3000}]  # the test server's context is 1024 tokens
    for stream in (False, True):
        with pytest.raises(openai.BadRequestError) as exc:
            reply = client.chat.completions.create(model="brain", messages=long, max_tokens=4, stream=stream)
            list(reply) if stream else None
        assert exc.value.status_code == 400 and exc.value.code == "context_length_exceeded"


@pytest.mark.slow
def test_a_client_leaving_mid_stream_does_not_block_the_next(port, client):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = json.dumps({"messages": QUESTION, "max_tokens": 400, "stream": True})
    conn.request("POST", "/v1/chat/completions", body, {"Authorization": f"Bearer {KEY}",
                                                         "Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 200 and response.readline().startswith(b"data: ")
    conn.close()  # leave after the first event
    reply = client.chat.completions.create(model="brain", messages=QUESTION, max_tokens=4, **SAMPLING)
    assert reply.choices[0].message.content


# --- auth, Host header, limits ------------------------------------------------------------------


@pytest.mark.slow
def test_a_wrong_or_missing_key_is_a_401(port):
    wrong = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as exc:
        wrong.chat.completions.create(model="brain", messages=QUESTION, max_tokens=4)
    assert exc.value.status_code == 401
    for headers in ({"Authorization": ""}, {"Authorization": f"Basic {KEY}"}):
        status, body, _ = raw(port, "GET", "/v1/models", headers=headers)
        assert status == 401
        assert body["error"]["code"] == "invalid_api_key" and body["error"]["type"] and body["error"]["message"]


@pytest.mark.slow
def test_host_header_must_name_this_machine(port):
    status, body, _ = raw(port, "GET", "/v1/models", headers={"Host": f"attacker.example:{port}"})
    assert status == 400 and body["error"]["code"] == "invalid_host"
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert raw(port, "GET", "/v1/models", headers={"Host": host})[0] == 200


@pytest.mark.slow
def test_an_oversized_body_is_refused_before_it_is_read(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", "/v1/chat/completions")
    for name, value in (("Authorization", f"Bearer {KEY}"), ("Content-Type", "application/json"),
                        ("Content-Length", str(2 << 20))):
        conn.putheader(name, value)
    conn.endheaders()  # the 2 MiB never follow: the answer comes from the headers alone
    response = conn.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "request_too_large"
    conn.close()


@pytest.mark.slow
def test_malformed_requests_get_openai_shaped_400s(port):
    cases = [b"{not json", b"[]", json.dumps({"messages": []}).encode(),
             json.dumps({"messages": QUESTION, "n": 2}).encode(),
             json.dumps({"messages": QUESTION, "temperature": 5}).encode(),
             json.dumps({"messages": [{"role": "tool", "content": "42"}]}).encode()]
    for body in cases:
        status, reply, _ = raw(port, "POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        assert status == 400, body
        assert set(reply["error"]) >= {"message", "type", "code"} and reply["error"]["message"]
    assert raw(port, "GET", "/v1/nothing-here")[0] == 404
    assert raw(port, "GET", "/v1/chat/completions")[0] == 405


@pytest.mark.slow
def test_each_client_is_rate_limited(session):
    app = create_app(session, ServerSettings(requests_per_minute=2))
    with running(app) as port:
        statuses = [raw(port, "GET", "/v1/models")[0] for _ in range(3)]
        status, body, response = raw(port, "GET", "/v1/models")
    assert statuses == [200, 200, 429]
    assert status == 429 and body["error"]["type"] == "rate_limit_error"
    assert int(response.getheader("Retry-After")) >= 1


# --- bind rules -------------------------------------------------------------------------------


def test_serve_refuses_a_non_loopback_host_without_a_key(monkeypatch, capsys):
    monkeypatch.delenv("BRAIN_API_KEY", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2  # refused before any model loads
    assert "without an API key" in capsys.readouterr().err
    assert main(["serve", "--host", "127.0.0.1", "--cors-origin", "*"]) == 2
    assert "explicit" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_needs_no_key(host):
    check_settings(ServerSettings(host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_other_hosts_need_a_key(host):
    with pytest.raises(BindRefused, match="--api-key"):
        check_settings(ServerSettings(host=host))
    with pytest.raises(BindRefused):
        create_app(ScriptedBackend(), ServerSettings(host=host))
    check_settings(ServerSettings(host=host, api_key=KEY))


def test_allowed_hosts_include_the_bound_address_and_extra_names():
    hosts = allowed_hosts(ServerSettings(host="10.1.2.3", api_key=KEY, allow_hosts=("host.docker.internal",)))
    assert {"localhost", "127.0.0.1", "::1", "10.1.2.3", "host.docker.internal"} <= hosts
    assert "attacker.example" not in hosts


# --- fuzz: malformed bodies never produce a 5xx --------------------------------------------------


class ScriptedBackend:
    """A ChatBackend stand-in that answers instantly, so the fuzz can run hundreds of requests."""

    name = "scripted"

    def load(self, model, adapter=None) -> None:
        pass

    def set_adapter(self, adapter) -> None:
        pass

    def info(self) -> BackendInfo:
        return BackendInfo("scripted", "echo")

    def stream(self, messages, opts: GenOpts) -> Iterator[str]:
        yield from ["you said: ", messages[-1].content[:20]][: opts.max_tokens]


def test_the_stand_in_keeps_the_backend_protocol():
    assert isinstance(ScriptedBackend(), ChatBackend)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12)
ROLE = st.sampled_from(["system", "developer", "user", "assistant", "tool", "function", "", "USER"]) | JSON
CONTENT = JSON | st.lists(st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url"]) | JSON},
                                                optional={"text": JSON}), max_size=3)
MESSAGE = st.fixed_dictionaries({}, optional={"role": ROLE, "content": CONTENT, "name": JSON})
FIELDS = {name: JSON | st.integers(-3, 5000) | st.floats(-3, 3) for name in
          ("temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "n")}
FIELDS |= {"stop": JSON | st.lists(st.text(max_size=4), max_size=6), "stream": st.booleans() | JSON,
           "grounding": JSON, "model": JSON, "tools": JSON}
REQUEST = st.fixed_dictionaries({"messages": st.lists(MESSAGE, max_size=4) | JSON}, optional=FIELDS)
PLAIN = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]), "content": st.text(max_size=30)})
NEAR_VALID = st.fixed_dictionaries({"messages": st.lists(PLAIN, min_size=1, max_size=3)}, optional=FIELDS)
BODY = st.one_of(NEAR_VALID.map(json.dumps), REQUEST.map(json.dumps), JSON.map(json.dumps),
                 st.text(max_size=60), st.binary(max_size=120)).map(
    lambda b: b if isinstance(b, bytes) else b.encode("utf-8", "surrogatepass"))
CONTENT_TYPE = st.sampled_from(["application/json"] * 4 + ["application/json; charset=utf-8", "text/plain",
                                "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", None])
AUTH = st.sampled_from([f"Bearer {KEY}"] * 12 + ["", "Bearer", f"bearer {KEY}x", "Basic abc", "Bearer  " + KEY])
FUZZ_CLIENT = TestClient(  # not entered as a context manager: one app, its worker pool kept across examples
    create_app(ScriptedBackend(), ServerSettings(api_key=KEY, requests_per_minute=0, max_body_bytes=4096)),
    base_url="http://localhost", raise_server_exceptions=False)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODY, content_type=CONTENT_TYPE, auth=AUTH,
       route=st.sampled_from([("POST", "/v1/chat/completions")] * 8 + [("GET", "/v1/models"),
                             ("PUT", "/v1/chat/completions"), ("POST", "/v1/models")]))
def test_fuzzed_requests_never_get_a_5xx(body, content_type, auth, route):
    headers = {"Authorization": auth} | ({"Content-Type": content_type} if content_type else {})
    response = FUZZ_CLIENT.request(route[0], route[1], content=body, headers=headers)
    event(f"status {response.status_code}")  # pytest --hypothesis-show-statistics shows the spread
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["message"], str) and error["message"] and isinstance(error["type"], str)
        assert "code" in error
    elif response.headers["content-type"].startswith("text/event-stream"):
        assert response.text.rstrip().endswith("data: [DONE]")
    else:
        assert response.json()["object"] in ("chat.completion", "list")


# --- grounding on the notes ------------------------------------------------------------------------


class RecordingBackend(ScriptedBackend):
    """Remembers what the model was shown."""

    def __init__(self) -> None:
        self.seen: list = []

    def stream(self, messages, opts: GenOpts) -> Iterator[str]:
        self.seen = list(messages)
        yield "ok"


def test_answers_come_from_the_notes_by_default_and_grounding_false_asks_the_model(tmp_path):
    from tui.config import DEMO_VAULT

    backend = RecordingBackend()
    settings = ServerSettings(requests_per_minute=0, index_db=tmp_path / "brain.db", vault=DEMO_VAULT)
    app = TestClient(create_app(backend, settings), base_url="http://localhost")
    body = {"messages": [{"role": "user", "content": "Why did I sell the car?"}]}
    reply = app.post("/v1/chat/completions", json=body)  # a fresh index: the vault is read first
    assert reply.status_code == 200
    text = reply.json()["choices"][0]["message"]["content"]
    assert "2025-06-20" in text and "eleven times" in text and "[1]" in text
    assert "Notes: [1] Sell the car (2025-06-20)" in text
    assert backend.seen == []  # composed from the notes: the model was not asked
    plain = app.post("/v1/chat/completions", json={**body, "grounding": False})
    assert plain.status_code == 200 and plain.json()["choices"][0]["message"]["content"] == "ok"
    assert [m.role for m in backend.seen] == ["user"]


def test_a_server_without_a_vault_answers_with_the_model():
    backend = RecordingBackend()
    app = TestClient(create_app(backend, ServerSettings(requests_per_minute=0)), base_url="http://localhost")
    body = {"messages": [{"role": "user", "content": "Hello"}]}
    assert app.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]["content"] == "ok"


def test_grounding_without_an_index_is_a_4xx():
    app = TestClient(create_app(RecordingBackend(), ServerSettings(requests_per_minute=0)),
                     base_url="http://localhost")
    body = {"messages": [{"role": "user", "content": "Why?"}], "grounding": True}
    reply = app.post("/v1/chat/completions", json=body)
    assert reply.status_code == 400 and "brain index" in reply.json()["error"]["message"]
