"""The library's one wall clock.

Everything that reads the time (SRP TIMESTAMPs, token expiry decisions, token receipt times)
calls :func:`now` at the moment it needs it, so a test can move the library's clock in one
place (``monkeypatch.setattr(pycognito._clock, "now", ...)``) and the whole library follows.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


def now() -> float:
    """Seconds since the epoch."""
    return time.time()


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.fromtimestamp(now(), timezone.utc)
