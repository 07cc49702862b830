// Filtering and sorting for the violations table. The filter state lives in the URL fragment
// (#kind=retention_exceeded&store=crm&q=invoice) so a filtered view can be bookmarked or sent,
// and so a headless browser can open the report already filtered. Fragments without "=" are
// ordinary in-page anchors (#item-3) and leave the filter alone.
(function () {
  "use strict";
  var table = document.getElementById("violations");
  var fields = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));

  function state() {
    var s = {};
    fields.forEach(function (el) { s[el.getAttribute("data-filter")] = el.value; });
    return s;
  }

  function apply() {
    if (!table) return;
    var s = state();
    var q = (s.q || "").toLowerCase();
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!s.kind || r.getAttribute("data-kind") === s.kind) &&
        (!s.store || r.getAttribute("data-store") === s.store) &&
        (!s.category || r.getAttribute("data-category") === s.category) &&
        (!q || r.textContent.toLowerCase().indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) shown++;
    }
    var count = document.getElementById("vcount");
    if (count) count.textContent = shown.toLocaleString("en") + " of " + rows.length.toLocaleString("en") + " rows shown";
  }

  function toHash() {
    var s = state();
    var parts = [];
    Object.keys(s).forEach(function (k) { if (s[k]) parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(s[k])); });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  function fromHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") === -1) return false;
    var params = new URLSearchParams(h);
    fields.forEach(function (el) {
      var v = params.get(el.getAttribute("data-filter")) || "";
      if (el.tagName === "SELECT" && v && !Array.prototype.some.call(el.options, function (o) { return o.value === v; })) {
        var opt = document.createElement("option");
        opt.value = v;
        opt.textContent = v;
        el.appendChild(opt);
      }
      el.value = v;
    });
    apply();
    if (table) table.scrollIntoView();
    return true;
  }

  fields.forEach(function (el) {
    el.addEventListener(el.tagName === "INPUT" ? "input" : "change", function () { apply(); toHash(); });
  });
  var clear = document.getElementById("f-clear");
  if (clear) clear.addEventListener("click", function () { fields.forEach(function (el) { el.value = ""; }); apply(); toHash(); });
  window.addEventListener("hashchange", fromHash);
  if (!fromHash()) apply();

  // Sorting: click a header; numbers sort as numbers, everything else as text.
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, col) {
      th.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(t.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(t.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent, y = b.cells[col].textContent;
          var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
          if (!isNaN(nx) && !isNaN(ny)) return dir * (nx - ny);
          return dir * x.localeCompare(y);
        });
        rows.forEach(function (r) { t.tBodies[0].appendChild(r); });
      });
    });
  });
})();
