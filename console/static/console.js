// Clearance console: progressive enhancement only. Every page works without
// this file; with it, batch progress updates in place and the shipment form
// can grow rows for more items and parties.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Batch progress: poll the status URL and update the bar and the live
  // region (aria-live="polite" announces changes to screen readers). When the
  // job ends, reload so the server renders the results.
  document.querySelectorAll("[data-poll-url]").forEach(function (box) {
    var url = box.getAttribute("data-poll-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    // The no-JS fallback is a meta refresh; with JS we poll instead.
    var meta = document.querySelector('meta[http-equiv="refresh"]');
    if (meta) meta.parentNode.removeChild(meta);
    function tick() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
        .then(function (b) {
          if (bar && b.total > 0) { bar.max = b.total; bar.value = b.done; }
          if (text) text.textContent = b.status + ": " + b.done + " of " + b.total + " rows screened, " + b.hits + " with hits";
          if (b.status === "done" || b.status === "failed") { window.location.reload(); return; }
          setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 500);
  });

  // Print buttons (a determination is evidence: 15 CFR 762.2).
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });

  // "Add another" buttons clone the last row of a repeatable group, with
  // field names renumbered and values cleared.
  document.querySelectorAll("[data-add-row]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var group = document.getElementById(btn.getAttribute("data-add-row"));
      var rows = group.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      var n = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input, select, textarea, label, legend").forEach(function (el) {
        ["name", "id", "for"].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.replace(/\d+/, String(n)));
        });
        if (el.tagName === "LEGEND") el.textContent = el.textContent.replace(/\d+/, String(n + 1));
        if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") el.value = "";
        if (el.tagName === "SELECT") el.selectedIndex = 0;
      });
      last.parentNode.insertBefore(copy, last.nextSibling);
      var first = copy.querySelector("input, select");
      if (first) first.focus();
    });
  });
});
