// hoctap console: a little progressive enhancement. Every form works
// without this file; with it, the scope picker searches as you type, an
// import's page follows its progress, and a button waits for its box.
(function () {
  "use strict";
  var box = document.querySelector("input[data-options]");
  var results = document.getElementById("scope-results");
  var button = document.getElementById("scope-search");
  if (!box || !results) return;
  var timer = null, last = box.value;
  function search() {
    var q = box.value.trim();
    if (q === last) return;
    last = q;
    if (q === "") { results.innerHTML = ""; return; }
    fetch(box.dataset.options + "?scopeQuery=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (box.value.trim() === q) results.innerHTML = html; })
      .catch(function () {});
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  // Enter in the search box searches, rather than submitting the form.
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && button) { e.preventDefault(); button.click(); }
  });
})();

// An import's page while a step runs: poll its progress, move the bar, and
// reload the page when the status changes (the server renders the report).
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var count = document.getElementById("import-count");
  var every = 1000;
  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { setTimeout(poll, 5 * every); return; }
        if (p.status !== box.dataset.status) { location.reload(); return; }
        if (p.rowsTotal) { bar.max = p.rowsTotal; bar.value = p.rowsDone; }
        if (count) count.textContent = p.text;
        setTimeout(poll, every);
      })
      .catch(function () { setTimeout(poll, 5 * every); });
  }
  setTimeout(poll, every);
})();

// A checkbox with data-enables="ID" enables the button ID only while it is
// ticked (the server refuses the form without it anyway).
(function () {
  "use strict";
  document.querySelectorAll("input[type=checkbox][data-enables]").forEach(function (box) {
    var button = document.getElementById(box.dataset.enables);
    if (!button) return;
    function sync() { button.disabled = !box.checked; }
    box.addEventListener("change", sync);
    sync();
  });
})();
