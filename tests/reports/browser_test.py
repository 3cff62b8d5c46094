#!/usr/bin/env python3
"""Opens the HTML report in headless Chromium and checks it the way a user would see it.

Checks: no console errors or exceptions, no request other than file:// and data:, no dialog (the
hostile kernel name must not run), the findings are in the page, the timeline canvas has drawn
pixels, and clicking a finding's "show in timeline" link changes the timeline's view. Saves
screenshots in --workdir. Exit 77 (skipped) when Chromium is not installed.

Talks to Chromium over the DevTools protocol with a minimal WebSocket client (stdlib only).
"""
import argparse, base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time
import urllib.request


class DevTools:
    """A DevTools-protocol client over one WebSocket (RFC 6455, client side, text frames)."""

    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket handshake failed: {response[:200]!r}")
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0
        self.events = []

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("DevTools connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            data = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the websocket")
            if opcode in (0x9, 0xA):
                continue  # ping/pong
            message += data
            if b0 & 0x80:
                return json.loads(message.decode())

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self._send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(self._receive())
        raise RuntimeError(f"timed out waiting for {method}")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")


def start_chromium(binary, profile_dir):
    args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions",
            "--hide-scrollbars", "--window-size=1400,1000", "--remote-debugging-port=0",
            f"--user-data-dir={profile_dir}", "about:blank"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile_dir, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            port = int(open(port_file).read().split()[0])
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                return process, pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("Chromium did not open its DevTools port")


def problems_in(events):
    problems, requests = [], []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            problems.append(f"console error: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params['exceptionDetails'].get('text')} "
                            f"{params['exceptionDetails'].get('exception', {}).get('description')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            problems.append(f"log error: {params['entry'].get('text')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            requests.append(url)
            if not (url.startswith("file://") or url.startswith("data:")):
                problems.append(f"network request: {url}")
        elif method == "Page.javascriptDialogOpening":
            problems.append(f"a dialog opened (script injection?): {params.get('message')}")
    return problems, requests


def save_screenshot(dt, path, clip=None):
    params = {"format": "png", "captureBeyondViewport": True}
    if clip:
        params["clip"] = dict(clip, scale=1)
    png = dt.call("Page.captureScreenshot", **params)["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(png))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture", required=True, help="the report_fixture executable")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--html", help="test this report instead of the fixture's")
    args = parser.parse_args()
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        print("SKIPPED: Chromium is not installed; run scripts/setup.sh --tests to install the "
              "Debian 'chromium' package for the browser tests", file=sys.stderr)
        return 77
    os.makedirs(args.workdir, exist_ok=True)
    html = args.html or os.path.join(args.workdir, "report.html")
    if not args.html:
        # 100 steps x 1000 kernels: about 200k timeline events, the size that must stay smooth.
        subprocess.run([args.fixture, html, "100", "1000"], check=True)
    print(f"report: {html} ({os.path.getsize(html) / 1e6:.1f} MB)")

    profile_dir = tempfile.mkdtemp(prefix="perfadvise-chromium-")
    process, ws_url = start_chromium(binary, profile_dir)
    failures = []
    try:
        dt = DevTools(ws_url)
        for domain in ("Runtime", "Log", "Network", "Page"):
            dt.call(f"{domain}.enable")
        dt.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000,
                deviceScaleFactor=1, mobile=False)
        started = time.time()
        dt.call("Page.navigate", url="file://" + os.path.abspath(html))
        dt.wait_for("Page.loadEventFired")
        print(f"loaded in {time.time() - started:.2f} s")

        findings = dt.evaluate("document.querySelectorAll('article.finding').length")
        first = dt.evaluate("(document.querySelector('article.finding .rule')||{}).textContent")
        if not findings or first != "SYNC-D2H":
            failures.append(f"findings missing: {findings} articles, first rule {first!r}")
        if dt.evaluate("document.querySelectorAll('img').length") != 0:
            failures.append("an <img> element exists: a profile string was rendered as markup")
        drawn = dt.evaluate("""(function(){var c=document.getElementById('tl-canvas');
            var d=c.getContext('2d').getImageData(0,0,c.width,c.height).data,n=0;
            for(var i=3;i<d.length;i+=4) if(d[i]>0) n++; return n;})()""")
        print(f"timeline canvas: {drawn} non-blank pixels, "
              f"{dt.evaluate('perfadvise.drawnEvents()')} events visited in the last frame")
        if not drawn or drawn < 1000:
            failures.append(f"the timeline canvas is blank ({drawn} pixels drawn)")
        frame_ms = dt.evaluate("""(function(){var t=performance.now();
            for(var i=0;i<10;i++) perfadvise.timeline.draw(); return (performance.now()-t)/10;})()""")
        events = dt.evaluate("perfadvise.data.timeline.shown_events")
        # A number to read, not a pass/fail: timings belong in benchmarks, not in tests.
        print(f"full redraw of {events} events: {frame_ms:.1f} ms per frame")
        save_screenshot(dt, os.path.join(args.workdir, "report_top.png"),
                        {"x": 0, "y": 0, "width": 1400, "height": 1800})

        before = dt.evaluate("perfadvise.timelineView()")
        box = dt.evaluate("""(function(){var a=document.querySelector('.show-in-timeline');
            a.scrollIntoView({block:'center'}); var r=a.getBoundingClientRect();
            return {x:r.left+r.width/2, y:r.top+r.height/2};})()""")
        for kind in ("mousePressed", "mouseReleased"):
            dt.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left",
                    clickCount=1)
        time.sleep(0.3)
        after = dt.evaluate("perfadvise.timelineView()")
        print(f"timeline view before the click {before}, after {after}")
        if not after or abs(after["t1"] - after["t0"]) >= abs(before["t1"] - before["t0"]) * 0.5:
            failures.append("clicking a finding's link did not zoom the timeline to its evidence")
        scroll = dt.evaluate("document.getElementById('timeline').getBoundingClientRect().top")
        if scroll is None or abs(scroll) > 50:
            failures.append(f"the timeline did not scroll into view (top at {scroll})")
        top = dt.evaluate("window.scrollY")
        save_screenshot(dt, os.path.join(args.workdir, "report_timeline.png"),
                        {"x": 0, "y": top, "width": 1400, "height": 1000})
        dt.call("Runtime.evaluate", expression="0")  # drain pending events
        problems, requests = problems_in(dt.events)
        failures += problems
        print(f"requests: {len(requests)} (all file:// or data:)" if not problems else "")
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(profile_dir, ignore_errors=True)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print("screenshots:", os.path.join(args.workdir, "report_top.png"),
          os.path.join(args.workdir, "report_timeline.png"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
