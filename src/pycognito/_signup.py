"""Sign-up and account recovery.

Every call that needs a ``SECRET_HASH`` computes it from the username the call is about (the
argument, else ``username``). Passwords pass through; none is kept on the instance.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._attributes import dict_to_cognito
from ._auth import AuthMixin, _metadata, _text
from ._challenges import strip_metadata
from ._operations import Steps, access_token, call, operation


class SignUpMixin(AuthMixin):
    """``register``, confirmation, forgotten and changed passwords."""

    def set_base_attributes(self, **kwargs: Any) -> None:
        """Standard attributes for the next :meth:`register` (replaces earlier ones)."""
        self.base_attributes = dict(kwargs)

    def add_custom_attributes(self, **kwargs: Any) -> None:
        """Custom attributes for the next :meth:`register`, sent as ``custom:<name>``."""
        self.custom_attributes = {f"custom:{name}": value for name, value in kwargs.items()}

    @operation
    def register(
        self,
        username: str,
        password: str,
        attr_map: Optional[Mapping[str, str]] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> Steps[dict[str, Any]]:
        """Sign ``username`` up with the base and custom attributes set earlier; return
        Cognito's response (``UserConfirmed``, ``CodeDeliveryDetails``, ``UserSub``). The
        instance's ``username`` becomes ``username``."""
        username = _text(username, "username")
        attributes = {**self.base_attributes, **self.custom_attributes}
        response = yield call("sign_up",
            ClientId=self._need_client_id("register"),
            Username=username,
            Password=_text(password, "password"),
            UserAttributes=dict_to_cognito(attributes, attr_map),
            **self._secret_hash(username),
            **_metadata(client_metadata),
        )
        self.username = username
        return strip_metadata(response)

    @operation
    def confirm_sign_up(
        self, confirmation_code: str, username: Optional[str] = None
    ) -> Steps[None]:
        """Confirm the account with the code sent by e-mail or SMS."""
        name = self._need_username(username, what="confirm_sign_up")
        yield call("confirm_sign_up",
            ClientId=self._need_client_id("confirm_sign_up"),
            Username=name,
            ConfirmationCode=_text(confirmation_code, "confirmation_code"),
            **self._secret_hash(name),
        )

    @operation
    def resend_confirmation_code(self, username: Optional[str] = None) -> Steps[dict[str, Any]]:
        """Send the sign-up code again; return where it went (``CodeDeliveryDetails``)."""
        name = self._need_username(username, what="resend_confirmation_code")
        response = yield call("resend_confirmation_code",
            ClientId=self._need_client_id("resend_confirmation_code"),
            Username=name,
            **self._secret_hash(name),
        )
        return strip_metadata(response)

    @operation
    def admin_confirm_sign_up(self, username: Optional[str] = None) -> Steps[None]:
        """Confirm the user as an administrator."""
        name = self._need_username(username, what="admin_confirm_sign_up")
        yield call("admin_confirm_sign_up", UserPoolId=self.user_pool_id, Username=name)

    @operation
    def initiate_forgot_password(self) -> Steps[dict[str, Any]]:
        """Send ``username`` a code to reset the password; return where it went."""
        name = self._need_username(what="initiate_forgot_password")
        response = yield call("forgot_password",
            ClientId=self._need_client_id("initiate_forgot_password"),
            Username=name,
            **self._secret_hash(name),
        )
        return strip_metadata(response)

    @operation
    def confirm_forgot_password(self, confirmation_code: str, password: str) -> Steps[None]:
        """Set a new password for ``username`` with the reset code."""
        name = self._need_username(what="confirm_forgot_password")
        yield call("confirm_forgot_password",
            ClientId=self._need_client_id("confirm_forgot_password"),
            Username=name,
            ConfirmationCode=_text(confirmation_code, "confirmation_code"),
            Password=_text(password, "password"),
            **self._secret_hash(name),
        )

    @operation
    def change_password(self, previous_password: str, proposed_password: str) -> Steps[None]:
        """Change the logged-in user's password."""
        _text(previous_password, "previous_password")
        _text(proposed_password, "proposed_password")
        token = yield access_token("change_password")
        yield call("change_password",
            PreviousPassword=previous_password,
            ProposedPassword=proposed_password,
            AccessToken=token,
        )
