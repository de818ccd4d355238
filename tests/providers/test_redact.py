"""Secrets out of provider messages, by value and by pattern."""

from __future__ import annotations

import pytest

from collective_bench.providers.redact import redact, register_secret, strip_userinfo


@pytest.mark.parametrize("text, secret", [
    ("you sent {'Authorization': 'Bearer sk-live-abcdef123456'}", "sk-live-abcdef123456"),
    ('headers={"authorization": "Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz"),
    ("Authorization: Bearer tok_9f8e7d6c5b4a", "tok_9f8e7d6c5b4a"),
    ("GET https://host/v1?api_key=abcdef123456&x=1", "abcdef123456"),
    ("cannot reach http://alice:hunter2hunter2@gw.example/v1", "hunter2hunter2"),
    ("x-api-key: 0123456789abcdef", "0123456789abcdef"),
])
def test_patterns_remove_secrets_we_never_saw(text, secret):
    out = redact(text)
    assert secret not in out and "***" in out


def test_registered_values_are_removed_wherever_they_appear():
    register_secret("plainvalue-8c7b6a")
    assert redact("the key plainvalue-8c7b6a was wrong") == "the key *** was wrong"
    register_secret("abc")  # too short to mask verbatim: ordinary words survive
    assert redact("abc def") == "abc def"


def test_ordinary_text_is_left_alone():
    text = "HTTP 404: no route POST /v1/missing (model textbook, 3 tokens)"
    assert redact(text) == text


def test_strip_userinfo():
    assert strip_userinfo("http://u:p@h:8/v1") == ("http://h:8/v1", "u:p")
    assert strip_userinfo("https://h/v1") == ("https://h/v1", None)
