"""The IoT HTTP intake under ``--workers=2``, committed for real (``make test`` starts the
server; see test_workers.py): a batch, its resend, and a revoked token."""

import datetime as dt
import json
import os
import uuid

import pytest
import requests

URL = os.environ.get("SMART_DAIRY_ODOO_URL")
DB = os.environ.get("SMART_DAIRY_ODOO_DB")

pytestmark = pytest.mark.skipif(
    not (URL and DB), reason="no multi-worker Odoo server (make test starts one)"
)


def _call(session, model, method, *args, **kwargs):
    response = session.post(
        f"{URL}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        },
        timeout=120,
    )
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]


@pytest.fixture(scope="module")
def device():
    """A new collar on a demo farm and its token; archived afterwards."""
    session = requests.Session()
    session.post(
        f"{URL}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": DB, "login": "admin", "password": "admin"}},
        timeout=60,
    ).raise_for_status()
    farm_id = _call(session, "smart.dairy.farm", "search", [], limit=1)[0]
    identifier = f"workers-{uuid.uuid4().hex[:12]}"
    device_id = _call(
        session,
        "smart.dairy.iot.device",
        "create",
        [{"identifier": identifier, "type": "collar", "farm_id": farm_id}],
    )[0]
    action = _call(session, "smart.dairy.iot.device", "action_generate_token", [device_id])
    yield session, device_id, action["context"]["default_token"]
    _call(session, "smart.dairy.iot.device", "write", [device_id], {"active": False})


def _post(token, rows):
    return requests.post(
        f"{URL}/smart_dairy/iot/v1/readings",
        data=json.dumps(rows),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "X-Odoo-Database": DB,
        },
        timeout=120,
    )


def test_batch_is_committed_once(device):
    session, device_id, token = device
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=2)
    rows = [
        {
            "metric": "activity",
            "value": i % 900,
            "time": (start + dt.timedelta(seconds=i)).isoformat(),
        }
        for i in range(5000)
    ]
    rows.append({"metric": "activity", "value": -1, "time": start.isoformat()})
    first = _post(token, rows)
    assert first.status_code == 200, first.text
    assert first.json()["accepted"] == 5000
    assert [e["index"] for e in first.json()["errors"]] == [5000]
    again = _post(token, rows)
    assert again.status_code == 200, again.text
    assert (again.json()["accepted"], again.json()["duplicate"]) == (0, 5000)
    [record] = _call(
        session, "smart.dairy.iot.device", "read", [device_id], ["last_seen", "last_reading"]
    )
    assert record["last_seen"]
    assert record["last_reading"] == f"activity {4999 % 900}"


def test_revoked_token_is_refused(device):
    session, device_id, token = device
    _call(session, "smart.dairy.iot.device", "action_revoke_token", [device_id])
    response = _post(token, {"metric": "activity", "value": 1, "time": "2026-01-01T00:00:00Z"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
