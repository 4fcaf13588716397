"""Write constraints.txt from a virtual environment the suite passed in (`make lock` runs this).

Every installed distribution becomes `name==version`, so `pip install -c constraints.txt` gives a
newcomer exactly what was tested, and an upgrade is a deliberate `make lock` plus a commit.
Two adjustments keep the file usable off the machine that wrote it:
- local version labels go (`torch==2.13.0+cpu` -> `torch==2.13.0`): `==2.13.0` still matches the
  CPU build, and macOS wheels have no `+cpu`;
- packages that exist only on Linux (mlx's CPU backend, CUDA libraries) get a Linux marker.
Constraints only limit versions, they install nothing: a macOS install pulls what it needs
(mlx-metal...) unpinned where the Linux lock has no entry for it.

    .venv-lock/bin/python tools/lock_constraints.py > constraints.txt
"""

from __future__ import annotations

import platform
import re
import sys
from importlib.metadata import distributions

SKIP = {"second-brain"}  # the project itself (editable)
LINUX_ONLY = re.compile(r"^(mlx-cpu|nvidia-.*|triton|cuda-.*)$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> list[str]:
    lines = {}
    for dist in distributions():
        name = normalize(dist.metadata["Name"])
        if name in SKIP:
            continue
        version = dist.version.split("+", 1)[0]
        marker = ' ; sys_platform == "linux"' if LINUX_ONLY.match(name) else ""
        lines[name] = f"{name}=={version}{marker}"
    return [lines[k] for k in sorted(lines)]


def main() -> None:
    print("# Every direct and transitive dependency `make test` passed with; pip installs use -c constraints.txt.")
    print(f"# Written by `make lock` on {platform.system()} {platform.machine()}, Python "
          f"{platform.python_version()}. Regenerate with `make lock`, run `make test`, commit.")
    print("# macOS: the same file works (constraints pin versions, they install nothing); Linux-only")
    print("# packages carry a marker, and mlx's Metal backend is resolved freshly there.")
    for line in pins():
        print(line)


if __name__ == "__main__":
    sys.exit(main())
