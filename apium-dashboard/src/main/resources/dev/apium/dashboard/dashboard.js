// Apium dashboard: live parts of a page are [data-live] elements whose HTML the server renders at
// the URL they name; each server-sent "change" event refetches them (one fetch at a time per
// element, the latest wins). Action buttons POST to the API with the session cookie and the
// X-Apium-Action header; a 401 sends the user to the login page.
(function () {
  "use strict";
  var busy = new WeakMap();
  var dirty = new WeakMap();

  function refresh(el) {
    if (busy.get(el)) { dirty.set(el, true); return; }
    busy.set(el, true);
    fetch(el.getAttribute("data-live"), { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { el.innerHTML = html; } })
      .catch(function () {})
      .then(function () {
        busy.set(el, false);
        if (dirty.get(el)) { dirty.set(el, false); refresh(el); }
      });
  }

  function refreshAll() {
    document.querySelectorAll("[data-live]:not([data-every])").forEach(refresh);
  }

  function flash(text, kind) {
    var f = document.getElementById("flash");
    f.className = kind || "";
    f.textContent = text;
  }

  function post(path) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Apium-Action": "1" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 401) {
          flash((body.error || "log in to use actions") + " ", "error");
          var a = document.createElement("a");
          a.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
          a.id = "flash-login";
          a.textContent = "Log in";
          document.getElementById("flash").appendChild(a);
        } else if (!r.ok) {
          flash(body.error || ("failed: HTTP " + r.status), "error");
        } else {
          flash((body.ok || "done") + " ", "ok");
          if (body.task_id) {
            var t = document.createElement("a");
            t.href = "/tasks/" + encodeURIComponent(body.task_id);
            t.id = "flash-task";
            t.textContent = "Open the new task";
            document.getElementById("flash").appendChild(t);
          }
          refreshAll();
        }
      });
    }).catch(function (e) { flash("failed: " + e, "error"); });
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-action]");
    if (!b) { return; }
    ev.preventDefault();
    var path = b.getAttribute("data-action");
    var confirmText = b.getAttribute("data-confirm");
    var typed = b.getAttribute("data-type-confirm");
    if (confirmText && !window.confirm(confirmText)) { return; }
    if (typed !== null) {
      var answer = window.prompt("Type the queue name \"" + typed + "\" to purge it:");
      if (answer === null) { return; }
      path += (path.indexOf("?") < 0 ? "?" : "&") + "confirm=" + encodeURIComponent(answer);
    }
    post(path);
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest("form[data-action]");
    if (!form) { return; }
    ev.preventDefault();
    var q = new URLSearchParams(new FormData(form)).toString();
    post(form.getAttribute("data-action") + "?" + q);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var dot = document.getElementById("live");
    if (window.EventSource) {
      var source = new EventSource("/api/stream");
      source.addEventListener("open", function () { dot.className = "live on"; });
      source.addEventListener("error", function () { dot.className = "live off"; });
      source.addEventListener("change", function (e) {
        dot.className = "live on";
        dot.setAttribute("data-version", JSON.parse(e.data).version);
        refreshAll();
      });
    }
    document.querySelectorAll("[data-live][data-every]").forEach(function (el) {
      setInterval(function () { refresh(el); }, parseInt(el.getAttribute("data-every"), 10));
    });
  });
})();
