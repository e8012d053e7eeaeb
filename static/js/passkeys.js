// After django-otp-webauthn's script has added a passkey (its "otp_webauthn.register_complete" event), show the
// second-factor page again, where the new passkey is listed. Loaded as a file: the CSP allows no inline script.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const answer = (event.detail && event.detail.response) || {};
  window.location.assign(answer.redirect_url || window.location.pathname);
});
