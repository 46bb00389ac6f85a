"""deploy/: the compose file validates (docker-compose config where the client is installed) and holds together."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed (Debian: docker-compose)")
def test_compose_file_validates_with_docker_compose_config(tmp_path):
    for name in ("compose.yaml", ".env.example", "bot.env.example"):
        shutil.copy(DEPLOY / name, tmp_path / name.removesuffix(".example"))
    got = subprocess.run(["docker-compose", "-f", str(tmp_path / "compose.yaml"), "--project-directory", str(tmp_path),
                          "config"], capture_output=True, text=True, timeout=60)
    assert got.returncode == 0, got.stderr
    assert "postgresql+psycopg://bot:change-me@db:5432/cchc" in got.stdout


def test_bot_waits_for_a_healthy_database_and_the_migration_with_persistent_volumes():
    c = compose()
    db, bot, migrate = c["services"]["db"], c["services"]["bot"], c["services"]["migrate"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"},
                                 "migrate": {"condition": "service_completed_successfully"}}
    assert migrate["command"] == ["db", "upgrade"] and migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"] and "botdata:/data" in bot["volumes"]
    assert set(c["volumes"]) == {"pgdata", "botdata"}
    assert all(p.startswith("127.0.0.1:") for p in bot["ports"])  # only the reverse proxy reaches it


def test_dockerfile_is_multi_stage_non_root_with_a_data_volume_and_optional_ocr():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", text, re.M)) == 2 and "COPY --from=build" in text
    assert re.search(r"^USER bot$", text, re.M) and 'VOLUME ["/data"]' in text and "DATA_DIR=/data" in text
    assert "ARG WITH_OCR=0" in text and "tesseract-ocr-vie" in text and "postgresql-client" in text


def test_systemd_unit_restarts_but_not_on_bad_settings():
    text = (DEPLOY / "cchc-bot.service").read_text(encoding="utf-8")
    assert "Restart=always" in text and "RestartPreventExitStatus=2" in text and "ExecStart=" in text


def test_nginx_keeps_metrics_inside():
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "(healthz|readyz|metrics)" in text and "proxy_pass http://127.0.0.1:8080/telegram" in text
