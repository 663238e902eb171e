"""``cognito_to_dict`` / ``dict_to_cognito`` (pure functions)."""

from __future__ import annotations

import copy

import pytest

from pycognito import WarrantException, cognito_to_dict, dict_to_cognito


def test_cognito_to_dict_converts_bools_and_maps_names() -> None:
    attrs = [
        {"Name": "given_name", "Value": "Ann"},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "custom:flag", "Value": "false"},
        {"Name": "note", "Value": "True"},
    ]
    before = copy.deepcopy(attrs)
    got = cognito_to_dict(attrs, {"given_name": "first_name"})
    assert got == {
        "first_name": "Ann", "email_verified": True, "custom:flag": False, "note": "True"
    }
    assert attrs == before
    assert cognito_to_dict(None) == {}


def test_dict_to_cognito_does_not_mutate_and_stringifies() -> None:
    attrs = {"first_name": "Ann", "age": 42, "flag": True, "off": False, "ratio": 1.5, "x": None}
    before = dict(attrs)
    got = dict_to_cognito(attrs, {"given_name": "first_name"})
    assert attrs == before
    assert got == [
        {"Name": "given_name", "Value": "Ann"},
        {"Name": "age", "Value": "42"},
        {"Name": "flag", "Value": "true"},
        {"Name": "off", "Value": "false"},
        {"Name": "ratio", "Value": "1.5"},
        {"Name": "x", "Value": ""},
    ]


def test_round_trip_through_the_map() -> None:
    amap = {"given_name": "first_name", "family_name": "last_name"}
    attrs = {"first_name": "Ann", "last_name": "Lee", "email": "a@example.com"}
    assert cognito_to_dict(dict_to_cognito(attrs, amap), amap) == attrs


@pytest.mark.parametrize("bad", [["not", "a", "dict"], "text", 3])
def test_dict_to_cognito_rejects_non_mappings(bad: object) -> None:
    with pytest.raises(TypeError) as info:
        dict_to_cognito(bad)  # type: ignore[arg-type]
    assert isinstance(info.value, WarrantException)


def test_dict_to_cognito_rejects_unconvertible_values() -> None:
    with pytest.raises(TypeError, match="'tags'"):
        dict_to_cognito({"tags": ["a", "b"]})
