"""What the test provider says about people, and the ways it can be made to lie (for the refusal tests).

Claims: email from the user's email; `email_verified` false when the user's last name is "Unverified".
Mischief (the file OIDC_TEST_MISCHIEF names one of these, or is empty):
- "tamper": the ID token's claims are changed after signing (someone else's email), the signature kept;
- "audience": a correctly signed ID token, issued for another client (aud "another-app").
"""

import json
import os

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.last_name != "Unverified",
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": f"{user.first_name} {user.last_name}".strip(),
        }


def mischief() -> str:
    path = os.environ.get("OIDC_TEST_MISCHIEF", "")
    if not path or not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read().strip()


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tampered(id_token: str) -> str:
    header, payload, signature = id_token.split(".")
    claims = json.loads(_unb64(payload))
    claims["email"] = "head@another-trust.example"
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def for_another_audience(id_token: str) -> str:
    key = jwk.JWK.from_pem(os.environ["OIDC_TEST_KEY"].encode())
    header, payload, _ = id_token.split(".")
    claims = json.loads(_unb64(payload))
    claims["aud"] = "another-app"
    token = jwt.JWT(header=json.loads(_unb64(header)), claims=claims)
    token.make_signed_token(key)
    return token.serialize()


class MischiefMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        mode = mischief()
        if mode and request.path == "/o/token/" and response.status_code == 200:
            body = json.loads(response.content)
            if "id_token" in body:
                body["id_token"] = (
                    tampered(body["id_token"]) if mode == "tamper" else for_another_audience(body["id_token"])
                )
                response.content = json.dumps(body).encode()
                response["Content-Length"] = str(len(response.content))
        return response
