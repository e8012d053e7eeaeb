"""Hostile query strings on the API: refused as a 400 whose body is an object of messages (as the
schema documents), never a bare list and never a 500."""

import pytest


@pytest.mark.parametrize("resource", ["awards", "projects", "indicators", "updates", "payments", "organisations"])
@pytest.mark.parametrize("search", ["\x00", "peer\x00review", "%00"])
def test_a_nul_in_a_search_is_a_400_with_an_object_body(client, world, resource, search):
    client.force_login(world.manager)
    response = client.get(f"/api/v1/{resource}/", {"search": search})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert isinstance(response.json(), dict)
