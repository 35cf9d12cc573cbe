"""Take PNG screenshots of Odoo pages as a logged-in user, with headless Chromium.

    .venv/bin/python tools/screenshot.py --url http://127.0.0.1:8069 --db smart_dairy \
        --login admin --password admin --size 375x667 --out shot.png "/odoo/action-..."

Logs in through /web/session/authenticate, hands the session cookie to Chromium
over the DevTools protocol, opens each path, waits for the page to settle and
saves one PNG per path (``--out`` gets a -N suffix when several paths are given).
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time

import requests
import websocket

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-allow-origins=*",
]  # fmt: skip


class Browser:
    def __init__(self, width, height, port=9333):
        self.profile = tempfile.mkdtemp(prefix="sd-chromium-")
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.1)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        mobile = width < 768
        self.call("Emulation.setDeviceMetricsOverride",
                  width=width, height=height, deviceScaleFactor=1, mobile=mobile)  # fmt: skip
        if mobile:
            self.call("Emulation.setTouchEmulationEnabled", enabled=True)
        self.call("Page.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def idle(self, settle=1.5, timeout=30):
        """Wait until no request is in flight in the page for ``settle`` seconds."""
        script = "performance.getEntriesByType('resource').length"
        deadline, last, stable_since = time.time() + timeout, -1, time.time()
        while time.time() < deadline:
            count = self.call("Runtime.evaluate", expression=script)["result"]["value"]
            if count != last:
                last, stable_since = count, time.time()
            elif time.time() - stable_since >= settle:
                return
            time.sleep(0.25)

    def shot(self, url, path):
        self.call("Page.navigate", url=url)
        self.idle()
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))

    def use_session(self, url, session_id):
        """Browse ``url`` as the Odoo user of ``session_id``."""
        self.call("Network.setCookie", name="session_id", value=session_id, url=url)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def login(url, db, login, password):
    """The session id of a fresh Odoo login; exits with the server's message on failure."""
    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={"params": {"db": db, "login": login, "password": password}},
        timeout=60,
    )
    response.raise_for_status()
    if response.json().get("error"):
        raise SystemExit(f"login failed: {response.json()['error']['data']['message']}")
    return session.cookies["session_id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--out", default="screenshot.png")
    args = parser.parse_args()
    session_id = login(args.url, args.db, args.login, args.password)
    width, height = map(int, args.size.split("x"))
    browser = Browser(width, height)
    try:
        browser.use_session(args.url, session_id)
        for n, path in enumerate(args.paths):
            out = args.out if len(args.paths) == 1 else args.out.replace(".png", f"-{n + 1}.png")
            browser.shot(args.url + path, out)
            print(out)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
