"""Odoo as production runs it: ``--workers=2`` (HTTP workers, a cron worker and the websocket
process) from the project's venv.

``make test`` starts such a server on its demo database and points these tests at it through
SMART_DAIRY_ODOO_URL, SMART_DAIRY_ODOO_WS_URL and SMART_DAIRY_ODOO_DB; without them they skip.
"""

import json
import os
import time

import pytest
import requests
import websocket

URL = os.environ.get("SMART_DAIRY_ODOO_URL")
WS_URL = os.environ.get("SMART_DAIRY_ODOO_WS_URL")
DB = os.environ.get("SMART_DAIRY_ODOO_DB")
PID = os.environ.get("SMART_DAIRY_ODOO_PID")

pytestmark = pytest.mark.skipif(
    not (URL and WS_URL and DB), reason="no multi-worker Odoo server (make test starts one)"
)


def _rpc(session, path, params):
    response = session.post(f"{URL}{path}", json={"jsonrpc": "2.0", "params": params}, timeout=120)
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]


def _call(session, model, method, *args, **kwargs):
    return _rpc(
        session,
        f"/web/dataset/call_kw/{model}/{method}",
        {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
    )


@pytest.fixture(scope="module")
def session():
    http = requests.Session()
    _rpc(http, "/web/session/authenticate", {"db": DB, "login": "admin", "password": "admin"})
    return http


def _children(pid):
    """Command lines of the processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = stat.read().rsplit(")", 1)[1].split()[1]
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if parent == pid:
            found.append(command)
    return found


def test_server_runs_http_cron_and_websocket_processes():
    response = requests.get(f"{URL}/web/health", timeout=10)
    assert response.status_code == 200
    assert response.json()["status"] == "pass"
    if not PID:
        pytest.skip("the server's process id was not given")
    children = _children(PID)
    # Two HTTP workers and a cron worker (forks of the main process) and the websocket
    # process (``odoo-bin gevent``), which dies at start when gevent cannot load.
    assert sum(" gevent" in command for command in children) == 1, children
    assert len(children) >= 4, children


def test_dashboard_opens_over_http(session):
    page = session.get(f"{URL}/odoo/smart-dairy-executive", timeout=60)
    assert page.status_code == 200
    assert "odoo.__session_info__" in page.text or "web.assets_web" in page.text
    [dashboard] = _call(
        session,
        "smart.dairy.dashboard",
        "search_read",
        [("name", "=", "Executive")],
        fields=["id"],
        limit=1,
    )
    data = _call(session, "smart.dairy.dashboard", "get_dashboard_data", dashboard["id"])
    assert data["dashboard"]["name"] == "Executive"
    assert data["widgets"], "the Executive dashboard has widgets"
    cards = [w for w in data["widgets"] if w["type"] == "kpi_card"]
    assert any(not card["empty"] for card in cards), "the cards show materialised values"


def test_kpi_run_reaches_the_websocket(session):
    """A KPI run in an HTTP worker is pushed to a client of the websocket process."""
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    ws = websocket.create_connection(
        f"{WS_URL}/websocket?version=19.0", header=[f"Cookie: {cookie}"], origin=URL, timeout=30
    )
    try:
        ws.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
        time.sleep(1)  # the subscription is taken before the run's notification is sent
        kpi_ids = _call(
            session, "smart.dairy.kpi", "search", [("code", "=", "PRODUCTION")], limit=1
        )
        _call(session, "smart.dairy.kpi", "action_recompute", kpi_ids)
        deadline = time.monotonic() + 60
        received = []
        while time.monotonic() < deadline:
            for notification in json.loads(ws.recv()):
                received.append(notification["message"]["type"])
                if notification["message"]["type"] == "smart_dairy_kpi_refreshed":
                    assert notification["message"]["payload"]["run_id"]
                    return
        pytest.fail(f"no smart_dairy_kpi_refreshed notification; received {received}")
    finally:
        ws.close()
