"""A server process for the load benchmark: ``python -m bench._serve costlake|fixed PORT [BYTES]``.

``costlake`` serves the app from the environment's settings; ``fixed`` a FastAPI app that
answers every request with the same JSON of BYTES bytes: the ceiling of FastAPI + uvicorn on
this machine, measured with the same client in the same run.
"""

from __future__ import annotations

import sys

import orjson
import uvicorn
from fastapi import FastAPI
from fastapi.responses import Response

from costlake.serving import listening_socket


def fixed_app(size: int) -> FastAPI:
    body = orjson.dumps({"padding": "x" * max(size - 15, 0)})
    app = FastAPI()

    @app.get("/v1/costs/summary")
    async def summary() -> Response:
        return Response(body, media_type="application/json")

    return app


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "fixed":
        app = fixed_app(int(sys.argv[3]))
    else:
        from costlake.server import create_app

        app = create_app()
    sock = listening_socket("127.0.0.1", port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
