"""The guards' rules without a server: the bounded header parser, the settings, the sentence."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)

from workbench.serving import guards


def _reply_with_buffer() -> dict:
    """A widget message from the kernel carrying a binary buffer (any page with an image)."""
    msg = Session().msg("comm_msg", {"comm_id": "c1", "data": {"method": "update"}})
    msg["channel"] = "iopub"
    msg["buffers"] = [b"\x89PNG" + bytes(200)]
    return msg


def test_v1_binary_message_header_is_read():
    msg = _reply_with_buffer()
    pack = Session().pack
    wire = serialize_msg_to_ws_v1([pack(msg[k]) for k in
                                   ("header", "parent_header", "metadata", "content")] + msg["buffers"], "iopub")
    assert guards.binary_header(wire)["msg_type"] == "comm_msg"


def test_legacy_binary_message_is_not_parsed_as_v1():
    """The legacy layout read as v1: its first 8 bytes make a count in the billions (Voila's
    parser built a list that long); the bounded parser returns None at once."""
    wire = serialize_binary_message(_reply_with_buffer())
    assert int.from_bytes(wire[:8], "little") > 10 ** 9
    started = time.perf_counter()
    assert guards.binary_header(wire) is None
    assert time.perf_counter() - started < 0.05


@given(st.binary(max_size=400))
def test_any_bytes_parse_quickly_to_a_dict_or_none(data):
    started = time.perf_counter()
    assert guards.binary_header(data) is None or isinstance(guards.binary_header(data), dict)
    assert time.perf_counter() - started < 0.05


@given(st.integers(min_value=0, max_value=2 ** 64 - 1), st.binary(max_size=64))
def test_a_huge_offset_count_is_refused(count, rest):
    assert guards.binary_header(count.to_bytes(8, "little") + rest) is None or count <= 9


@pytest.mark.parametrize("env, expected", [
    ({}, guards.Limits()),
    ({"WORKBENCH_MAX_PAGES": "2"}, guards.Limits(max_pages=2)),
    ({"WORKBENCH_DEAD_TAB_MINUTES": "0.5", "WORKBENCH_KERNEL_MEMORY_MB": "0"},
     guards.Limits(dead_tab_minutes=0.5, kernel_memory_mb=0)),
    ({"WORKBENCH_WS_MAX_MESSAGE_KB": " 64 ", "WORKBENCH_KERNEL_ADDRESS_SPACE_MB": ""},
     guards.Limits(max_message_kb=64)),
])
def test_limits_from_the_environment(env, expected):
    assert guards.Limits.from_env(env) == expected


@pytest.mark.parametrize("env, words", [
    ({"WORKBENCH_MAX_PAGES": "four"}, "WORKBENCH_MAX_PAGES='four' is not a number"),
    ({"WORKBENCH_MAX_PAGES": "0"}, "out of range"),
    ({"WORKBENCH_KERNEL_MEMORY_MB": "-1"}, "out of range"),
    ({"WORKBENCH_DEAD_TAB_MINUTES": "1.5.2"}, "not a number"),
])
def test_bad_limits_are_refused_with_a_sentence(env, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        guards.Limits.from_env(env)


def test_the_sentence_names_the_tab_used_least_recently(monkeypatch):
    now = 10_000.0
    monkeypatch.setattr(guards, "STARTED", {"a": now - 1800, "b": now - 600, "c": now - 60})
    monkeypatch.setattr(guards, "LAST_USED", {"a": now - 30, "b": now - 420, "c": now - 5})
    text = guards.page_limit_sentence(3, ["a", "b", "c"], now)
    assert text.startswith("You already have 3 workbench pages open, the most one person may have")
    assert "opened 10 minutes ago, last used 7 minutes ago" in text
    assert text.endswith("Then reload this page.")
