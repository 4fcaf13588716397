"""An Ollama model folder: the base GGUF, the GGUF LoRA and a Modelfile for `ollama create`.

Ollama's Modelfile takes `FROM` (the base) and `ADAPTER` (a GGUF LoRA), both as paths absolute
or relative to the Modelfile (ollama docs/modelfile.md). Ollama picks a chat template itself by
matching the GGUF's `tokenizer.chat_template` against the templates it knows
(server/create.go, `detectChatTemplate` -> `template.Named`); that match is approximate, and a
miss leaves the bare `{{ .Prompt }}` template, so for ChatML models (SmolLM2, Qwen) we write the
ChatML template and its stop tokens out, and otherwise leave the choice to Ollama.
"""

from __future__ import annotations

from pathlib import Path

from trainer.atomic import atomic_copy, atomic_write_text

CHATML_TEMPLATE = (
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n"
    "{{ .Content }}<|im_end|>\n"
    "{{ end }}<|im_start|>assistant\n"
)


def write_ollama_dir(base_gguf: Path, lora_gguf: Path, out_dir: Path, system: str = "",
                     note: str = "") -> Path:
    """Copy both GGUF files into `out_dir` and write its Modelfile; returns the Modelfile path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_copy(base_gguf, out_dir / "base.gguf")
    atomic_copy(lora_gguf, out_dir / "lora.gguf")
    modelfile = out_dir / "Modelfile"
    atomic_write_text(modelfile, modelfile_text(chat_template(base_gguf), system, note))
    return modelfile


def modelfile_text(template: str, system: str = "", note: str = "") -> str:
    lines = [f"# {line}" for line in note.splitlines()]
    lines += ["FROM ./base.gguf", "ADAPTER ./lora.gguf"]
    if "<|im_start|>" in template:
        lines += [f'TEMPLATE """{CHATML_TEMPLATE}"""', 'PARAMETER stop "<|im_start|>"', 'PARAMETER stop "<|im_end|>"']
    else:
        lines.append("# chat template: Ollama takes it from base.gguf")
    if system.strip():
        lines.append(f'SYSTEM """{system.strip().replace(chr(34) * 3, chr(34))}"""')
    return "\n".join(lines) + "\n"


def chat_template(gguf_path: Path) -> str:
    """The GGUF's `tokenizer.chat_template` (Jinja), or "" when it has none."""
    from gguf import GGUFReader

    field = GGUFReader(str(gguf_path)).fields.get("tokenizer.chat_template")
    return field.contents() if field is not None else ""
