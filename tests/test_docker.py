"""The Docker image's build context and health check, read from the Dockerfile and .dockerignore."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.fakes import clean_environment

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def health_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _healthcheck(**env: str) -> int:
    command = re.search(r'HEALTHCHECK[^\n]*\\\n\s*CMD python -c "(.*)"\n', DOCKERFILE)
    assert command is not None, "the HEALTHCHECK runs a python one-liner"
    code = command[1].replace('\\"', '"')
    return subprocess.run([sys.executable, "-c", code], env=clean_environment() | env, timeout=30).returncode


def test_the_healthcheck_asks_the_configured_port(health_port: int) -> None:
    assert _healthcheck(EVRADAR_SERVER__PORT=str(health_port)) == 0


def test_the_runtime_image_relies_on_the_configuration_inside_the_wheel() -> None:
    build, runtime = DOCKERFILE.split("\nFROM ", 2)[1:]
    assert "COPY config" in build  # the wheel is built with its package data
    assert "COPY config" not in runtime and "EVRADAR_CONFIG" not in runtime


def test_the_build_context_leaves_out_virtualenvs_and_databases() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in (".venv", "*.db", ".git", "**/__pycache__"):
        assert pattern in ignored
