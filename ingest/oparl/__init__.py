"""OParl: mapping of OParl objects to records (``mapping``, ``reading``), folder ingest of exported objects
with their file texts (``folder``) and the sync of a live endpoint (``ratsinfo sync URL``).

The sync names are imported lazily, so the parsers can use the mapping without loading the HTTP client
(the function is ``ingest.oparl.sync.sync``; ``ingest.oparl.sync`` itself is the module).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "ClientConfig": "ingest.oparl.client",
    "FetchError": "ingest.oparl.client",
    "OParlClient": "ingest.oparl.client",
    "SyncLockedError": "ingest.oparl.state",
    "SyncState": "ingest.oparl.state",
    "OParlSync": "ingest.oparl.sync",
    "SyncReport": "ingest.oparl.sync",
    "open_state": "ingest.oparl.sync",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
