"""Reading config.toml strictly: every bad value is one sentence naming its key.

A typo (`temprature`) silently ignored, or `top_p = 5` accepted and failing later deep inside a
backend, costs the user far more than a refusal that names the key and what it takes.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

# key -> (lowest, highest) allowed, None for no bound; inclusive
RANGES: dict[str, tuple[float | None, float | None]] = {
    "keep_adapters": (1, None),
    "chat.temperature": (0, 2), "chat.top_p": (0, 1), "chat.max_tokens": (1, 1 << 20),
    "backend.n_threads": (0, 1024), "backend.n_ctx": (64, 1 << 22),
    "train.learning_rate": (1e-9, 1), "train.epochs": (0.001, 10_000), "train.max_steps": (0, None),
    "train.max_len": (16, 1 << 20), "train.rows_per_step": (1, None), "train.micro_batch": (1, None),
    "train.warmup_ratio": (0, 1), "train.weight_decay": (0, 1), "train.eval_every": (0, None),
    "train.threads": (0, 1024), "train.lora.rank": (1, 4096), "train.lora.alpha": (1e-6, None),
    "train.lora.dropout": (0, 0.99),
    "chats.max_share": (0, 1), "chats.eval_fraction": (0, 0.9),
    "sync.debounce_seconds": (0, 3600), "sync.max_delay_seconds": (0, 86400), "sync.max_pending": (1, None),
    "sync.poll_seconds": (0.1, 86400), "sync.reconcile_minutes": (0, None), "sync.replay_ratio": (0, 100),
    "sync.full_rebuild_share": (0, 1), "sync.full_rebuild_every": (0, None), "sync.refresh_steps": (1, None),
    "sync.refresh_max_len": (16, 1 << 20), "sync.refresh_rows_per_step": (1, None),
    "sync.refresh_learning_rate": (1e-9, 1),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "train.engine": ("auto", "peft", "mlx"),
    "train.precision": ("auto", "bf16", "fp32"),
    "backend.device": ("auto", "cpu", "cuda"),
    "chat.answer_style": ("words", "prose"),
}


def merge(obj, data: dict, prefix: str = "") -> None:
    """Copy TOML tables onto dataclasses; raises ValueError naming the first bad key."""
    known = {f.name: f for f in fields(obj)}
    for key, value in data.items():
        name = prefix + key
        if key not in known:
            section = f" in [{prefix[:-1]}]" if prefix else ""
            raise ValueError(f"unknown setting {name!r}; the settings{section} are: {', '.join(known)}")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ValueError(f"{name} should be a table ([{name}]), not {value!r}")
            merge(current, value, name + ".")
        else:
            setattr(obj, key, _checked(name, str(known[key].type), current, value))


def _checked(name: str, hint: str, current, value):
    """`value` in the field's type (an int where a float is wanted is fine), within range."""
    if isinstance(current, bool) or isinstance(value, bool):
        if not isinstance(value, bool) or not isinstance(current, bool):
            raise ValueError(f"{name} should be {_kind(current)}, not {value!r}")
    elif isinstance(current, float) and isinstance(value, int):
        value = float(value)  # TOML `temperature = 1` means 1.0
    elif current is not None and not isinstance(value, type(current)):
        if not (isinstance(value, list) and "list" in hint):
            raise ValueError(f"{name} should be {_kind(current)}, not {value!r}")
    _check_range(name, value)
    _check_choice(name, value)
    _check_items(name, value)
    return value


def _check_range(name: str, value) -> None:
    if name not in RANGES or not isinstance(value, int | float):
        return
    low, high = RANGES[name]
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ValueError(f"{name} = {value!r} is out of range: it must be {bounds}")


def _check_choice(name: str, value) -> None:
    if name in CHOICES and value not in CHOICES[name]:
        raise ValueError(f"{name} = {value!r} is not one of: {', '.join(CHOICES[name])}")


def _check_items(name: str, value) -> None:
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} should be a list of strings, not {value!r}")
    if isinstance(value, dict) and not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"{name} should map names to strings, not {value!r}")


def _kind(current) -> str:
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "text",
             list: "a list", dict: "a table"}
    return names.get(type(current), f"a {type(current).__name__}")
