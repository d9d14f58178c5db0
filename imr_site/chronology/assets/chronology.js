/* Filters for the chronology table: source, contact type, key episodes only, a date range and
 * free text. Plain JavaScript, no libraries, nothing loaded from elsewhere. Each row's text is
 * read once; filtering only toggles the `hidden` attribute, so 10,000 rows stay responsive. */
(function () {
  "use strict";

  function fold(text) {
    // Case- and accent-insensitive: "Cafe" finds "Café".
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(block) {
    if (block.dataset.imrReady) return;
    var form = block.querySelector(".imr-chronology-filters");
    var count = block.querySelector(".imr-chronology-count");
    var table = block.querySelector(".imr-chronology-table");
    if (!form || !table) return;
    block.dataset.imrReady = "1";
    var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return {
        tr: tr,
        text: fold(tr.textContent),
        agencies: (tr.dataset.agency || "").split("|"),
        source: tr.dataset.source || "",
        type: tr.dataset.type || "",
        key: tr.dataset.key === "1",
        from: tr.dataset.from || "",
        to: tr.dataset.to || ""
      };
    });
    var field = function (name) { return form.querySelector('[data-filter="' + name + '"]'); };
    var shown = count.querySelector("[data-count]");

    function apply() {
      // Only a review panel's chronology has an agency filter; a row of a confirmed group
      // belongs to each of its agencies.
      var agency = field("agency") ? field("agency").value : "";
      var source = field("source").value;
      var type = field("type").value;
      var keyOnly = field("key").checked;
      var from = field("from").value;
      var to = field("to").value;
      var words = fold(field("text").value).split(/\s+/).filter(Boolean);
      var n = 0;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var ok = (!agency || r.agencies.indexOf(agency) !== -1) &&
          (!source || r.source === source) && (!type || r.type === type) &&
          (!keyOnly || r.key);
        // An entry matches a date range if any day it covers is inside it (ISO dates compare
        // as text); entries without a readable date show only when no range is set.
        if (ok && from) ok = r.to !== "" && r.to >= from;
        if (ok && to) ok = r.from !== "" && r.from <= to;
        for (var w = 0; ok && w < words.length; w++) ok = r.text.indexOf(words[w]) !== -1;
        if (r.tr.hidden === ok) r.tr.hidden = !ok;
        if (ok) n++;
      }
      shown.textContent = String(n);
      block.classList.toggle("imr-filtered", n !== rows.length);
    }

    var timer = null;
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(apply, rows.length > 2000 ? 120 : 0);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    form.hidden = false;
    count.hidden = false;
  }

  function setUpAll() {
    var blocks = document.querySelectorAll("[data-imr-chronology]");
    for (var i = 0; i < blocks.length; i++) setUp(blocks[i]);
  }

  // Material's instant navigation swaps pages without reloading; document$ tells us when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
