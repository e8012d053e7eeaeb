"""Hostile query strings on the API: refused as a 400 whose body is an object of messages (as the
schema documents), never a bare list and never a 500."""

import pytest

RESOURCES = ["awards", "projects", "indicators", "updates", "payments", "organisations"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("search", ["\x00", "peer\x00review"])
def test_a_nul_in_a_search_is_a_400_with_an_object_body(client, world, resource, search):
    client.force_login(world.manager)
    response = client.get(f"/api/v1/{resource}/", {"search": search})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Null characters are not allowed."]}


def test_a_percent_sign_in_a_search_is_text_not_a_wildcard(client, world):
    """`%00` typed into a search box is three characters to look for (nothing matches), not a NUL and not
    a LIKE wildcard that would match every row."""
    client.force_login(world.manager)
    everything = client.get("/api/v1/organisations/")
    assert everything.status_code == 200 and everything.json()["count"] > 0
    response = client.get("/api/v1/organisations/", {"search": "%00"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
