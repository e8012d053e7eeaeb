"""Tokens (create, use, revoke), session sign-in, and throttling of sign-in attempts and writes."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"


def test_token_is_issued_used_and_revoked(world):
    world.partner.set_password("correct horse battery")
    world.partner.save()
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": "partner", "password": "correct horse battery"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=world.partner).key == token
    again = client.post(TOKEN_URL, {"username": "partner", "password": "correct horse battery"}, format="json")
    assert again.json()["token"] == token  # one token per user until revoked

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/awards/").status_code == 200
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=world.partner).exists()
    response = client.get("/api/v1/awards/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_password_gets_no_token(world):
    response = APIClient().post(TOKEN_URL, {"username": "partner", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(world):
    world.partner.set_password("correct horse battery")
    world.partner.is_active = False
    world.partner.save()
    response = APIClient().post(TOKEN_URL, {"username": "partner", "password": "correct horse battery"})
    assert response.status_code == 400


def test_revoking_needs_a_signed_in_user():
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_session_sign_in_works_and_writes_need_csrf(world, sides):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.manager)
    assert client.get("/api/v1/projects/").status_code == 200
    response = client.post(f"/api/v1/awards/{sides[0].award.pk}/start_assessment/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_sign_in_attempts_are_throttled(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_auth": "3/minute", "api_write": "1000/minute"},
    }
    client = APIClient()
    codes = [client.post(TOKEN_URL, {"username": "partner", "password": "guess"}).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]


def test_writes_are_throttled_per_user_and_reads_are_not(api, world, sides, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_auth": "100/minute", "api_write": "2/minute"},
    }
    client = api(world.manager)
    url = f"/api/v1/awards/{sides[0].award.pk}/"
    codes = [client.patch(url, {"title": f"Title {i}"}, format="json").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert "Retry-After" in client.patch(url, {"title": "x"}, format="json")
    assert all(client.get(url).status_code == 200 for _ in range(5))
    assert api(world.second_manager).patch(url, {"title": "Other manager"}, format="json").status_code == 200
