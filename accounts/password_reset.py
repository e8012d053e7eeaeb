"""Password reset, rate-limited: at most PASSWORD_RESET_RATE requests ("5/hour") from one client address
(accounts.client_address) and for one email address, counted in the shared cache. Past the limit no
email is sent and the form says so; nothing reveals whether the address has an account."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache

from .client_address import client_address

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOO_MANY = "Too many password reset requests have come from here or for this email address. Try again in an hour."


def _rate() -> tuple[int, int]:
    count, _, period = str(getattr(settings, "PASSWORD_RESET_RATE", "5/hour")).partition("/")
    return int(count), PERIODS[(period or "h")[0]]


def _over_limit(key: str) -> bool:
    limit, seconds = _rate()
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=seconds)
        return False


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        by_address = _over_limit(f"exchange:password-reset:ip:{client_address(self.request)}")
        by_email = _over_limit(f"exchange:password-reset:email:{email}")
        if by_address or by_email:
            form.add_error(None, TOO_MANY)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
