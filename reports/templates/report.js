// The report's list of items: decoded from the compressed blocks (reports/embedded.py), filtered,
// sorted and shown a page at a time, so a scan with 100,000 violations opens in a second or two.
// Every value from the data is set with textContent, never as markup: file names are hostile.
// The filter lives in the URL fragment (#severity=high&store=crm&category=name&q=invoice), so a
// filtered view can be bookmarked or sent; fragments without "=" are ordinary anchors.
(function () {
  "use strict";
  var meta = JSON.parse(document.getElementById("scan-data").textContent);
  var L = meta.labels;
  var table = document.getElementById("items");
  var body = table.tBodies[0];
  var count = document.getElementById("vcount");
  var fields = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var D = null; // the rows block: items, violations and their dictionaries
  var E = null; // the evidence block, decoded after the first page is on screen
  var X = null; // per-item facts derived from D (worst severity, violation ranges, ...)
  var shown = []; // item indices passing the filter, in sort order
  var page = 0, size = 50, sortKey = "severity", sortDir = 1;
  var opened = {};
  var collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
  var CATS = Object.keys(L.category);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  // A path that may wrap after each "/" (a <wbr> between text nodes), never mid-name.
  function pathEl(tag, cls, text) {
    var e = el(tag, cls), parts = String(text || "").split("/");
    parts.forEach(function (p, n) {
      e.appendChild(document.createTextNode(p + (n < parts.length - 1 ? "/" : "")));
      if (n < parts.length - 1) e.appendChild(document.createElement("wbr"));
    });
    return e;
  }
  function fmt(n) { return Number(n).toLocaleString("en"); }
  function label(table, code) {
    var l = L[table][code];
    return l || String(code).replace(/_/g, " ").replace(/^./, function (c) { return c.toUpperCase(); });
  }

  function decode(id) {
    var bin = atob(document.getElementById(id).textContent.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  // Per-item facts the filters and sorts need, computed once.
  function derive() {
    var n = D.items.uri.length, v = D.violations, m = v.item.length;
    var start = new Int32Array(n).fill(-1), end = new Int32Array(n), worst = new Uint8Array(n).fill(9);
    var open = new Uint8Array(n), settledItem = new Uint8Array(n), settled = new Uint8Array(m);
    for (var k = 0; k < m; k++) {
      var i = v.item[k];
      if (start[i] < 0) start[i] = k;
      end[i] = k + 1;
      settled[k] = D.settled.indexOf(D.reviews[v.review[k]]) >= 0 ? 1 : 0;
      if (settled[k]) { settledItem[i] = 1; continue; }
      open[i] = 1;
      if (v.severity[k] < worst[i]) worst[i] = v.severity[k];
    }
    X = { n: n, start: start, end: end, worst: worst, open: open, settledItem: settledItem,
      settled: settled, hay: null };
  }

  function state() {
    var s = {};
    fields.forEach(function (f) { s[f.getAttribute("data-filter")] = f.value; });
    return s;
  }

  function haystack(i) {
    if (!X.hay) X.hay = [];
    if (X.hay[i] === undefined) {
      var parts = [D.items.name[i], D.items.uri[i], D.folders[D.items.folder[i]] || ""];
      for (var k = X.start[i]; k >= 0 && k < X.end[i]; k++) parts.push(D.violations.reason[k]);
      X.hay[i] = parts.join("\n").toLowerCase();
    }
    return X.hay[i];
  }

  // Which of an item's violations the "Show" choice looks at: those that count (open, expired,
  // changed), the decided ones (accepted, false positive), or all.
  function inView(k, show) {
    return show === "all" || (show === "settled" ? X.settled[k] === 1 : X.settled[k] === 0);
  }

  function matches(i, s) {
    var v = D.violations, has = X.start[i] >= 0;
    if (s.show === "" && !X.open[i]) return false;
    if (s.show === "settled" && !X.settledItem[i]) return false;
    if (s.severity && (!X.open[i] || D.severities[X.worst[i]] !== s.severity)) return false;
    if (s.store && D.stores[D.items.store[i]] !== s.store) return false;
    if (s.folder && D.folders[D.items.folder[i]] !== s.folder) return false;
    if (s.kind || s.category) {
      var ok = false;
      for (var k = X.start[i]; has && k < X.end[i] && !ok; k++) {
        ok = inView(k, s.show) && (!s.kind || D.kinds[v.kind[k]] === s.kind) &&
          (!s.category || D.categories[v.category[k]] === s.category);
      }
      if (!ok && !has && !s.kind) {
        ok = (D.foundSets[D.items.found[i]] || []).indexOf(s.category) >= 0;
      }
      if (!ok) return false;
    }
    return !s.q || haystack(i).indexOf(s.q.toLowerCase()) !== -1;
  }

  function sortValue(i) {
    if (sortKey === "name") return D.items.name[i];
    if (sortKey === "store") return D.storeNames[D.items.store[i]];
    if (sortKey === "findings") return D.items.findings[i];
    return i; // items arrive most severe first (then by violations, findings, uri)
  }

  function apply() {
    if (!D) return;
    var s = state(), out = [];
    for (var i = 0; i < X.n; i++) if (matches(i, s)) out.push(i);
    if (sortKey !== "severity") {
      var numeric = sortKey === "findings";
      out.sort(function (a, b) {
        var x = sortValue(a), y = sortValue(b);
        var c = numeric ? x - y : collator.compare(x, y);
        return sortDir * (c || a - b);
      });
    } else if (sortDir < 0) {
      out.reverse();
    }
    shown = out;
    page = 0;
    var chip = document.getElementById("folder-chip");
    chip.hidden = !s.folder;
    chip.querySelector("span").textContent = s.folder;
    render();
  }

  // Where the item is: its uri without its own name, so an archive member or an attachment
  // shows its container (".../backups/crm-2025.zip#crm/"), a plain file its folder.
  function where(i) {
    var uri = D.items.uri[i], name = D.items.name[i];
    if (name && uri.length > name.length && uri.slice(-name.length) === name) {
      return uri.slice(0, -name.length);
    }
    return D.folders[D.items.folder[i]];
  }

  function badge(sev, i) {
    var code = D.severities[sev];
    if (code) return el("span", "badge sev-" + code, label("severity", code));
    var decided = i !== undefined && X.settledItem[i];
    return el("span", "badge sev-none", decided ? "Decided" : "Within the notice");
  }

  function itemRow(i) {
    var tr = el("tr", "item-row");
    tr.setAttribute("data-item", i);
    tr.setAttribute("data-severity", D.severities[X.worst[i]] || "");
    var t = el("td", "toggle"), btn = el("button", "opener", opened[i] ? "▾" : "▸");
    btn.type = "button";
    btn.setAttribute("aria-expanded", opened[i] ? "true" : "false");
    btn.setAttribute("aria-label", "Open " + D.items.name[i]);
    t.appendChild(btn);
    tr.appendChild(t);
    var sev = el("td", "sev");
    sev.appendChild(badge(X.worst[i], i));
    tr.appendChild(sev);
    var item = el("td", "item");
    item.appendChild(el("div", "name", D.items.name[i]));
    item.appendChild(pathEl("div", "folder", where(i)));
    tr.appendChild(item);
    tr.appendChild(pathEl("td", "store", D.storeNames[D.items.store[i]]));
    var kinds = el("td", "kinds"), seen = {}, cats = {}, ents = {};
    var v = D.violations;
    for (var k = X.start[i]; k >= 0 && k < X.end[i]; k++) {
      var kind = D.kinds[v.kind[k]];
      if (!seen[kind]) { seen[kind] = 1; kinds.appendChild(el("div", null, label("kind", kind))); }
      var cat = D.categories[v.category[k]];
      cats[cat] = Math.max(cats[cat] || 0, v.count[k]);
      D.entities[v.entities[k]].forEach(function (e) { ents[e] = 1; });
    }
    tr.appendChild(kinds);
    var data = el("td", "data");
    var catList = Object.keys(cats);
    if (!catList.length) catList = (D.foundSets[D.items.found[i]] || []).slice();
    catList.sort(function (a, b) { return CATS.indexOf(a) - CATS.indexOf(b); }).forEach(function (c) {
      data.appendChild(el("span", "chip cat", label("category", c) + (cats[c] ? " · " + fmt(cats[c]) : "")));
    });
    var entList = Object.keys(ents).map(function (e) { return label("entity", e); });
    if (entList.length) data.appendChild(el("div", "entities", entList.join(", ")));
    tr.appendChild(data);
    tr.appendChild(el("td", "n", fmt(D.items.findings[i])));
    return tr;
  }

  // An item's violations grouped by rule: one line per category with its severity and reason
  // (each line is one violation, the element review states will attach to: issue 18), then the
  // notice's sentence the rule rests on and what to do, said once when they are the same.
  function violations(i) {
    var v = D.violations, box = el("div", "violations");
    for (var k = X.start[i]; k < X.end[i];) {
      var kind = D.kinds[v.kind[k]], group = el("section", "rule"), quotes = [], actions = [];
      group.appendChild(el("h4", null, label("kind", kind)));
      var ul = el("ul", "lines");
      for (; k < X.end[i] && D.kinds[v.kind[k]] === kind; k++) {
        var li = el("li", "violation sev-" + D.severities[v.severity[k]]);
        li.setAttribute("data-state", "open");
        li.setAttribute("data-kind", kind);
        li.setAttribute("data-category", D.categories[v.category[k]]);
        li.appendChild(badge(v.severity[k]));
        li.appendChild(el("strong", null, " " + label("category", D.categories[v.category[k]]) + ": "));
        li.appendChild(el("span", "reason", v.reason[k]));
        var state = D.reviews[v.review[k]] || "open";
        li.setAttribute("data-state", state);
        if (state !== "open") li.appendChild(reviewNote(k, state));
        ul.appendChild(li);
        if (quotes.indexOf(v.quote[k]) < 0) quotes.push(v.quote[k]);
        if (actions.indexOf(v.action[k]) < 0) actions.push(v.action[k]);
      }
      group.appendChild(ul);
      quotes.forEach(function (q) {
        var why = el("p", "why");
        why.appendChild(el("span", "lbl", "The notice says"));
        if (q >= 0) why.appendChild(el("q", null, D.quotes[q]));
        else why.appendChild(el("span", "muted", kind === "store_not_declared" ?
          "nothing: no store in the privacy notice covers this place." :
          "(no sentence of the notice is quoted for this store: add notice_quote to the config)"));
        group.appendChild(why);
      });
      actions.forEach(function (a) {
        var todo = el("p", "todo");
        todo.appendChild(el("span", "lbl", "What to do"));
        todo.appendChild(el("span", null, D.actions[a]));
        group.appendChild(todo);
      });
      box.appendChild(group);
    }
    return box;
  }

  // A reviewer's decision on a violation (noticescan review): what, by whom, why, until when.
  function reviewNote(k, state) {
    var v = D.violations, facts = [];
    function val(col) { var c = v[col][k]; return c >= 0 ? D[col + "_values"][c] : ""; }
    if (val("review_by")) facts.push("by " + val("review_by"));
    if (val("review_decided")) facts.push("on " + val("review_decided"));
    if (val("review_until")) facts.push("until " + val("review_until"));
    var p = el("p", "review review-" + state);
    p.appendChild(el("span", "lbl", label("review", state).replace(/^./, function (c) { return c.toUpperCase(); })));
    p.appendChild(el("span", null, facts.join(", ") + (val("review_why") ? ": " + val("review_why") : "")));
    return p;
  }

  function evidenceTable(i) {
    var box = el("div", "evidence-box");
    if (!E) { box.appendChild(el("p", "muted", "Loading the evidence…")); return box; }
    var r = E.range[i];
    if (!r) { box.appendChild(el("p", "muted", "No findings.")); return box; }
    var hasWhy = E.whys.length > 0;
    var t = el("table", "findings"), head = el("tr");
    ["Where", "Found", "Category", "Evidence (masked)", "Confidence", "Value fingerprint"]
      .concat(hasWhy ? ["Why"] : []).forEach(function (h) { head.appendChild(el("th", null, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var tb = el("tbody");
    for (var k = r[0]; k < r[1]; k++) {
      var tr = el("tr");
      tr.appendChild(el("td", null, E.locations[E.location[k]]));
      tr.appendChild(el("td", null, label("entity", E.entities[E.entity[k]])));
      tr.appendChild(el("td", null, label("category", E.categories[E.category[k]])));
      tr.appendChild(el("td", "evidence", E.evidence[k]));
      tr.appendChild(el("td", "n", Math.round(E.score[k] * 100) + "%"));
      tr.appendChild(el("td", "hash", E.hash[k]));
      if (hasWhy) tr.appendChild(el("td", null, E.why[k] >= 0 ? E.whys[E.why[k]] : ""));
      tb.appendChild(tr);
    }
    t.appendChild(tb);
    box.appendChild(t);
    var total = E.total[i];
    if (total) box.appendChild(el("p", "capped", (r[1] - r[0]) + " of " + fmt(total) +
      " findings shown (some of each category); all of them: noticescan query SCAN_DIR \"SELECT * FROM findings\"."));
    return box;
  }

  function detailRow(i) {
    var tr = el("tr", "detail");
    tr.setAttribute("data-detail", i);
    var td = el("td");
    td.colSpan = 7;
    if (X.start[i] >= 0) {
      td.appendChild(violations(i));
    } else {
      td.appendChild(el("p", "muted", "Within what the notice declares for this store."));
    }
    var dl = el("dl", "facts");
    [["Full location", D.items.uri[i]], ["Store", D.storeNames[D.items.store[i]]],
      ["Read", label("status", D.statuses[D.items.status[i]] || "ok")]].forEach(function (f) {
      dl.appendChild(el("dt", null, f[0]));
      dl.appendChild(pathEl("dd", null, f[1]));
    });
    td.appendChild(dl);
    td.appendChild(evidenceTable(i));
    tr.appendChild(td);
    return tr;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(page, pages - 1);
    var frag = document.createDocumentFragment();
    var first = page * size, last = Math.min(shown.length, first + size);
    for (var p = first; p < last; p++) {
      var i = shown[p];
      frag.appendChild(itemRow(i));
      if (opened[i]) frag.appendChild(detailRow(i));
    }
    body.textContent = "";
    body.appendChild(frag);
    var total = X.n, withV = meta.figures.violation_items || 0;
    count.textContent = shown.length ? "Items " + fmt(first + 1) + "–" + fmt(last) + " of " + fmt(shown.length) +
      " matching" + (shown.length < total ? " (" + fmt(withV) + " items beyond the notice in all)" : "") :
      "No item matches the filter.";
    document.getElementById("page-info").textContent = "Page " + fmt(page + 1) + " of " + fmt(pages);
    document.getElementById("print-note").textContent = "Printed: items " + fmt(first + 1) + "–" + fmt(last) +
      " of the " + fmt(shown.length) + " matching the filter. The full list is in the CSV download and in noticescan export.";
    Array.prototype.forEach.call(document.querySelectorAll("#pager button"), function (b) {
      var to = b.getAttribute("data-page");
      b.disabled = (to === "first" || to === "prev") ? page === 0 : page >= pages - 1;
    });
  }

  function toggle(i) {
    if (opened[i]) delete opened[i]; else opened[i] = true;
    render();
  }

  function toHash() {
    var s = state(), parts = [];
    Object.keys(s).forEach(function (k) { if (s[k]) parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(s[k])); });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  function setFilters(values, scroll) {
    fields.forEach(function (f) {
      var v = values[f.getAttribute("data-filter")] || "";
      if (f.tagName === "SELECT" && v && !Array.prototype.some.call(f.options, function (o) { return o.value === v; })) {
        f.appendChild(new Option(v, v));
      }
      f.value = v;
    });
    apply();
    toHash();
    if (scroll) document.getElementById("s-violations").scrollIntoView();
  }

  function fromHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") === -1) return false;
    var params = new URLSearchParams(h), values = {};
    fields.forEach(function (f) { values[f.getAttribute("data-filter")] = params.get(f.getAttribute("data-filter")) || ""; });
    setFilters(values, true);
    return true;
  }

  // CSV of everything the filter matches (not only this page), columns as `noticescan export`.
  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // a file named "=HYPERLINK(...)" stays text
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function violationRecord(i, k) {
    var v = D.violations;
    var out = {
      severity: D.severities[v.severity[k]], kind: D.kinds[v.kind[k]], category: D.categories[v.category[k]],
      item_uri: D.items.uri[i], item_name: D.items.name[i], folder: D.folders[D.items.folder[i]],
      store: D.stores[D.items.store[i]], store_name: D.storeNames[D.items.store[i]],
      entity_types: D.entities[v.entities[k]].join(", "), finding_count: v.count[k], reason: v.reason[k],
      action: D.actions[v.action[k]], notice_quote: v.quote[k] >= 0 ? D.quotes[v.quote[k]] : "",
      review: D.reviews[v.review[k]] || "open"
    };
    ["review_by", "review_why", "review_until"].forEach(function (col) {
      out[col] = v[col][k] >= 0 ? D[col + "_values"][v[col][k]] : "";
    });
    return out;
  }
  function itemRecord(i) {
    var v = D.violations, kinds = {}, cats = {}, ents = {}, n = 0;
    for (var k = X.start[i]; k >= 0 && k < X.end[i]; k++) {
      if (X.settled[k]) continue; // the items table lists violations that count, as the export
      n++;
      kinds[D.kinds[v.kind[k]]] = 1;
      cats[D.categories[v.category[k]]] = 1;
      D.entities[v.entities[k]].forEach(function (e) { ents[e] = 1; });
    }
    return {
      severity: D.severities[X.worst[i]] || "", item_uri: D.items.uri[i], item_name: D.items.name[i],
      folder: D.folders[D.items.folder[i]], store: D.stores[D.items.store[i]],
      store_name: D.storeNames[D.items.store[i]], violations: n, kinds: Object.keys(kinds).sort().join(", "),
      categories: Object.keys(cats).sort().join(", "), entity_types: Object.keys(ents).sort().join(", "),
      findings: D.items.findings[i]
    };
  }
  function download(which) {
    var cols = meta.columns[which], lines = [cols.join(",")];
    shown.forEach(function (i) {
      if (which === "items") {
        var r = itemRecord(i);
        lines.push(cols.map(function (c) { return csvCell(r[c]); }).join(","));
      } else {
        for (var k = X.start[i]; k >= 0 && k < X.end[i]; k++) {
          if (!inView(k, state().show)) continue;
          var rec = violationRecord(i, k);
          lines.push(cols.map(function (c) { return csvCell(rec[c]); }).join(","));
        }
      }
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "noticescan-" + (meta.scan.scan_id || "scan") + "-" + which + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function wire() {
    fields.forEach(function (f) {
      f.addEventListener(f.tagName === "INPUT" ? "input" : "change", function () { apply(); toHash(); });
    });
    document.getElementById("f-clear").addEventListener("click", function () { setFilters({}, false); });
    document.querySelector("#folder-chip button").addEventListener("click", function () {
      var s = state(); s.folder = ""; setFilters(s, false);
    });
    document.addEventListener("click", function (ev) {
      var t = ev.target.closest ? ev.target.closest("button") : null;
      if (!t) return;
      if (t.classList.contains("cellbtn")) {
        setFilters({ store: t.getAttribute("data-store"), category: t.getAttribute("data-category") }, true);
      } else if (t.hasAttribute("data-folder")) {
        setFilters({ folder: t.getAttribute("data-folder") }, true);
      } else if (t.classList.contains("opener")) {
        toggle(Number(t.closest("tr").getAttribute("data-item")));
      }
    });
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
      th.tabIndex = 0;
      function sortBy() {
        var key = th.getAttribute("data-sort");
        sortDir = key === sortKey ? -sortDir : 1;
        sortKey = key;
        Array.prototype.forEach.call(table.tHead.querySelectorAll("th"), function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        apply();
      }
      th.addEventListener("click", sortBy);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(); });
    });
    document.getElementById("pager").addEventListener("click", function (ev) {
      var to = ev.target.getAttribute && ev.target.getAttribute("data-page");
      if (!to) return;
      var pages = Math.max(1, Math.ceil(shown.length / size));
      page = to === "first" ? 0 : to === "prev" ? page - 1 : to === "next" ? page + 1 : pages - 1;
      page = Math.max(0, Math.min(page, pages - 1));
      render();
    });
    document.getElementById("page-size").addEventListener("change", function (ev) {
      size = Number(ev.target.value);
      render();
    });
    document.getElementById("dl-violations").addEventListener("click", function () { download("violations"); });
    document.getElementById("dl-items").addEventListener("click", function () { download("items"); });
    window.addEventListener("hashchange", fromHash);
    // Printing: this page of the list with every row open, and every folded list unfolded.
    var before = null;
    window.addEventListener("beforeprint", function () {
      before = { opened: opened, details: [] };
      opened = {};
      shown.slice(page * size, page * size + size).forEach(function (i) { opened[i] = true; });
      Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
        d.open = true; before.details.push(d);
      });
      render();
    });
    window.addEventListener("afterprint", function () {
      if (!before) return;
      opened = before.opened;
      before.details.forEach(function (d) { d.open = false; });
      before = null;
      render();
    });
  }

  function indexEvidence(e) {
    e.range = {};
    e.total = {};
    for (var k = 0; k < e.item.length; k++) {
      var r = e.range[e.item[k]];
      if (r) r[1] = k + 1; else e.range[e.item[k]] = [k, k + 1];
    }
    e.totals.forEach(function (t) { e.total[t[0]] = t[1]; });
    return e;
  }

  if (typeof DecompressionStream === "undefined") {
    count.textContent = "This browser cannot unpack the list (it needs DecompressionStream: Chrome, Edge, Firefox or Safari from 2023). Use the export: noticescan export SCAN_DIR --out report.xlsx.";
    return;
  }
  decode("rows-data").then(function (data) {
    D = data;
    derive();
    wire();
    if (!fromHash()) apply();
    document.documentElement.setAttribute("data-rows", "ready");
    if (window.performance && performance.mark) performance.mark("noticescan-rows");
    return decode("evidence-data");
  }).then(function (e) {
    E = indexEvidence(e);
    document.documentElement.setAttribute("data-evidence", "ready");
    if (Object.keys(opened).length) render();
  }).catch(function (err) {
    count.textContent = "The list could not be unpacked (" + err + "). Use the export: noticescan export SCAN_DIR --out report.xlsx.";
  });
})();
