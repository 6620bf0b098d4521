"""Short test ids for Persian parameters: pytest escapes non-ASCII ids to long runs of \\uXXXX."""

from __future__ import annotations

import hashlib


def pytest_make_parametrize_id(config, val, argname):
    if isinstance(val, str) and not val.isascii():
        return f"{argname}-{hashlib.sha1(val.encode()).hexdigest()[:6]}"
    return None
