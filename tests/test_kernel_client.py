"""The kernel client that looks at its sockets again (silson_tools.teaching.kernel_client).

A missed wake-up is made on purpose: the socket's event handler is switched off, so the
event loop is never told that a message came, as happens now and then with a real kernel.
jupyter_client's own channel then finds the message only when its timeout comes; the
wakeful one finds it within a slice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from queue import Empty
from typing import Any

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from silson_tools.teaching import kernel_client
from silson_tools.teaching.kernel_client import (
    WakefulChannel,
    WakefulKernelClient,
    WakefulKernelManager,
)


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` on a fresh event loop in its own thread (earlier tests in the same
    process may leave an event loop marked running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _wait_for_unannounced_reply(channel_class: type, timeout: float) -> tuple[str, float]:
    """Send a reply 0.1 s after the wait starts, without waking the loop; (msg_type, seconds)."""
    context = zmq.asyncio.Context()
    ours, kernels = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
    ours.bind("inproc://wakeful-test")
    kernels.connect("inproc://wakeful-test")
    session = Session(key=b"")
    ours._handle_events = lambda *args: None  # the loop never hears of the reply
    channel = channel_class(ours, session)

    async def reply_later() -> None:
        await asyncio.sleep(0.1)
        session.send(kernels, "execute_reply", {"status": "ok"})

    sender = asyncio.ensure_future(reply_later())
    start = time.monotonic()
    try:
        msg = await channel.get_msg(timeout=timeout)
        return msg["msg_type"], time.monotonic() - start
    finally:
        await sender
        ours.close(linger=0)
        kernels.close(linger=0)
        context.term()


def test_the_missed_wake_up_is_real_for_jupyter_clients_channel() -> None:
    """Without the fix, the reply is found only when the timeout comes."""
    kind, seconds = _run(_wait_for_unannounced_reply(AsyncZMQSocketChannel, 1.5))
    assert kind == "execute_reply"
    assert seconds >= 1.4


def test_the_wakeful_channel_finds_the_reply_within_a_slice() -> None:
    kind, seconds = _run(_wait_for_unannounced_reply(WakefulChannel, 20.0))
    assert kind == "execute_reply"
    assert seconds < 10 * kernel_client.LOOK_AGAIN  # a slice or two, not the 20 s timeout


def test_the_wakeful_channel_still_times_out_when_nothing_comes() -> None:
    async def wait() -> float:
        context = zmq.asyncio.Context()
        socket = context.socket(zmq.PAIR)
        socket.bind("inproc://wakeful-silence")
        start = time.monotonic()
        try:
            with pytest.raises(Empty):
                await WakefulChannel(socket, Session(key=b"")).get_msg(timeout=0.6)
            return time.monotonic() - start
        finally:
            socket.close(linger=0)
            context.term()

    assert _run(wait()) >= 0.6


def test_the_manager_hands_out_wakeful_channels() -> None:
    client = WakefulKernelManager().client()
    assert isinstance(client, WakefulKernelClient)
    for name in ("shell", "iopub", "stdin", "control"):
        assert getattr(client, f"{name}_channel_class") is WakefulChannel
    assert kernel_client.CLIENT_CLASS == "silson_tools.teaching.kernel_client.WakefulKernelClient"


def test_run_notebook_works_where_an_event_loop_is_already_running(tmp_path) -> None:
    """As after the browser tests in one process: a running loop in the calling thread."""
    import nbformat

    from silson_tools.teaching.kernel_client import run_notebook

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import os\nprint(6 * 7, os.path.basename(os.getcwd()))")]
    )

    async def inside_a_loop() -> Any:
        return run_notebook(nb, tmp_path, timeout=60)

    ran = _run(inside_a_loop())
    assert ran.cells[0].outputs[0]["text"] == f"42 {tmp_path.name}\n"


def test_run_notebook_leaves_no_socket_behind(tmp_path) -> None:
    """The notebook's event loop is closed in its thread: nothing for the garbage collector
    to warn about later, in whatever test then runs (an unclosed loop's self-pipe did)."""
    import gc
    import warnings

    import nbformat

    from silson_tools.teaching.kernel_client import run_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("6 * 7")])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        run_notebook(nb, tmp_path, timeout=60)
        gc.collect()
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []
