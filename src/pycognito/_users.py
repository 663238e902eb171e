"""The user's profile, user objects and administration of users.

``admin_*`` methods that act on one user take that user's name and default to ``username``.
Lists follow every page.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._attributes import dict_to_cognito
from ._auth import _metadata, _text
from ._challenges import strip_metadata
from ._core import CognitoBase
from ._models import UserObj
from ._operations import Steps, access_token, call, operation
from .exceptions import InvalidTypeError

_SELF_METADATA = {
    "PreferredMfaSetting": "preferred_mfa_setting",
    "UserMFASettingList": "user_mfa_setting_list",
    "MFAOptions": "mfa_options",
}
_ADMIN_METADATA = {
    "UserStatus": "user_status",
    "Enabled": "enabled",
    "UserCreateDate": "user_create_date",
    "UserLastModifiedDate": "user_last_modified_date",
    **_SELF_METADATA,
}


def _metadata_of(record: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    data = {"username": record.get("Username")}
    for theirs, mine in fields.items():
        if theirs in record:
            data[mine] = record[theirs]
    return data


class UsersMixin(CognitoBase):
    """Profile (as the user) and user administration."""

    #: Whom the user objects are built for (their ``cognito_obj``, whose ``user_class`` they
    #: are): this instance, unless it is the state of an ``AsyncCognito`` (set to that).
    _users_facade: Any = None

    # -- the logged-in user -----------------------------------------------------------------

    @operation
    def update_profile(
        self, attrs: Mapping[str, Any], attr_map: Optional[Mapping[str, str]] = None
    ) -> Steps[dict[str, Any]]:
        """Update the logged-in user's attributes; return Cognito's response (codes sent for
        changed e-mail/phone in ``CodeDeliveryDetailsList``)."""
        attributes = dict_to_cognito(attrs, attr_map)
        token = yield access_token("update_profile")
        response = yield call("update_user_attributes",
            UserAttributes=attributes, AccessToken=token
        )
        return strip_metadata(response)

    @operation
    def send_verification(self, attribute: str = "email") -> Steps[dict[str, Any]]:
        """Send a verification code for ``email`` or ``phone_number``; return where it went."""
        token = yield access_token("send_verification")
        response = yield call("get_user_attribute_verification_code",
            AccessToken=token, AttributeName=_text(attribute, "attribute")
        )
        return strip_metadata(response)

    @operation
    def validate_verification(
        self, confirmation_code: str, attribute: str = "email"
    ) -> Steps[None]:
        """Confirm the attribute with the code :meth:`send_verification` sent."""
        token = yield access_token("validate_verification")
        yield call("verify_user_attribute",
            AccessToken=token,
            AttributeName=_text(attribute, "attribute"),
            Code=_text(confirmation_code, "confirmation_code"),
        )

    @operation
    def get_user(self, attr_map: Optional[Mapping[str, str]] = None) -> Steps[UserObj]:
        """The logged-in user (GetUser) as ``user_class``, named as Cognito names it."""
        token = yield access_token("get_user")
        user = yield call("get_user", AccessToken=token)
        return self.get_user_obj(
            username=user.get("Username"),
            attribute_list=user.get("UserAttributes"),
            metadata=_metadata_of(user, _SELF_METADATA),
            attr_map=attr_map,
        )

    @operation
    def delete_user(self) -> Steps[None]:
        """Delete the logged-in user, then forget the tokens."""
        token = yield access_token("delete_user")
        yield call("delete_user", AccessToken=token)
        self._clear_tokens()

    def get_user_obj(
        self,
        username: Optional[str] = None,
        attribute_list: Optional[list[dict[str, Any]]] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        attr_map: Optional[Mapping[str, str]] = None,
    ) -> UserObj:
        """Build a ``user_class`` from a Cognito attribute list (no call to Cognito)."""
        facade = self if self._users_facade is None else self._users_facade
        user: UserObj = facade.user_class(
            username=username if username is not None else self.username,
            attribute_list=attribute_list or [],
            cognito_obj=facade,
            metadata=metadata,
            attr_map=attr_map,
        )
        return user

    # -- administration ---------------------------------------------------------------------

    @operation
    def admin_get_user(
        self, attr_map: Optional[Mapping[str, str]] = None, username: Optional[str] = None
    ) -> Steps[UserObj]:
        """A user (default ``username``) as ``user_class``, read as administrator."""
        name = self._need_username(username, what="admin_get_user")
        user = yield call("admin_get_user", UserPoolId=self.user_pool_id, Username=name)
        return self.get_user_obj(
            username=user.get("Username"),
            attribute_list=user.get("UserAttributes"),
            metadata=_metadata_of(user, _ADMIN_METADATA),
            attr_map=attr_map,
        )

    @operation
    def get_users(
        self, attr_map: Optional[Mapping[str, str]] = None, *, filter: Optional[str] = None
    ) -> Steps[list[UserObj]]:
        """Every user of the pool (all pages), optionally matching a ListUsers ``filter``
        such as ``'email = "bob@example.com"'`` or ``'status = "Enabled"'``."""
        if filter is not None and not isinstance(filter, str):
            raise InvalidTypeError("filter must be a string such as 'email = \"a@b.c\"'")
        kwargs: dict[str, Any] = {"UserPoolId": self.user_pool_id}
        if filter:
            kwargs["Filter"] = filter
        users: list[UserObj] = []
        while True:
            page = yield call("list_users", **kwargs)
            users.extend(
                self.get_user_obj(
                    username=user.get("Username"),
                    attribute_list=user.get("Attributes"),
                    metadata=_metadata_of(user, _ADMIN_METADATA),
                    attr_map=attr_map,
                )
                for user in page.get("Users", [])
            )
            token = page.get("PaginationToken")
            if not token:
                return users
            kwargs["PaginationToken"] = token

    @operation
    def admin_update_profile(
        self,
        attrs: Mapping[str, Any],
        attr_map: Optional[Mapping[str, str]] = None,
        username: Optional[str] = None,
    ) -> Steps[None]:
        """Update a user's attributes (default ``username``) as administrator."""
        name = self._need_username(username, what="admin_update_profile")
        yield call("admin_update_user_attributes",
            UserPoolId=self.user_pool_id,
            Username=name,
            UserAttributes=dict_to_cognito(attrs, attr_map),
        )

    @operation
    def admin_delete_user(self, username: Optional[str] = None) -> Steps[None]:
        """Delete a user (default ``username``) as administrator."""
        name = self._need_username(username, what="admin_delete_user")
        yield call("admin_delete_user", UserPoolId=self.user_pool_id, Username=name)

    @operation
    def admin_create_user(
        self,
        /,
        username: str,
        temporary_password: str = "",
        additional_kwargs: Optional[Mapping[str, Any]] = None,
        attr_map: Optional[Mapping[str, str]] = None,
        **kwargs: Any,
    ) -> Steps[dict[str, Any]]:
        """Create a user with the attributes in ``kwargs``; return Cognito's response.

        ``temporary_password`` is sent only if given; ``additional_kwargs`` go to
        AdminCreateUser as they are (``MessageAction="SUPPRESS"``,
        ``DesiredDeliveryMediums``, ...).
        """
        extra: dict[str, Any] = dict(additional_kwargs or {})
        if temporary_password:
            extra["TemporaryPassword"] = _text(temporary_password, "temporary_password")
        response = yield call("admin_create_user",
            UserPoolId=self.user_pool_id,
            Username=_text(username, "username"),
            UserAttributes=dict_to_cognito(kwargs, attr_map),
            **extra,
        )
        return strip_metadata(response)

    @operation
    def admin_reset_password(
        self,
        username: Optional[str] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> Steps[None]:
        """Force a password reset for a user (default ``username``)."""
        name = self._need_username(username, what="admin_reset_password")
        yield call("admin_reset_user_password",
            UserPoolId=self.user_pool_id, Username=name, **_metadata(client_metadata)
        )

    @operation
    def admin_enable_user(self, username: Optional[str] = None) -> Steps[None]:
        """Enable a user (default ``username``)."""
        name = self._need_username(username, what="admin_enable_user")
        yield call("admin_enable_user", UserPoolId=self.user_pool_id, Username=name)

    @operation
    def admin_disable_user(self, username: Optional[str] = None) -> Steps[None]:
        """Disable a user (default ``username``): they can no longer log in."""
        name = self._need_username(username, what="admin_disable_user")
        yield call("admin_disable_user", UserPoolId=self.user_pool_id, Username=name)

    def _set_attributes(
        self, response: Mapping[str, Any], attribute_dict: Mapping[str, Any]
    ) -> None:
        """Set each item of ``attribute_dict`` as an attribute when ``response`` is an HTTP 200
        (the original's helper; its own test suite calls it)."""
        if (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") == 200:
            for name, value in attribute_dict.items():
                setattr(self, name, value)
