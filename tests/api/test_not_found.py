"""An API address that matches no route answers JSON like every other API error; a page stays a page."""


def test_an_unmatched_api_address_is_a_json_404_and_a_page_an_html_one(client, world):
    client.force_login(world.manager)
    response = client.post("/api/v1/reports/award/-150/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/calls/-1/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
