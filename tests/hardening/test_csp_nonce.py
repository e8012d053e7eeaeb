"""Finding 11: the content security policy's nonce must be the one the inline scripts carry."""

import re

from tests import factories as f


def _header_nonce(response) -> str:
    match = re.search(r"script-src[^;]*'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match.group(1)


def test_the_headers_nonce_is_the_inline_scripts_nonce(client, db):
    client.force_login(f.UserFactory())
    first = client.get("/")
    nonce = _header_nonce(first)
    scripts = re.findall(r'<script[^>]*nonce="([^"]*)"', first.content.decode())
    assert len(scripts) >= 2 and set(scripts) == {nonce}
    assert "'nonce'" not in first["Content-Security-Policy"]
    # A fresh nonce every response: one seen once cannot be reused.
    assert _header_nonce(client.get("/")) != nonce


def test_every_inline_script_carries_the_nonce(client, db):
    page = client.get("/accounts/login/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "nonce=" in tag or "src=" in tag, tag
