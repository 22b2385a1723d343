"""The image without Docker: replay the Dockerfile's copy and install steps into a fresh venv.

No Docker engine is needed (or available) in CI, so this test reads the real
Dockerfile and .dockerignore, copies the build context the way Docker would
into a folder standing for the image's WORKDIR, runs the ``RUN`` steps that
install Python packages with a brand-new venv's Python, and then runs
``python -m bot check`` there with the image's ``ENV``. The system steps
(creating the user) are checked for presence, not run. It installs from the
package index like the image build does, so it needs the network CI has.
"""

from __future__ import annotations

import fnmatch
import os
import shlex
import shutil
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    logical: list[str] = []
    current = ""
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    result = []
    for entry in logical:
        keyword, _, rest = entry.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def _ignored(relative: str, patterns: list[str]) -> bool:
    """.dockerignore semantics as far as ours uses them: globs, ``**/``, ``!`` exceptions, last match wins."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        glob = pattern[1:] if negate else pattern
        if any(fnmatch.fnmatch(p, glob) for p in prefixes):
            ignored = not negate
    return ignored


def _build_context(target: Path) -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_file() and not _ignored(relative, patterns):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)


def test_dockerignore_keeps_secrets_and_the_database_out() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and line[0] != "#"
    ]
    for kept_out in (
        ".env",
        "var/casebot.sqlite3",
        "var/signature.key",
        ".venv/bin/python",
        ".git/config",
        "tests/tools.py",
        "bot/__pycache__/app.cpython-311.pyc",
    ):
        assert _ignored(kept_out, patterns), kept_out
    for kept_in in (
        "pyproject.toml",
        "README.md",
        "bot/app.py",
        "bot/storage/migrations/0001_user_settings.sql",
        "data/cases/README.md",
        "locales/en/main.ftl",
    ):
        assert not _ignored(kept_in, patterns), kept_in


def test_the_dockerfile_has_what_production_needs() -> None:
    steps = _instructions(ROOT / "Dockerfile")
    keywords = [k for k, _ in steps]
    assert steps[0][0] == "FROM" and "slim" in steps[0][1]
    # Dependencies are installed before the source is copied, so that layer stays cached.
    copies = [args for k, args in steps if k == "COPY"]
    assert copies[0] == "pyproject.toml ./"
    first_install = next(i for i, (k, a) in enumerate(steps) if k == "RUN" and "pip install" in a)
    assert first_install < next(i for i, (k, a) in enumerate(steps) if k == "COPY" and a.startswith("bot"))
    user = [a for k, a in steps if k == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert keywords.index("USER") > max(i for i, (k, _) in enumerate(steps) if k == "RUN")
    assert ("VOLUME", '["/app/var"]') in steps
    assert any(k == "HEALTHCHECK" and "healthcheck" in a for k, a in steps)
    assert steps[-1] == ("CMD", '["python", "-m", "bot"]')


def test_installing_as_the_dockerfile_does_gives_a_bot_that_passes_check(tmp_path: Path) -> None:
    context = tmp_path / "context"
    _build_context(context)
    image = tmp_path / "image"
    python_home = tmp_path / "python"
    venv.EnvBuilder(with_pip=True).create(python_home)
    bin_dir = python_home / "bin"

    def in_image(path: str) -> Path:
        return image / Path(path).relative_to("/")

    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        **{
            k: v
            for k, v in os.environ.items()
            if k.startswith(("PIP_INDEX", "PIP_EXTRA", "PIP_FIND", "PIP_TRUSTED"))
        },
    }
    workdir = image
    ran_installs = 0
    for keyword, args in _instructions(ROOT / "Dockerfile"):
        if keyword == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                env[name] = str(in_image(value)) if value.startswith("/app") else value
        elif keyword == "WORKDIR":
            workdir = in_image(args)
            workdir.mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            *sources, destination = shlex.split(args)
            target = workdir / destination
            for source in sources:
                origin = context / source
                if origin.is_dir():
                    shutil.copytree(origin, target, dirs_exist_ok=True)
                elif destination.endswith("/"):
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, target / origin.name)
                else:
                    shutil.copy2(origin, target)
        elif keyword == "RUN" and "pip install" in args:
            env_for_run = {
                **env,
                "PIP_NO_CACHE_DIR": "0",
            }  # reuse this machine's wheel cache; the image keeps none
            result = subprocess.run(
                ["sh", "-c", args], cwd=workdir, env=env_for_run, capture_output=True, text=True, timeout=900
            )
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            ran_installs += 1
    assert ran_installs == 2
    assert not (workdir / "tests").exists() and not (workdir / ".venv").exists()

    check = subprocess.run(
        [str(bin_dir / "python"), "-m", "bot", "check"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    assert "polling, /healthz on 0.0.0.0:8080" in check.stdout
    assert "1 case(s)" in check.stdout
    # The installed package, not the repository, is what runs.
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import bot.storage.db as m; print(m.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert str(python_home) in where.stdout, where.stdout + where.stderr
