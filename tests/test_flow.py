"""The intake flow end to end on a real SeaweedFS and a real Prefect server.

Runs on the embedded defaults (SQLite records, kombu over SQLite) and, when reachable,
on PostgreSQL and RabbitMQ (required when ``INTAKE_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.db import RecordStore
from infra.queues import consume_messages, queue_stats
from infra.settings import Settings, get_settings
from infra.storage import Storage

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "sample_docs" / "demo"
SKCK = DEMO / "inbox" / "polri.skck"
HTML = b"<!doctype html><html><body>not a scan</body></html>"

pytestmark = pytest.mark.slow


def _upload_app(storage: Storage, app_dir: Path, app_id: str | None = None) -> list[str]:
    app_id = app_id or app_dir.name
    keys = []
    files = sorted(app_dir.iterdir(), key=lambda p: p.name == "manifest.json")
    for path in files:
        key = f"inbox/polri.skck/{app_id}/{path.name}"
        storage.put(key, path.read_bytes())
        keys.append(key)
    return keys


def _truth(app_id: str) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (DEMO / "truth" / app_id).glob("*.json")}


def _flow_settings(kind: str, request: pytest.FixtureRequest, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    if kind == "embedded":
        monkeypatch.setenv("INTAKE_DATABASE_URL", f"sqlite:///{tmp_path / 'intake.db'}")
        monkeypatch.setenv("INTAKE_BROKER_URL", f"sqla+sqlite:///{tmp_path / 'queues.db'}")
    else:
        monkeypatch.setenv("INTAKE_DATABASE_URL", request.getfixturevalue("postgres_url"))
        monkeypatch.setenv("INTAKE_BROKER_URL", request.getfixturevalue("rabbitmq_url"))
    get_settings.cache_clear()
    s = get_settings()
    from infra.queues import purge

    purge("polri.skck", s.effective_broker_url)
    yield s
    get_settings.cache_clear()


@pytest.fixture(params=["embedded", "services"])
def flow_env(request: pytest.FixtureRequest, storage: Storage, prefect_server: str,
             settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             ) -> Iterator[Settings]:
    """Settings for one flow test: SQLite + kombu/SQLite, or PostgreSQL + RabbitMQ."""
    yield from _flow_settings(request.param, request, tmp_path, monkeypatch)


@pytest.fixture
def embedded_env(request: pytest.FixtureRequest, storage: Storage, prefect_server: str,
                 settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 ) -> Iterator[Settings]:
    """Settings for one flow test on the embedded defaults only."""
    yield from _flow_settings("embedded", request, tmp_path, monkeypatch)


def _run_flow() -> list[dict]:
    from flows.intake import intake_flow

    return intake_flow(service="polri.skck", quiet_period_seconds=5.0)


def test_flow_turns_inbox_into_records_queue_messages_and_quarantine(
        flow_env: Settings, storage: Storage) -> None:
    """Clean and digital-PDF applications become records; a bad file is quarantined."""
    _upload_app(storage, SKCK / "skck-s1-001")
    _upload_app(storage, SKCK / "skck-s1-004")
    storage.put("inbox/polri.skck/skck-bad/form.pdf", HTML)
    storage.put("inbox/polri.skck/skck-bad/ktp.jpg", b"")
    storage.put("inbox/polri.skck/skck-bad/manifest.json", b'{"files": ["form.pdf", "ktp.jpg"]}')

    summaries = {s["application_id"]: s for s in _run_flow()}

    assert set(summaries) == {"skck-s1-001", "skck-s1-004", "skck-bad"}
    assert summaries["skck-s1-001"]["status"] == "passed"
    # unreadable documents are not guessed at: the application goes to review
    assert summaries["skck-bad"]["status"] == "flagged"

    store = RecordStore(flow_env.effective_database_url)
    record = store.get_record("skck-s1-001")
    assert record is not None and record.status == "passed"
    truth = _truth("skck-s1-001")
    form = next(d for d in record.documents if d.document_type == "form")
    ktp = next(d for d in record.documents if d.document_type == "ktp")
    assert form.fields["nik"].value == truth["form"]["fields"]["nik"]
    assert ktp.fields["nik"].value == truth["ktp"]["fields"]["nik"]
    assert form.fields["phone"].value.startswith("+62")

    bad = store.get_record("skck-bad")
    assert bad is not None
    assert {d.error.code for d in bad.documents if d.error} == {"unsupported_type", "empty_file"}

    # the originals left the inbox: good ones to processed/, bad ones to quarantine/
    assert storage.list("inbox/") == []
    assert storage.exists("processed/polri.skck/skck-s1-001/form.png")
    info = storage.stat("quarantine/polri.skck/skck-bad/form.pdf")
    assert info.metadata.get("reason-code") == "unsupported_type"
    assert storage.get("quarantine/polri.skck/skck-bad/form.pdf") == HTML
    assert storage.stat("quarantine/polri.skck/skck-bad/ktp.jpg").metadata["reason-code"] == \
        "empty_file"

    # passed and rejected records go to the agency queue; flagged ones wait for review
    messages = consume_messages("polri.skck", flow_env.effective_broker_url, limit=10)
    expected = sorted(f"{app_id}:1" for app_id, s in summaries.items()
                      if s["status"] in ("passed", "rejected"))
    assert "skck-s1-001:1" in expected
    assert sorted(m.message_id for m in messages) == expected
    by_id = {m.message_id: m.body for m in messages}
    assert by_id["skck-s1-001:1"]["status"] == "passed"
    assert by_id["skck-s1-001:1"]["application_id"] == "skck-s1-001"


def test_same_inbox_twice_gives_same_records_and_one_message_each(
        flow_env: Settings, storage: Storage) -> None:
    """Dropping and processing the same application again adds no record and no message."""
    _upload_app(storage, SKCK / "skck-s1-001")
    first = _run_flow()
    _upload_app(storage, SKCK / "skck-s1-001")
    second = _run_flow()

    assert [s["version"] for s in first] == [1]
    assert [s["version"] for s in second] == [1]
    assert second[0]["new"] is False
    stats = queue_stats(flow_env.effective_broker_url, ["polri.skck"])
    assert stats["mpp.polri.skck"]["messages"] == 1
    store = RecordStore(flow_env.effective_database_url)
    assert [r.application_id for r in store.list_records()] == ["skck-s1-001"]


def test_changed_application_gets_a_new_version_and_message(
        flow_env: Settings, storage: Storage) -> None:
    """A re-submitted application with a different file becomes version 2 (one new message)."""
    _upload_app(storage, SKCK / "skck-s1-001", app_id="skck-x")
    _run_flow()
    # the applicant re-submits with one more file (a second scan of the KTP)
    _upload_app(storage, SKCK / "skck-s1-001", app_id="skck-x")
    storage.put("inbox/polri.skck/skck-x/ktp-again.png",
                (SKCK / "skck-s1-001" / "ktp.png").read_bytes())
    again = _run_flow()
    assert again[0]["version"] == 2
    assert again[0]["status"] == "passed"
    ids = sorted(m.message_id for m in consume_messages("polri.skck",
                                                       flow_env.effective_broker_url))
    assert ids == ["skck-x:1", "skck-x:2"]


NIK_LIKE = re.compile(r"(?<![0-9a-fA-F-])\d{16}(?![0-9a-fA-F])")  # not inside a UUID


def _prefect_api(client: httpx.Client, method: str, path: str,
                 json: dict | None = None) -> httpx.Response:
    """Call the Prefect API as Prefect's own client does: a 503 is retried.

    On SQLite the server answers 503 when its database is busy for a moment (a
    background service writing); Prefect marks that retryable and its client retries it
    (``PREFECT_CLIENT_MAX_RETRIES``), so a raw HTTP caller must too. Any other status,
    or a 503 that outlasts the retries, is returned for the test to judge.
    """
    import time

    for attempt in range(8):
        resp = client.request(method, path, json=json)
        if resp.status_code != 503:
            return resp
        time.sleep(min(0.5 * 2 ** attempt, 5.0))
    return resp


def test_no_personal_data_in_prefect(flow_env: Settings, storage: Storage,
                                     prefect_server: str) -> None:
    """Flow and task parameters, logs and artifacts hold ids and keys, never NIK or name."""
    _upload_app(storage, SKCK / "skck-s1-001")
    _run_flow()
    truth = _truth("skck-s1-001")["ktp"]["fields"]
    secrets = [truth["nik"], truth["full_name"], truth["address"]]
    with httpx.Client(base_url=prefect_server, timeout=30) as client:
        dumps = []
        for path in ("/flow_runs/filter", "/task_runs/filter", "/logs/filter",
                     "/artifacts/filter"):
            resp = _prefect_api(client, "POST", path, json={"limit": 200})
            resp.raise_for_status()
            dumps.append(resp.text)
    blob = "\n".join(dumps)
    assert "skck-s1-001" in blob  # the run is really there
    for secret in secrets:
        assert secret not in blob
    assert not NIK_LIKE.search(blob)


def test_deployment_is_served_with_typed_parameters_and_runs(
        embedded_env: Settings, storage: Storage, prefect_server: str) -> None:
    """``intake/inbox`` shows in the Prefect server with typed parameters and runs from there."""
    import os
    import sys
    import time

    from infra.stack import start_background, stop_background

    _upload_app(storage, SKCK / "skck-s1-001")
    env = {k: v for k, v in os.environ.items() if k.startswith(("INTAKE_", "PREFECT_"))}
    env.update(DO_NOT_TRACK="1", OMP_THREAD_LIMIT="1")
    start_background("flow-server", [sys.executable, "-m", "flows.serve"], env,
                     settings=embedded_env)
    try:
        with httpx.Client(base_url=prefect_server, timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                resp = _prefect_api(client, "GET", "/deployments/name/intake/inbox")
                if resp.status_code == 200:
                    break
                assert time.monotonic() < deadline, "deployment intake/inbox never appeared"
                time.sleep(1)
            deployment = resp.json()
            props = deployment["parameter_openapi_schema"]["properties"]
            assert props["quiet_period_seconds"]["type"] == "number"
            assert props["max_applications"]["type"] == "integer"
            assert "service" in props
            # what the UI's "Run > Custom run" does: create a flow run with parameters
            run = _prefect_api(client, "POST",
                               f"/deployments/{deployment['id']}/create_flow_run",
                               json={"parameters": {"service": "polri.skck",
                                                    "quiet_period_seconds": 5.0}})
            run.raise_for_status()
            run_id = run.json()["id"]
            deadline = time.monotonic() + 600
            while True:
                flow_run = _prefect_api(client, "GET", f"/flow_runs/{run_id}")
                flow_run.raise_for_status()
                state = flow_run.json()["state"]
                if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                    break
                assert time.monotonic() < deadline, f"flow run stuck in {state['name']}"
                time.sleep(2)
        assert state["type"] == "COMPLETED"
        record = RecordStore(embedded_env.effective_database_url).get_record("skck-s1-001")
        assert record is not None and record.status == "passed"
    finally:
        stop_background("flow-server", settings=embedded_env)
