"""The web page's budgets (issue 24), as ratios measured in one run on this machine:

- time to the plan page <= 10x the time to a trivial page (the stylesheet) of the same server, median of many
  requests over one keep-alive connection, the two kinds taking turns;
- two uvicorn workers serve >= 1.7x the plan pages per second of one worker: 16 clients for a fixed time, a new
  connection per page (as many parents' browsers are; 16 keep-alive connections opened at once would all be
  accepted by whichever worker woke first, since asyncio accepts in a loop, and measure one worker twice),
  from `wrk` (one C thread: `apt-get install wrk`) when it is installed, else from a Python asyncio client,
  which itself needs about a core at these rates and so caps what two workers can show on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

PLAN_BODY = b"child_age=9&concerns=anxiety&therapy=cbt&stage=starting&region=us"
LATENCY_BUDGET = 10.0
WORKERS_BUDGET = 1.7


def rows_of(m: dict[str, float]) -> list[tuple[str, str, str, str, str, bool]]:
    """(figure, value, floor, ratio, budget, ok) for benchmarks/run.py's table."""
    client = "wrk" if m["wrk"] else "a Python client"
    return [
        (
            "web: the plan page (POST /plan), median",
            f"{m['plan_ms']:.2f} ms",
            f"{m['trivial_ms']:.2f} ms (GET /style.css)",
            f"{m['latency_ratio']:.1f}×",
            f"≤ {LATENCY_BUDGET:.0f}×",
            m["latency_ratio"] <= LATENCY_BUDGET,
        ),
        (
            f"web: plan pages per second, 2 uvicorn workers vs 1 ({client}, {m['cores']:.0f} cores)",
            f"{m['two_workers']:,.0f}/s",
            f"{m['one_worker']:,.0f}/s",
            f"{m['workers_ratio']:.2f}×",
            f"≥ {WORKERS_BUDGET}×",
            m["workers_ratio"] >= WORKERS_BUDGET,
        ),
    ]


def _request(port: int, method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if body:
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "parentinvolve.web:create_app", "--port", str(port)]
    cmd += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    server = subprocess.Popen(cmd, env={**env, "PARENTINVOLVE_LANG": "en"}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(_request(port, "GET", "/style.css"))
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.1)
    time.sleep(1.0 if workers > 1 else 0.2)  # every worker up
    return server, port


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return int(head[9:12])


async def _latency(port: int, n: int) -> tuple[list[float], list[float]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    trivial, plan = _request(port, "GET", "/style.css"), _request(port, "POST", "/plan", PLAN_BODY)
    t_trivial, t_plan = [], []
    for i in range(n + 20):
        for req, out in ((trivial, t_trivial), (plan, t_plan)):
            start = time.perf_counter()
            writer.write(req)
            assert await _read_response(reader) == 200
            if i >= 20:  # warm-up
                out.append(time.perf_counter() - start)
    writer.close()
    return t_trivial, t_plan


async def _throughput(port: int, seconds: float, connections: int = 16) -> float:
    plan = _request(port, "POST", "/plan", PLAN_BODY).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
    done = 0
    stop_at = time.monotonic() + seconds

    async def one() -> None:
        nonlocal done
        while time.monotonic() < stop_at:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(plan)
            assert await _read_response(reader) == 200
            done += 1
            writer.close()

    start = time.monotonic()
    await asyncio.gather(*(one() for _ in range(connections)))
    return done / (time.monotonic() - start)


WRK_SCRIPT = (
    'wrk.method = "POST"\nwrk.body = "' + PLAN_BODY.decode() + '"\n'
    'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    'wrk.headers["Connection"] = "close"\n'
)


def _wrk(port: int, seconds: float, work: Path, connections: int = 16) -> float:
    script = work / "plan.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/plan",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(out)
    match = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    assert match, out
    return float(match.group(1))


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def measure(env: dict[str, str], work: Path, n: int = 400, seconds: float = 5.0, rounds: int = 3) -> dict[str, float]:
    """The medians and ratios (the worker counts take turns, `rounds` times each)."""
    wrk = shutil.which("wrk") is not None
    server, port = start(env, 1)
    try:
        t_trivial, t_plan = asyncio.run(_latency(port, n))
    finally:
        stop(server)
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            server, port = start(env, workers)
            try:
                asyncio.run(_throughput(port, 1.0))  # warm every worker
                rate = _wrk(port, seconds, work) if wrk else asyncio.run(_throughput(port, seconds))
                rates[workers].append(rate)
            finally:
                stop(server)
    trivial_ms, plan_ms = statistics.median(t_trivial) * 1000, statistics.median(t_plan) * 1000
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    return {
        "trivial_ms": trivial_ms,
        "plan_ms": plan_ms,
        "latency_ratio": plan_ms / trivial_ms,
        "one_worker": one,
        "two_workers": two,
        "workers_ratio": two / one,
        "wrk": float(wrk),
        "cores": float(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1),
    }


if __name__ == "__main__":  # python benchmarks/web.py: these figures alone
    env = {**os.environ, "XDG_CACHE_HOME": str(Path(os.environ.get("TMPDIR", "/tmp")) / "parentinvolve-bench-web")}
    import tempfile

    for key, value in measure(env, Path(tempfile.mkdtemp())).items():
        print(f"{key}: {value:.2f}")
