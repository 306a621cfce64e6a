// hoctap console: a little progressive enhancement. Every form works
// without this file; with it, the scope picker searches as you type.
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
