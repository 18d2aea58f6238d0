"""A built wheel works on its own: installed outside the repository, run from another folder.

The wheel is built from a copy of the repository (so that no stale build/ folder
adds files). It goes into a fresh virtual environment with `--no-deps`; the
dependencies come from the test's own environment through a path line, which adds
them without running that environment's .pth files, so the editable install of
this checkout cannot be seen from the fresh one (the test checks that).
"""

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NOT_COPIED = shutil.ignore_patterns(".venv", "build", "dist", "*.egg-info", ".git", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "*.sqlite3")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the wheel, the fresh environment's bin folder, an environment for running it)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(work / "dist"), str(source)], check=True, capture_output=True)
    wheel, = (work / "dist").glob("vertskap-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(subprocess.run([venv / "bin" / "python", "-c",
                                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--no-deps", "--no-index", "--quiet", str(wheel)]
                   if _pip_knows_python() else
                   [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(purelib), str(wheel)], check=True, capture_output=True)
    if not (venv / "bin" / "vertskap").exists():  # --target installs no scripts: write the one
        (venv / "bin" / "vertskap").write_text(
            f"#!{venv / 'bin' / 'python'}\nfrom bot.cli import main\nmain()\n")
        (venv / "bin" / "vertskap").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERTSKAP_", "PYTHON"))}
    env.update(HOME=str(work / "home"), XDG_DATA_HOME=str(work / "data"),
               XDG_CACHE_HOME=str(work / "cache"), VERTSKAP_NO_CACHE="1")
    return wheel, venv / "bin", env


def _pip_knows_python() -> bool:
    done = subprocess.run([sys.executable, "-m", "pip", "--python", sys.executable, "--version"],
                          capture_output=True)
    return done.returncode == 0


def test_the_wheel_carries_the_knowledge_the_catalogs_and_every_package(installed):
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bot/data/shipped/knowledge/region.yaml" in names
    assert any(n.startswith("bot/data/shipped/knowledge/faq/bardu/") for n in names)
    assert any(n.startswith("bot/data/shipped/knowledge/tests/") for n in names)
    for lang in ("nb", "en", "de"):
        assert f"bot/data/shipped/locales/{lang}/LC_MESSAGES/vertskap.mo" in names
    assert "bot/telegram_app/app.py" in names and "bot/telegram_app/web.py" in names
    assert "bot/ops/vertskap.example.toml" in names
    assert {f"bot/data/{p.name}" for p in (ROOT / "bot" / "data").iterdir() if p.is_file()} <= names
    shipped = {n.removeprefix("bot/data/shipped/knowledge/") for n in names
               if n.startswith("bot/data/shipped/knowledge/")}
    in_repo = {str(p.relative_to(ROOT / "knowledge")) for p in (ROOT / "knowledge").rglob("*")
               if p.is_file()}
    assert shipped == in_repo


def test_the_installed_command_chats_and_validates_from_another_folder(installed, tmp_path):
    _, bin_dir, env = installed
    where = subprocess.run([bin_dir / "python", "-c", "import bot; print(bot.__file__)"], cwd=tmp_path,
                           env=env, check=True, capture_output=True, text=True).stdout
    assert str(ROOT) not in where and str(bin_dir.parent) in where  # the wheel, not this checkout

    chat = subprocess.run([bin_dir / "vertskap", "chat", "--municipality", "bardu", "--lang", "en"],
                          input="how do I get a tax card\n/quit\n", cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert chat.returncode == 0, chat.stderr
    assert "tax" in chat.stdout.lower() and "Traceback" not in chat.stderr

    validate = subprocess.run([bin_dir / "vertskap", "validate", "--strict"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "bot/data/shipped/knowledge" in validate.stdout

    init = subprocess.run([bin_dir / "vertskap", "init", "region"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    check = subprocess.run([bin_dir / "vertskap", "check", "--failures-only"],
                           cwd=tmp_path / "region", env=env, capture_output=True, text=True,
                           timeout=180)
    assert check.returncode == 0, check.stdout + check.stderr
    assert str(tmp_path / "region" / "knowledge") not in check.stderr
