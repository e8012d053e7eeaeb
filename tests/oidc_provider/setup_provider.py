"""Migrate the test provider's database and add its people and the Exchange client (run in its process)."""

import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402

call_command("migrate", verbosity=0)
client_id, secret, redirect_uri = sys.argv[1:4]
User = get_user_model()
PEOPLE = [
    ("teacher", "Priya", "Shah", "priya.shah@summit.example"),  # an Exchange account has this address
    ("newhead", "Tomasz", "Nowak", "tomasz.nowak@summit.example"),  # new, from Summit's registered domain
    ("stranger", "Sam", "Stone", "sam.stone@elsewhere.example"),  # new, from a domain nobody registered
    ("unsure", "Uma", "Unverified", "priya.shah@summit.example"),  # claims Priya's address, not verified
]
for username, first, last, email in PEOPLE:
    User.objects.create_user(username, email, "directory-pass", first_name=first, last_name=last)
Application = get_application_model()
Application.objects.create(
    name="Exchange",
    client_id=client_id,
    client_secret=secret,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=redirect_uri,
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
print("ready")
