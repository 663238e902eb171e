"""A scripted Cognito for the SRP benchmarks: it answers a login without any I/O, so that only
the client's own work is timed. Imports nothing from pycognito (bench/peers_original.py uses it
with the original package)."""

from __future__ import annotations

from typing import Any


class ScriptedCognito:
    """Answers InitiateAuth with ``challenge`` (PASSWORD_VERIFIER parameters) and
    RespondToAuthChallenge with tokens, keeping the client's last answer in ``answer``."""

    def __init__(self, challenge: dict[str, str]) -> None:
        self.challenge = challenge
        self.answer: dict[str, str] = {}

    def initiate_auth(self, **_: Any) -> dict[str, Any]:
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": self.challenge}

    def respond_to_auth_challenge(self, **kwargs: Any) -> dict[str, Any]:
        self.answer = kwargs["ChallengeResponses"]
        if not self.answer.get("PASSWORD_CLAIM_SIGNATURE"):
            raise AssertionError("the client sent no PASSWORD_CLAIM_SIGNATURE")
        return {"AuthenticationResult": {"AccessToken": "a", "IdToken": "i", "RefreshToken": "r"}}
