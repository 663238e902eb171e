"""docs/cognito.md's "Sign-in flows" examples run as written against the local Cognito (the
pool, client and ``bob`` set up as the text says; ``input()`` answered as the user would)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from pycognito import Cognito
from pycognito.local import LocalCognito

from ..conftest import ALL_AUTH_FLOWS, DEFAULT_PASSWORD, PoolInfo, UserInfo
from ..lambda_handlers import quiz_pool

DOC = Path(__file__).resolve().parents[2] / "docs" / "cognito.md"


def section_blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n### Sign-in flows\n", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```python\n(.*?)\n```", section, re.S)


def run(block: str, pool: PoolInfo, answer: Callable[[str], str]) -> dict[str, Any]:
    """Execute ``block`` as the reader would, with the placeholders filled in."""
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return answer(prompt)

    namespace: dict[str, Any] = {
        "POOL_ID": pool.pool_id, "CLIENT_ID": pool.client_id, "input": ask,
        "Cognito": functools.partial(Cognito, boto3_client_kwargs=pool.boto3_client_kwargs()),
    }
    exec(block.replace('"bobs-password"', repr(DEFAULT_PASSWORD)), namespace)  # noqa: S102
    namespace["prompts"] = prompts
    return namespace


def test_the_section_has_its_two_examples() -> None:
    blocks = section_blocks()
    assert len(blocks) == 2
    assert "flow=\"USER_AUTH\"" in blocks[0] and "custom_authenticate" in blocks[1]


def test_choice_example_signs_in_with_an_emailed_code(
        local: LocalCognito, make_pool: Callable[..., PoolInfo],
        make_user: Callable[..., UserInfo], capsys: pytest.CaptureFixture[str]) -> None:
    pool = make_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"), pool_kwargs={
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}})
    make_user(pool, "bob")
    ran = run(section_blocks()[0], pool,
              lambda prompt: str(local.last_code(username="bob", kind="email_otp")))
    assert ran["prompts"] == ["Code sent by e-mail: "]
    assert ran["u"].access_claims["username"] == "bob"
    assert capsys.readouterr().out == "['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']\n"


def test_custom_example_answers_the_question(local: LocalCognito,
                                             make_pool: Callable[..., PoolInfo],
                                             make_user: Callable[..., UserInfo]) -> None:
    pool = quiz_pool(local, make_pool, "Colour of the sky?", "blue")
    make_user(pool, "bob")
    ran = run(section_blocks()[1], pool, lambda prompt: "blue")
    assert ran["prompts"] == ["Colour of the sky? "]
    assert ran["u"].access_claims["username"] == "bob"
    define = local.lambda_invocations(trigger_source="DefineAuthChallenge_Authentication")
    assert [s["challengeName"] for s in define[-1].event["request"]["session"]] == [
        "SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]
