"""Value encoding (pure logic): Python values <-> Firestore REST `Value`s."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from firebrick_testing import GeoPoint, Reference, decode_fields, decode_value, encode_fields, encode_value
from firebrick_testing.values import documents_root, field_path, leaf_paths, parse_timestamp

ROOT = documents_root("demo-p")


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (None, {"nullValue": None}),
        (True, {"booleanValue": True}),
        (0, {"integerValue": "0"}),
        (-(2**63), {"integerValue": str(-(2**63))}),
        (1.5, {"doubleValue": 1.5}),
        ("", {"stringValue": ""}),
        (b"\x00\xff", {"bytesValue": "AP8="}),
        (datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC), {"timestampValue": "2024-01-02T03:04:05.000006Z"}),
        (
            {"a": [1, "x"]},
            {"mapValue": {"fields": {"a": {"arrayValue": {"values": [{"integerValue": "1"}, {"stringValue": "x"}]}}}}},
        ),
        ([], {"arrayValue": {"values": []}}),
        (Reference("notes/n1"), {"referenceValue": f"{ROOT}/notes/n1"}),
        (GeoPoint(1.5, -2.0), {"geoPointValue": {"latitude": 1.5, "longitude": -2.0}}),
    ],
)
def test_values_round_trip(value: Any, encoded: dict[str, Any]) -> None:
    assert encode_value(value, ROOT) == encoded
    assert decode_value(encoded) == value


def test_bool_is_not_encoded_as_an_integer() -> None:
    # bool is an int subclass: checked first, or True would become integerValue "1".
    assert encode_value(False) == {"booleanValue": False}


def test_naive_datetime_is_utc_and_offsets_are_normalised() -> None:
    naive = datetime(2024, 5, 6, 7, 8, 9)
    assert encode_value(naive) == {"timestampValue": "2024-05-06T07:08:09.000000Z"}
    plus_two = datetime(2024, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert encode_value(plus_two) == encode_value(naive)


def test_nanosecond_timestamps_decode_to_microseconds() -> None:
    assert parse_timestamp("2024-01-02T03:04:05.123456789Z") == datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert parse_timestamp("2024-01-02T03:04:05Z") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_timestamp("2024-01-02T03:04:05.1Z").microsecond == 100000


def test_special_doubles_use_their_json_names() -> None:
    assert encode_value(math.inf) == {"doubleValue": "Infinity"}
    assert encode_value(-math.inf) == {"doubleValue": "-Infinity"}
    assert encode_value(math.nan) == {"doubleValue": "NaN"}
    assert math.isnan(decode_value({"doubleValue": "NaN"}))


def test_out_of_range_integers_and_unknown_types_are_refused() -> None:
    with pytest.raises(OverflowError):
        encode_value(2**63)
    with pytest.raises(TypeError, match="cannot encode set"):
        encode_value({1, 2})
    with pytest.raises(TypeError, match="field names are strings"):
        encode_fields({1: "x"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="documents root"):
        encode_value(Reference("a/b"))


def test_firestore_client_types_are_encoded_without_importing_them_here() -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    client = firestore.Client(project="demo-p", credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    encoded = encode_fields({"ref": client.document("a/b"), "geo": firestore.GeoPoint(3.0, 4.0)}, ROOT)
    assert encoded == {
        "ref": {"referenceValue": f"{ROOT}/a/b"},
        "geo": {"geoPointValue": {"latitude": 3.0, "longitude": 4.0}},
    }


def test_decode_fields_reads_an_empty_document_and_empty_containers() -> None:
    assert decode_fields({"name": "x"}) == {}
    assert decode_fields({"fields": {"m": {"mapValue": {}}, "a": {"arrayValue": {}}}}) == {"m": {}, "a": []}


def test_field_paths_quote_what_is_not_a_simple_name() -> None:
    assert field_path(["a", "b_2"]) == "a.b_2"
    assert field_path(["with space", "1st", "back`tick"]) == "`with space`.`1st`.`back\\`tick`"
    assert leaf_paths({"a": {"b": 1, "c": {}}, "d": 2}) == ["a.b", "a.c", "d"]
