"""A bounded HTTP load generator, run as its own process by the scale bench:
`python -m bench.load HOST PORT SECONDS CONNECTIONS PATH [PATH ...]`.

Keeps CONNECTIONS keep-alive connections busy for SECONDS, cycling through PATHs, and prints
{"requests", "errors", "seconds", "rps"} as JSON. Loopback only."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time


async def _connection(host: str, port: int, paths, deadline: float, counts: dict) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            request = f"GET {next(paths)} HTTP/1.1\r\nHost: {host}\r\n\r\n"
            writer.write(request.encode())
            status_line = await reader.readline()
            length, closing = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    closing = True
            await reader.readexactly(length)
            key = "requests" if status_line.split()[1:2] == [b"200"] else "errors"
            counts[key] += 1
            if closing:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _main(host: str, port: int, seconds: float, connections: int, paths: list[str]):
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("The load generator only targets loopback.")
    counts = {"requests": 0, "errors": 0}
    cycle = itertools.cycle(paths)
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(_connection(host, port, cycle, deadline, counts) for _ in range(connections))
    )
    elapsed = time.perf_counter() - start
    return counts | {"seconds": round(elapsed, 2), "rps": round(counts["requests"] / elapsed, 1)}


if __name__ == "__main__":
    host, port, seconds, connections, *paths = sys.argv[1:]
    print(json.dumps(asyncio.run(_main(host, int(port), float(seconds), int(connections), paths))))
