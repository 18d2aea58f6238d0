"""The container image and compose.yaml: built where an engine answers, checked as files everywhere."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import load_settings

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_dockerfile_runs_as_a_user_with_volumes_and_a_health_check():
    steps = dockerfile_instructions()
    froms = [arg for op, arg in steps if op == "FROM"]
    assert froms and all(f.split()[0].startswith("python:") and f.split()[0].endswith("-slim")
                         for f in froms)
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    volumes = " ".join(arg for op, arg in steps if op == "VOLUME")
    assert "/var/lib/vertskap" in volumes and "/srv/vertskap/knowledge" in volumes
    health, = [arg for op, arg in steps if op == "HEALTHCHECK"]
    assert "/healthz" in health and "9100" in health
    cmd, = [arg for op, arg in steps if op == "CMD"]
    assert "--metrics-port" in cmd and "9100" in cmd


def test_what_the_dockerfile_copies_is_in_the_build_context():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    for op, arg in dockerfile_instructions():
        if op == "COPY" and not arg.startswith("--from"):
            source = arg.split()[0]
            if source != ".":
                assert (ROOT / source).exists(), source
                assert not any(source.startswith(i) for i in ignored), source
    for needed in ("knowledge", "locales", "bot", "setup.py", "pyproject.toml", "README.md"):
        assert needed not in ignored  # the wheel is built from them


def test_the_container_settings_load(tmp_path):
    settings = load_settings(ROOT / "deploy" / "docker" / "vertskap.toml", env={"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert str(settings.database) == "/var/lib/vertskap/vertskap.sqlite3"
    assert str(settings.knowledge) == "/srv/vertskap/knowledge"


def test_compose_yaml_runs_the_image_with_the_token_from_a_secret_file():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["vertskap"]
    assert service["build"] == "."
    assert service["restart"] in ("unless-stopped", "always", "on-failure")
    assert service["secrets"] == ["telegram_token"]
    assert compose["secrets"]["telegram_token"]["file"].startswith("./secrets/")
    token_file = load_settings(ROOT / "deploy" / "docker" / "vertskap.toml", env={"TELEGRAM_BOT_TOKEN": "1:abc"})
    mounts = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
    assert mounts["/var/lib/vertskap"] in compose["volumes"]
    assert mounts["/srv/vertskap/knowledge"] in compose["volumes"]
    assert all(p.startswith("127.0.0.1:") for p in service.get("ports", []))
    assert "environment" not in service or "TELEGRAM_BOT_TOKEN" not in str(service["environment"])
    assert token_file.database.parent.as_posix() == "/var/lib/vertskap"
    assert "/run/secrets/telegram_token" in (ROOT / "deploy" / "docker" / "vertskap.toml").read_text()


def _compose_cli() -> bool:
    return shutil.which("docker") is not None and subprocess.run(
        ["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _compose_cli(), reason="no 'docker compose' client here; compose.yaml is "
                    "checked with PyYAML above")
def test_docker_compose_accepts_compose_yaml(tmp_path):
    done = subprocess.run(["docker", "compose", "-f", str(ROOT / "compose.yaml"), "config", "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _engine() -> bool:
    return shutil.which("docker") is not None and subprocess.run(
        ["docker", "info"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _engine(), reason="no container engine answers ('docker info' fails): "
                    "the image is not built here")
def test_the_image_builds_and_checks_its_knowledge():
    tag = "vertskap-test:latest"
    build = subprocess.run(["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True,
                           timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    check = subprocess.run(["docker", "run", "--rm", tag, "check", "--failures-only"],
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
    user = subprocess.run(["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
                          capture_output=True, text=True, timeout=120)
    assert user.stdout.strip() not in ("", "0")
