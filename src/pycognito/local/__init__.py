"""The embedded local Cognito: a Cognito user-pool endpoint on loopback, for tests and demos.

Built on moto's models in this process, with the checks moto leaves out added: real
SRP (users and devices), SECRET_HASH, TOTP and e-mailed/texted codes, challenge sessions,
token validity, expiry and revocation. Requires the ``local`` extra (``moto[cognitoidp,server]``).

    from pycognito.local import LocalCognito

    with LocalCognito() as local:
        client = local.client()          # boto3 cognito-idp client, endpoint_url set
        ...
        code = local.last_code(username="alice", kind="sign_up")

moto's data is process-wide, so one server runs per process; moto itself is not patched, so
``mock_aws`` in the same process behaves as moto ships it (it shares moto's data, though).
"""

from __future__ import annotations

from ._calls import Call
from ._codes import KINDS, Message
from ._server import AddressUnavailableError, LocalCognito
from ._totp import totp_from_secret

__all__ = ["KINDS", "AddressUnavailableError", "Call", "LocalCognito", "Message",
           "totp_from_secret"]
