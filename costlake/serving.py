"""Run the ASGI app with uvicorn on a loopback socket in a background thread.

For tests and benchmarks that need a real server (real sockets, real HTTP) inside one process.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from costlake.platform import Platform
from costlake.server import create_app


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket whose connections send small writes at once.

    uvicorn writes a response's head and body separately; with Nagle's algorithm on, the
    body of every keep-alive response after the first waits for the client's delayed ACK
    (about 40 ms on Linux). Accepted sockets inherit TCP_NODELAY from this one.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


@contextmanager
def serve_in_thread(
    platform: Platform, host: str = "127.0.0.1", *, app: ASGIApp | None = None
) -> Iterator[str]:
    """Serve ``platform`` (or ``app`` built over it) on a free port of ``host``; yields the
    base URL."""
    sock = listening_socket(host, 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app or create_app(platform=platform), log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
