// Siar: small helpers for every page (no framework, no third-party code).
// - Siar.api(): fetch the JSON API with the session cookie, the CSRF header and the page language.
// - <form data-api="/api/v1/..."> : send the form to the API, show the error, then go on.
// - [data-logout], [data-login]: sign out / sign in through /auth.
(function () {
  "use strict";

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return "";
  }

  function lang() { return document.documentElement.lang || "id"; }

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": cookie("siar_csrf"), "Accept-Language": lang(), "Accept": "application/json" };
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      var type = response.headers.get("content-type") || "";
      var parse = type.indexOf("json") >= 0 ? response.json() : Promise.resolve(null);
      return parse.then(function (data) {
        if (!response.ok) {
          var error = (data && data.error) || { message: response.statusText };
          var e = new Error(error.message || String(response.status));
          e.status = response.status; e.body = data; throw e;
        }
        return data;
      });
    });
  }

  function showError(form, message) {
    var box = form.querySelector("[data-error]");
    if (!box) { window.alert(message); return; }
    box.textContent = message;
    box.hidden = false;
    box.focus && box.setAttribute("tabindex", "-1");
    box.focus && box.focus();
  }

  // "0 09:00; 2 19:30" -> [{weekday: 0, at: "09:00"}, {weekday: 2, at: "19:30"}]
  function parseSlots(value) {
    return value.split(/[;\n]+/).map(function (part) { return part.trim(); }).filter(Boolean)
      .map(function (part) {
        var bits = part.split(/\s+/);
        var at = (bits[1] || "").replace(".", ":");
        if (/^\d:\d\d$/.test(at)) at = "0" + at;
        return { weekday: parseInt(bits[0], 10), at: at };
      });
  }

  function formBody(form) {
    var out = {};
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (key === "csrf_token" || value === "") return;
      var input = form.elements[key];
      var kind = input && input.dataset ? input.dataset.kind : null;
      if (kind === "int") value = parseInt(value, 10);
      if (kind === "bool") value = value === "true" || value === "on";
      if (kind === "json") value = JSON.parse(value);
      if (kind === "slots") value = parseSlots(value);
      out[key] = value;
    });
    // An emptied number field means "back to the default" (null), not "leave as is".
    Array.prototype.forEach.call(form.querySelectorAll("input[data-kind=int]"), function (input) {
      if (input.value === "") out[input.name] = null;
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[data-kind=slots]"), function (input) {
      if (input.value === "") out[input.name] = [];
    });
    return out;
  }

  function onApiForm(event) {
    var form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    var body;
    try {
      body = form.dataset.raw === "form" ? new FormData(form) : formBody(form);
    } catch (error) {
      showError(form, error.message);
      buttons.forEach(function (b) { b.disabled = false; });
      return;
    }
    api(form.dataset.method || "POST", form.dataset.api, body).then(function (data) {
      if (form.hasAttribute("data-result")) {
        var out = form.querySelector("[data-result-text]");
        var failed = data && data.ok === false;
        out.textContent = failed ? (data.error && data.error.message) || "!" : out.dataset.ok;
        out.className = failed ? "error-text" : "ok-text";
        buttons.forEach(function (b) { b.disabled = false; });
        return;
      }
      var next = form.dataset.next;
      if (next && data && data.id !== undefined) next = next.replace("{id}", data.id);
      if (next) window.location.assign(next); else window.location.reload();
    }).catch(function (error) {
      showError(form, error.message);
      buttons.forEach(function (b) { b.disabled = false; });
    });
  }

  function onLogin(event) {
    var form = event.target.closest("form[data-login]");
    if (!form) return;
    event.preventDefault();
    var body = { email: form.email.value, password: form.password.value };
    api("POST", "/auth/login", body).then(function () {
      window.location.assign(form.elements.next.value || "/");
    }).catch(function (error) { showError(form, error.message); });
  }

  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-login]")) onLogin(event); else onApiForm(event);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-logout]");
    if (!button) return;
    api("POST", "/auth/logout").catch(function () { return null; }).then(function () {
      window.location.assign("/login");
    });
  });

  // The main menu: folded on a phone, always open on a wide screen (CSS hides its toggle there).
  document.addEventListener("DOMContentLoaded", function () {
    var menu = document.getElementById("menu");
    var narrow = window.matchMedia("(max-width: 959px)");
    if (menu) {
      menu.open = !narrow.matches;
      narrow.addEventListener("change", function (event) { menu.open = !event.matches; });
    }
  });

  window.Siar = { api: api, cookie: cookie, lang: lang, showError: showError };
})();
