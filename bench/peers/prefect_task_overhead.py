"""Peer benchmark: overhead per trivial Prefect task inside a flow (same shape as Weir's task-overhead bench).

Run with a venv that has Prefect installed (never a dependency of Weir):
    PREFECT_HOME=$(mktemp -d) /path/to/venv/bin/python bench/peers/prefect_task_overhead.py 1000
Prints one JSON line: {"peer": "prefect", "version", "tasks", "sequentialUsPerTask", "plainUsPerTask"}.
"""
import asyncio
import json
import sys
import time

import prefect
from prefect import flow, task


@task
async def noop(i: int) -> int:
    return i


async def plain(i: int) -> int:
    return i


@flow
async def many_tasks(n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        await noop(i)
    return time.perf_counter() - start


async def main(n: int) -> None:
    start = time.perf_counter()
    for i in range(n):
        await plain(i)
    plain_s = time.perf_counter() - start
    await many_tasks(10)  # warm-up: starts the ephemeral API server
    seq_s = await many_tasks(n)
    print(json.dumps({
        "peer": "prefect",
        "version": prefect.__version__,
        "tasks": n,
        "sequentialUsPerTask": round(seq_s / n * 1e6, 1),
        "plainUsPerTask": round(plain_s / n * 1e6, 3),
    }))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
