"""OParl sync: keep the index in step with a council system's OParl endpoint (``ratsinfo sync URL``)."""

from ingest.oparl.client import ClientConfig, FetchError, OParlClient
from ingest.oparl.state import SyncLockedError, SyncState
from ingest.oparl.sync import OParlSync, SyncReport, open_state, sync

__all__ = [
    "ClientConfig",
    "FetchError",
    "OParlClient",
    "OParlSync",
    "SyncLockedError",
    "SyncReport",
    "SyncState",
    "open_state",
    "sync",
]
