"""Object storage against a real SeaweedFS: round trips, quarantine moves, ready applications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.settings import Settings
from infra.storage import ObjectNotFound, Storage
from models.errors import ConfigurationError, RetryableError


def test_put_get_stat_list_round_trip(storage: Storage) -> None:
    storage.put("inbox/polri.skck/A1/ktp.jpg", b"\xff\xd8jpeg", metadata={"source": "counter 3"},
                content_type="image/jpeg")
    storage.put("inbox/polri.skck/A1/form.pdf", b"%PDF-1.7")

    assert storage.get("inbox/polri.skck/A1/ktp.jpg") == b"\xff\xd8jpeg"
    info = storage.stat("inbox/polri.skck/A1/ktp.jpg")
    assert info.size == 6
    assert info.metadata == {"source": "counter 3"}
    assert info.content_type == "image/jpeg"
    assert info.last_modified is not None
    assert [o.key for o in storage.list("inbox/polri.skck/")] == [
        "inbox/polri.skck/A1/form.pdf", "inbox/polri.skck/A1/ktp.jpg"]
    assert storage.exists("inbox/polri.skck/A1/form.pdf")
    assert not storage.exists("inbox/polri.skck/A1/nothing.pdf")


def test_missing_object_is_not_found(storage: Storage) -> None:
    with pytest.raises(ObjectNotFound):
        storage.get("inbox/none/here.pdf")


def test_quarantine_keeps_the_file_and_its_reason(storage: Storage) -> None:
    storage.put("inbox/polri.skck/B2/virus.exe", b"MZ", metadata={"uploader": "kiosk-7"})

    moved = storage.quarantine("inbox/polri.skck/B2/virus.exe", "unsupported_type",
                               "Jenis berkas tidak didukung: application/x-msdownload")

    assert moved.key == "quarantine/polri.skck/B2/virus.exe"
    assert storage.get(moved.key) == b"MZ"
    assert moved.metadata == {"uploader": "kiosk-7", "reason-code": "unsupported_type",
                              "reason": "Jenis berkas tidak didukung: application/x-msdownload"}
    assert not storage.exists("inbox/polri.skck/B2/virus.exe")
    # a rerun after a crash between copy and delete finds the move done
    again = storage.move("inbox/polri.skck/B2/virus.exe", moved.key)
    assert again.key == moved.key


def test_ready_applications_follow_manifest_quiet_period_and_single_files(
        storage: Storage) -> None:
    storage.put("inbox/polri.skck/WITH-MANIFEST/form.pdf", b"%PDF")
    storage.put("inbox/polri.skck/WITH-MANIFEST/ktp.jpg", b"jpg")
    storage.put("inbox/polri.skck/WITH-MANIFEST/manifest.json", b"{}")
    storage.put("inbox/imigrasi.paspor/STILL-ARRIVING/form.pdf", b"%PDF")
    storage.put("inbox/dukcapil.akta_kelahiran/SINGLE-77.pdf", b"%PDF")

    now = datetime.now(UTC)
    ready = {a.application_id: a for a in storage.ready_applications(now=now, quiet_period=60)}

    assert set(ready) == {"WITH-MANIFEST", "SINGLE-77"}
    assert ready["WITH-MANIFEST"].keys == ("inbox/polri.skck/WITH-MANIFEST/form.pdf",
                                           "inbox/polri.skck/WITH-MANIFEST/ktp.jpg")
    assert ready["WITH-MANIFEST"].extra_keys == ("inbox/polri.skck/WITH-MANIFEST/manifest.json",)
    assert ready["SINGLE-77"].service == "dukcapil.akta_kelahiran"
    assert ready["SINGLE-77"].keys == ("inbox/dukcapil.akta_kelahiran/SINGLE-77.pdf",)

    later = now + timedelta(seconds=61)
    settled = {a.application_id: a for a in storage.ready_applications(now=later,
                                                                        quiet_period=60)}
    assert settled["STILL-ARRIVING"].service == "imigrasi.paspor"
    assert settled["STILL-ARRIVING"].prefix == "inbox/imigrasi.paspor/STILL-ARRIVING/"
    assert not settled["STILL-ARRIVING"].has_manifest


def test_wrong_credentials_are_a_configuration_error(s3_stack: Storage,
                                                     settings: Settings) -> None:
    wrong = settings.model_copy(update={"s3_access_key": "nobody", "s3_secret_key": "wrong-key"})
    with pytest.raises(ConfigurationError, match="credentials"):
        Storage(wrong, retries=0).list("inbox/")


def test_unreachable_s3_is_retryable(settings: Settings) -> None:
    closed = settings.model_copy(update={"s3_port": 9})  # discard port: nothing listens
    with pytest.raises(RetryableError):
        Storage(closed, timeout=1, retries=0).get("inbox/x.pdf")
