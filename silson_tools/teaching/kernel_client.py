"""A kernel client that looks at its sockets again instead of sleeping through a reply.

Now and then (on this 2-core machine, about once in a few hundred notebook runs) a
cell's reply reaches jupyter_client's asyncio client, but the event loop is never woken
for it: the kernel sits idle, the reply waits in the socket, and the client sleeps until
its timeout. pyzmq's asyncio poll then looks once more (``poll(0)``), finds the reply and
goes on, so the only symptom is a notebook that took exactly its timeout (seen: 60 s and
300 s for a 4 s notebook; a Voilà page that never loaded without a timeout).

:class:`WakefulChannel` waits in slices of :data:`LOOK_AGAIN` seconds and looks again
after each, so a missed wake-up costs at most that much, while a reply that does wake the
loop is taken at once, as before. Everything else is jupyter_client's own code.

- :class:`WakefulKernelClient`: the asyncio kernel client with these channels;
- :class:`WakefulKernelManager`: the asyncio kernel manager that hands it out, for
  ``NotebookClient(..., kernel_manager_class=WakefulKernelManager)``;
- :func:`run_notebook`: run a notebook top to bottom on a fresh kernel with this client,
  in a thread of its own (what the tests do);
- Voilà and Jupyter servers take the client by configuration:
  ``--AsyncKernelManager.client_class=silson_tools.teaching.kernel_client.WakefulKernelClient``
  (``make present`` does this).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

LOOK_AGAIN = 0.25
"""Seconds between two looks at a socket while waiting for a message."""

CLIENT_CLASS = f"{__name__}.WakefulKernelClient"
"""The dotted name to give ``client_class`` in a Jupyter or Voilà configuration."""


class WakefulChannel(AsyncZMQSocketChannel):
    """An asyncio kernel channel whose wait looks at the socket every :data:`LOOK_AGAIN` s."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        """The next message; :class:`queue.Empty` after ``timeout`` seconds (None: wait on).

        The wait is cut into slices of ``min(LOOK_AGAIN, time left)``; each slice ends in a
        real look at the socket, so a message whose wake-up the event loop missed is taken
        at the end of the slice it arrived in.
        """
        assert self.socket is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = LOOK_AGAIN if deadline is None else deadline - time.monotonic()
            wait_ms = max(0, int(1000 * min(LOOK_AGAIN, left)))
            if await self.socket.poll(wait_ms):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class WakefulKernelClient(AsyncKernelClient):
    """jupyter_client's asyncio kernel client, with :class:`WakefulChannel` channels."""

    shell_channel_class = Type(WakefulChannel)  # type: ignore[assignment]
    iopub_channel_class = Type(WakefulChannel)  # type: ignore[assignment]
    stdin_channel_class = Type(WakefulChannel)  # type: ignore[assignment]
    control_channel_class = Type(WakefulChannel)  # type: ignore[assignment]


class WakefulKernelManager(AsyncKernelManager):
    """jupyter_client's asyncio kernel manager, handing out :class:`WakefulKernelClient`."""

    client_class = DottedObjectName(CLIENT_CLASS)  # type: ignore[assignment]
    client_factory = Type(WakefulKernelClient, klass=AsyncKernelClient)  # type: ignore[assignment]
    """What ``client()`` makes (a default does not run the ``client_class`` observer)."""


def run_notebook(nb: Any, cwd: str | Path, *, timeout: int = 60, **options: Any) -> Any:
    """Run every cell of ``nb`` (an nbformat notebook, filled in place and returned) on a
    fresh python3 kernel started in ``cwd``, ``timeout`` seconds per cell.

    nbclient runs in a thread of its own, on an event loop of its own that is closed when
    the notebook is done (no socket left for the garbage collector): in a process where
    an event loop is already marked running (Playwright's sync API keeps one), nbclient
    would otherwise hand its work to a helper thread and share the loop's sockets across
    threads. ``options`` go to :class:`nbclient.NotebookClient`.
    """
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=WakefulKernelManager,
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )
    with ThreadPoolExecutor(1) as pool:  # asyncio.run: a loop of its own, closed after
        pool.submit(asyncio.run, client.async_execute()).result()
    return nb
