#!/usr/bin/env python3
"""How long an edit takes to reach the browser in `build.py serve`, on a copy of the real data.

    .venv/bin/python bench/serve_latency.py                 # 8 edits, 1.5 s apart
    .venv/bin/python bench/serve_latency.py --code ../old   # the serve of another checkout, for a before/after

Starts the server on a copy of the project under bench/results/, connects to
its live-reload socket as a browser does, then edits one line of a district
file (a record's Chinese label) again and again. For each edit it reports the
time from the save to the reload message, and to the first answer of
/districts/haizhu/ that shows the new label (the page is asked for every 10 ms).
"""

import argparse
import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "bench" / "results" / "serve-project"
DISTRICT = PROJECT / "data" / "districts" / "haizhu.yaml"
PAGE = "/districts/haizhu/"
LABEL = "label_zh: 地区生产总值增长"
TIMEOUT = 10.0


def copy_project() -> None:
    shutil.rmtree(PROJECT, ignore_errors=True)
    for folder in ("data", "content", "templates", "assets"):
        shutil.copytree(ROOT / folder, PROJECT / folder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def page(client: AsyncHTTPClient, base: str) -> str:
    response = await client.fetch(base + PAGE, raise_error=False)
    return response.body.decode("utf-8", "replace")


async def wait_until_up(client: AsyncHTTPClient, base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if "海珠" in await page(client, base):
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the server did not start")


async def listen(socket_, reloads: list[float]) -> None:
    """Note the time of every reload message the server sends, as a browser would act on it."""
    while (message := await socket_.read_message()) is not None:
        if json.loads(message).get("command") == "reload":
            reloads.append(time.monotonic())


async def one_edit(client, base: str, reloads: list[float], number: int) -> tuple[float | None, float | None]:
    """Save an edit; seconds until the reload message and until the page shows it (None: not within TIMEOUT)."""
    marker = f"（第{number}次）"
    text = DISTRICT.read_text(encoding="utf-8")
    start = text.index(LABEL) + len(LABEL)
    end = text.index("\n", start)  # the rest of the label line: an earlier edit's marker
    saved = time.monotonic()
    DISTRICT.write_text(text[:start] + marker + text[end:], encoding="utf-8")
    shown_at = None
    deadline = saved + TIMEOUT
    while time.monotonic() < deadline:
        if marker in await page(client, base):
            shown_at = time.monotonic()
            break
        await asyncio.sleep(0.01)
    while time.monotonic() < deadline and not any(t > saved for t in reloads):
        await asyncio.sleep(0.01)
    reload_at = next((t for t in reloads if t > saved), None)
    return tuple(None if t is None else t - saved for t in (reload_at, shown_at))


async def measure(code: Path, edits: int, pause: float) -> list[tuple]:
    copy_project()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, str(code / "build.py"), "--project", str(PROJECT), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = AsyncHTTPClient()
    try:
        await wait_until_up(client, base)
        socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        socket_.write_message(json.dumps({"command": "hello", "protocols": []}))
        await socket_.read_message()
        socket_.write_message(json.dumps({"command": "info", "url": base + PAGE}))
        reloads: list[float] = []
        listener = asyncio.ensure_future(listen(socket_, reloads))
        await asyncio.sleep(1.0)  # let the first build settle
        results = []
        for number in range(1, edits + 1):
            results.append(await one_edit(client, base, reloads, number))
            await asyncio.sleep(pause)
        listener.cancel()
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def summary(name: str, values: list[float | None]) -> str:
    seen = [v for v in values if v is not None]
    missed = len(values) - len(seen)
    if not seen:
        return f"{name}: never within {TIMEOUT:.0f} s"
    return f"{name}: median {statistics.median(seen):.3f} s, max {max(seen):.3f} s" + (
        f" ({missed} of {len(values)} edits: none within {TIMEOUT:.0f} s)" if missed else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose build.py serve is measured")
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between edits")
    args = parser.parse_args()
    results = asyncio.run(measure(args.code.resolve(), args.edits, args.pause))
    for number, (reload_after, shown_after) in enumerate(results, 1):
        print(
            f"edit {number}: reload message {reload_after if reload_after is None else f'{reload_after:.3f} s'}, "
            f"new page served {shown_after if shown_after is None else f'{shown_after:.3f} s'}"
        )
    print(summary("edit → reload message", [r for r, _ in results]))
    print(summary("edit → new page served", [s for _, s in results]))


if __name__ == "__main__":
    main()
