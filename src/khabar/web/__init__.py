"""khabar on the web: the reader's pages, the JSON API and RSS feeds (FastAPI + Jinja2), a thin
shell over `khabar.service`. Nothing below the service layer imports this package."""

from khabar.web.app import create_app
from khabar.web.server import serve

__all__ = ["create_app", "serve"]
