"""The stack launcher: tracked background processes, idempotent `up`, exact `down`."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from typer.testing import CliRunner

from cli.stack_cmd import app
from infra.settings import Settings
from infra.stack import (
    S3,
    StackError,
    log_path,
    pid_path,
    read_pid,
    stack_status,
    stack_up,
    start_background,
    stop_background,
)
from infra.storage import Storage

SLEEPER = [sys.executable, "-c", "import time, subprocess, sys; "
           "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
           "print('sleeping', flush=True); time.sleep(120)"]


def test_background_process_is_tracked_and_stopped_with_its_children(
        settings: Settings) -> None:
    pid = start_background("sleeper", SLEEPER, {"SOME_FLAG": "1"}, settings)

    assert pid_path("sleeper", settings).read_text().split()[0] == str(pid)
    assert start_background("sleeper", SLEEPER, None, settings) == pid  # already running
    assert read_pid("sleeper", settings) == pid

    assert stop_background("sleeper", settings, timeout=5)
    assert read_pid("sleeper", settings) is None
    with pytest.raises(ProcessLookupError):  # the whole group is gone, grandchild included
        os.killpg(pid, 0)
    assert not pid_path("sleeper", settings).exists()
    assert "start sleeper" in log_path("sleeper", settings).read_text()
    assert not stop_background("sleeper", settings)  # nothing left to stop


def test_stack_up_is_idempotent_and_reports_health(s3_stack: Storage,
                                                   settings: Settings) -> None:
    before = read_pid(S3, settings)
    messages: list[str] = []

    stack_up(settings, services=(S3,), progress=messages.append)

    assert read_pid(S3, settings) == before
    assert f"{S3}: already running" in messages
    row = next(r for r in stack_status(settings) if r.name == S3)
    assert row.running and row.healthy and row.pid == before
    assert row.address == f"http://127.0.0.1:{settings.s3_port}"


def test_stack_status_command_prints_a_table(s3_stack: Storage) -> None:
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0
    assert "s3" in result.output and "running" in result.output


def test_port_taken_by_a_stranger_is_a_clear_error(settings: Settings, tmp_path) -> None:
    with socket.socket() as stranger:
        stranger.bind(("127.0.0.1", 0))
        stranger.listen()
        port = stranger.getsockname()[1]
        other = settings.model_copy(update={"var_dir": tmp_path, "prefect_port": port})
        with pytest.raises(StackError, match=f"{port}.*INTAKE_PREFECT_PORT"):
            stack_up(other, services=("prefect",), timeout=5)


@pytest.mark.slow
def test_prefect_server_fixture_serves_the_api(prefect_server: str, settings: Settings) -> None:
    import httpx

    from prefect.settings import get_current_settings

    assert os.environ["PREFECT_API_URL"] == prefect_server == settings.prefect_api_url
    assert get_current_settings().api.url == prefect_server
    assert httpx.get(f"{prefect_server}/health", timeout=5).json() is True
    row = next(r for r in stack_status(settings) if r.name == "prefect")
    assert row.running and row.healthy
