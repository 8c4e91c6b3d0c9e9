"""The Python peer of bench/Pipeline.Bench.ps1: N GETs with C in flight through one aiohttp
ClientSession (Debian's python3-aiohttp), each body read in full, optionally json.loads'ed.

Usage: python3 aiohttp_peer.py <url> [--count N] [--concurrency C] [--json]
The URL list is <url>?n=0 .. <url>?n=N-1, as the other contenders send it. Prints one JSON line:
count, concurrency, json, rate (req/s of the loop, interpreter start and imports not counted),
seconds, bytes, version. Exits 1 when a response is not 200: a broken measurement, not a slow one.
"""
import argparse
import asyncio
import json
import sys
import time

import aiohttp


async def run(url, count, concurrency, parse):
    sep = "&" if "?" in url else "?"
    urls = [f"{url}{sep}n={i}" for i in range(count)]
    state = {"next": 0, "bytes": 0, "parsed": 0}

    async def worker(session):
        while state["next"] < count:
            i = state["next"]
            state["next"] += 1
            async with session.get(urls[i]) as response:
                body = await response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {urls[i]} answered {response.status}")
                state["bytes"] += len(body)
                if parse:
                    json.loads(body)
                    state["parsed"] += 1

    # limit=C: as many connections as requests in flight, like the other contenders.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(min(concurrency, count))))
        seconds = time.perf_counter() - start
    if parse and state["parsed"] != count:
        raise RuntimeError(f"parsed {state['parsed']} of {count} bodies")
    return seconds, state["bytes"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        seconds, size = asyncio.run(run(args.url, args.count, args.concurrency, args.json))
    except Exception as e:  # a broken measurement: say what broke, exit non-zero
        print(f"aiohttp_peer: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"count": args.count, "concurrency": args.concurrency, "json": args.json,
                      "rate": round(args.count / seconds, 1), "seconds": round(seconds, 3),
                      "bytes": size, "version": aiohttp.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
