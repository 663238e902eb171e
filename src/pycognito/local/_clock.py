"""The local Cognito's clock: real time plus an offset that tests can move forward.

Everything time-dependent in the server reads this clock: token ``iat``/``exp``, code and
challenge-session expiry, refresh-token expiry, TOTP steps and the SRP ``TIMESTAMP`` window.
moto's model clock follows it inside the server's requests (see ``_moto``).
"""

from __future__ import annotations

import math
import threading
import time as _time
from datetime import datetime, timezone

#: How far the clock may be moved from real time, either way (about 100 years, in seconds):
#: far enough for any expiry a test wants to pass, near enough for dates to stay representable.
MAX_OFFSET = 100 * 365 * 86400.0


class Clock:
    """Wall-clock time shifted by a test-controlled offset (seconds)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        """Seconds added to the real time."""
        return self._offset

    def time(self) -> float:
        """Seconds since the epoch, as the server sees it."""
        return _time.time() + self._offset

    def now(self) -> datetime:
        """The server's current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def utcnow_naive(self) -> datetime:
        """The server's current time as a naive UTC datetime (what moto stores)."""
        return self.now().replace(tzinfo=None)

    def advance(self, seconds: float) -> None:
        """Move the server's clock forward (or back, with a negative value).

        Raises ``ValueError`` for NaN or an infinity, or when the clock would end up more than
        :data:`MAX_OFFSET` seconds away from real time; the clock is then left as it was.
        """
        try:
            step = float(seconds)
        except OverflowError:  # an int beyond any float is beyond the bound too
            step = MAX_OFFSET * 2
        if not math.isfinite(step):
            raise ValueError("the clock can only be moved by a finite number of seconds")
        with self._lock:
            if abs(self._offset + step) > MAX_OFFSET:
                raise ValueError(f"the clock can be moved at most {MAX_OFFSET:.0f} seconds "
                                 "(about 100 years) away from real time")
            self._offset += step

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._offset = 0.0
