"""Running the web app: uvicorn on a host and port, one or several worker processes."""

from __future__ import annotations

import os
from pathlib import Path

import uvicorn

from khabar.service import Source
from khabar.web.app import create_app
from khabar.web.guard import Guard

_DATA_ENV, _RATE_ENV = "KHABAR_DATA", "KHABAR_RATE_LIMIT"


def serve(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = 1,
    rate_limit: float = 20.0,
    sources: list[Source] | None = None,
) -> None:
    """Serve until interrupted. Several workers each open the store and index themselves (the
    index is read-only to them), handed the settings through the environment (with the default
    sources list on the sources page)."""
    if workers == 1:
        app = create_app(data_dir, rate_limit=rate_limit, sources=sources)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    os.environ[_DATA_ENV] = str(data_dir.resolve())
    os.environ[_RATE_ENV] = str(rate_limit)
    uvicorn.run(
        "khabar.web.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def app_from_environment() -> Guard:
    """The app of one worker process (see `serve`)."""
    return create_app(Path(os.environ[_DATA_ENV]), rate_limit=float(os.environ.get(_RATE_ENV, "20")))
