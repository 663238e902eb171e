"""``Cognito``: the published facade, assembled from one part per concern.

=================  ==============================================================
part               methods
=================  ==============================================================
``_core``          constructor, ``client``, ``switch_session``, ``user_pool_url``
``_verify``        ``verify_tokens``, ``verify_token``, ``get_keys``, ``get_key``
``_auth``          logins, every ``respond_to_*``, ``check_token``, ``logout``
``_signup``        ``register``, confirmation, forgotten/changed passwords
``_users``         profile, ``get_user(s)``, user administration
``_groups``        groups and membership
``_mfa``           TOTP set-up and MFA preferences
``_devices``       remembered devices
``_admin``         identity providers and app clients
``_identity``      AWS credentials from an identity pool (``get_aws_credentials``, ...)
=================  ==============================================================
"""

from __future__ import annotations

from typing import ClassVar

from ._admin import AdminMixin
from ._devices import DevicesMixin
from ._groups import GroupsMixin
from ._identity import IdentityMixin
from ._mfa import MFAMixin
from ._models import GroupObj, UserObj
from ._signup import SignUpMixin
from ._users import UsersMixin

__all__ = ["Cognito"]


class Cognito(SignUpMixin, MFAMixin, DevicesMixin, UsersMixin, GroupsMixin, AdminMixin,
              IdentityMixin):
    """An AWS Cognito user pool app client, and optionally one of its users.

    ``Cognito(user_pool_id, client_id, user_pool_region=None, username=None, id_token=None,
    refresh_token=None, access_token=None, client_secret=None, access_key=None,
    secret_key=None, session=None, botocore_config=None, boto3_client_kwargs=None, *,
    device_key=None, device_group_key=None, device_password=None)``

    Construction does no I/O: the boto3 client is created on first use and shared by every
    instance with the same session, region, endpoint and config. Tokens given to the
    constructor are trusted only after :meth:`verify_tokens`. Secrets (passwords, the client
    secret, tokens, the device password) never appear in ``repr`` or in log lines.
    """

    user_class: ClassVar[type[UserObj]] = UserObj
    group_class: ClassVar[type[GroupObj]] = GroupObj
