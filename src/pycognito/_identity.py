"""AWS credentials for the user on the facade, delegated to :mod:`pycognito._aws_credentials`."""

from __future__ import annotations

import threading
from typing import Any, Optional

from ._aws_credentials import IdentityPoolCredentials, IdentitySteps, Renewal
from ._core import CognitoBase, service_errors
from ._identity_pool import AwsCredentials, id_token_stale
from ._tokens import TokenSet
from .exceptions import MissingValueError

_CREATION = threading.Lock()


class IdentityMixin(CognitoBase):
    """``get_aws_credentials``, ``boto3_session``."""

    def get_aws_credentials(self, identity_pool_id: str, *, role_arn: Optional[str] = None,
                            custom_role_arn: Optional[str] = None) -> AwsCredentials:
        """Temporary AWS credentials for the signed-in user from a Cognito identity pool.

        Returns ``{"AccessKeyId", "SecretKey", "SessionToken", "Expiration", "IdentityId"}``
        (``Expiration`` is a timezone-aware datetime). Uses ``GetId`` (once per user and pool)
        and ``GetCredentialsForIdentity`` with the current id token, renewed first if needed;
        ``custom_role_arn`` picks one of the roles the token allows. With ``role_arn`` the
        basic flow is used instead (``GetOpenIdToken`` + STS ``AssumeRoleWithWebIdentity``).
        Raises :class:`~pycognito.exceptions.IdentityPoolError` subclasses for a missing pool,
        a user pool the identity pool does not accept, or a role mapping that refuses the user.
        """
        return self._identity_credentials().get(identity_pool_id, role_arn=role_arn,
                                                custom_role_arn=custom_role_arn)

    def boto3_session(self, identity_pool_id: str, **kwargs: Any) -> Any:
        """A ``boto3.Session`` acting as the signed-in user, whose credentials renew
        themselves before they expire (renewing the user's tokens first when stale).

        ``role_arn``/``custom_role_arn`` as for :meth:`get_aws_credentials`; other keywords go
        to ``boto3.Session`` (``region_name`` defaults to the identity pool's region).
        Thread-safe: threads sharing the session share one renewal.
        """
        return self._identity_credentials().boto3_session(identity_pool_id, **kwargs)

    def _identity_credentials(self) -> IdentityPoolCredentials:
        """This instance's credentials source (made again after ``switch_session``)."""
        with _CREATION:
            made: Optional[tuple[Any, IdentityPoolCredentials]] = self.__dict__.get(
                "_identity_pools")
            if made is None or made[0] is not self._session:
                made = (self._session, IdentityPoolCredentials(
                    user_pool_id=self.user_pool_id, user_pool_region=self.user_pool_region,
                    id_token=self._id_token_steps, renew=self._renewed, session=self._session,
                    client_kwargs=self._client_kwargs))
                self.__dict__["_identity_pools"] = made
            return made[1]

    def _id_token_steps(self) -> IdentitySteps[str]:
        """The id token, the tokens renewed first (a :class:`Renewal` need) if they (or it)
        are about to expire: the decision both drivers follow."""
        life = self._lifecycle
        tokens = life.tokens
        if tokens is not None and tokens.refresh_token:
            if life.is_stale():
                tokens = yield Renewal()
            if id_token_stale(tokens.id_token, life.server_now()):
                tokens = yield Renewal(tokens.access_token)
        if tokens is None and self.id_token:
            return self.id_token  # given without an access token: used as it is
        if tokens is None or not tokens.id_token:
            raise MissingValueError(
                "AWS credentials need the user's id token: log in first or pass id_token=...",
                "id_token")
        return tokens.id_token

    def _renewed(self, need: Renewal) -> TokenSet:
        """The synchronous driver's renewal for the identity pool's steps (one for every
        thread that needs it at once)."""
        life = self._lifecycle
        with service_errors():
            if need.rejected is None:
                return life.valid_tokens()
            return life.renew_rejected(need.rejected)
