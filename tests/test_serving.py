"""The server's socket sends small writes at once (no Nagle delay on keep-alive responses)."""

from __future__ import annotations

import socket

from costlake.serving import listening_socket


def test_listening_socket_disables_nagle_for_its_connections() -> None:
    server = listening_socket("127.0.0.1", 0)
    try:
        server.listen()
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        accepted.close()
        client.close()
    finally:
        server.close()
