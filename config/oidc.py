"""Single sign-on by OpenID Connect, read from the environment (accounts/sso.py, README "Personal data and
sign-in"): each provider is {"id", "name", "server_url", "client_id", "secret", "settings"}; the buttons appear
only for these. OIDC_PROVIDERS (JSON) lists any; OIDC_ENTRA_* and OIDC_GOOGLE_* add Microsoft Entra ID and Google
Workspace. Kept out of settings.py so that file stays a list of settings."""

import os


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def providers_from_environment() -> list[dict]:
    import json

    providers = json.loads(os.environ.get("OIDC_PROVIDERS", "") or "[]")
    if os.environ.get("OIDC_ENTRA_CLIENT_ID"):
        tenant = os.environ.get("OIDC_ENTRA_TENANT", "")
        if not tenant:
            raise RuntimeError("OIDC_ENTRA_TENANT (your directory's tenant id) is needed with OIDC_ENTRA_CLIENT_ID.")
        providers.append(
            {
                "id": "entra",
                "name": "Microsoft",
                "server_url": f"https://login.microsoftonline.com/{tenant}/v2.0",
                "client_id": os.environ["OIDC_ENTRA_CLIENT_ID"],
                "secret": os.environ.get("OIDC_ENTRA_SECRET", ""),
                # Entra ID sends no email_verified: name the domains your tenant owns to trust their addresses.
                "settings": {"verified_email": env_list("OIDC_ENTRA_VERIFIED_DOMAINS") or False},
            }
        )
    if os.environ.get("OIDC_GOOGLE_CLIENT_ID"):
        providers.append(
            {
                "id": "google",
                "name": "Google",
                "server_url": "https://accounts.google.com",
                "client_id": os.environ["OIDC_GOOGLE_CLIENT_ID"],
                "secret": os.environ.get("OIDC_GOOGLE_SECRET", ""),
            }
        )
    return providers


def oidc_apps(providers: list[dict]) -> dict:
    """OIDC_PROVIDERS as django-allauth's SOCIALACCOUNT_PROVIDERS (identity from the checked ID token only)."""
    apps = [
        {
            "provider_id": p["id"],
            "name": p["name"],
            "client_id": p["client_id"],
            "secret": p.get("secret", ""),
            "settings": {"server_url": p["server_url"], "fetch_userinfo": False, **p.get("settings", {})},
        }
        for p in providers
    ]
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}}
