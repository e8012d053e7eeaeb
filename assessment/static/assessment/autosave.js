// Saves an application section as it is typed: a short pause after typing (or leaving a field) posts the
// same form the Save button posts, with autosave=1, and shows "Saved at HH:MM". Without JavaScript the
// buttons do the same. Our own static file, so the content security policy allows it without a nonce.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("saved-at");
  if (!form || !status || !window.fetch || !window.FormData) {
    return;
  }
  var PAUSE = 1500;
  var timer = null;
  var saving = false;
  var again = false;

  function show(text) {
    status.textContent = text;
  }

  function save() {
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    var data = new FormData(form);
    data.append("autosave", "1");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          show(body.saved ? "Saved at " + body.saved_at : "Not saved: " + body.error);
        });
      })
      .catch(function () {
        show("Not saved automatically. Use a Save button before you leave the page.");
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, PAUSE);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
