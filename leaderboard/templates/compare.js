(function () {
  "use strict";
  // Two entries side by side. Everything is built with textContent (never innerHTML), so a
  // model name holding HTML stays text. The difference CI mirrors leaderboard/stats.py.
  var Z = 1.959963984540054;
  var entries = JSON.parse(document.getElementById("compare-data").textContent);
  var pickA = document.getElementById("model-a");
  var pickB = document.getElementById("model-b");
  var body = document.querySelector("#compare tbody");

  function fmt(x) {
    if (x === null) { return "\u2014"; }
    var size = Math.abs(x);
    if (size >= 100) { return x.toFixed(0); }
    if (size >= 0.01 || x === 0) { return x.toFixed(2); }
    return String(Number(x.toPrecision(2)));
  }
  function scoreText(v, lo, hi) {
    if (v === null) { return "\u2014"; }
    return fmt(v) + (lo === null || hi === null ? "" : " [" + fmt(lo) + ", " + fmt(hi) + "]");
  }
  function halfWidth(s) {
    if (s[4] === null || s[5] === null || s[6] === null) { return null; }
    return Math.max(s[6] - s[4], s[4] - s[5], 0);
  }
  function difference(a, b) {
    if (a[4] === null || b[4] === null) { return null; }
    var d = a[4] - b[4];
    var ha = halfWidth(a);
    var hb = halfWidth(b);
    if (ha === null || hb === null) { return { value: d, low: null, high: null }; }
    var margin = Z * Math.sqrt(Math.pow(ha / Z, 2) + Math.pow(hb / Z, 2));
    return { value: d, low: d - margin, high: d + margin };
  }
  function verdict(diff, direction) {
    if (diff === null) { return "not comparable"; }
    if (diff.low === null || (diff.low <= 0 && diff.high >= 0)) { return "tie"; }
    if (direction === "neutral") { return diff.value > 0 ? "A higher" : "B higher"; }
    var aBetter = (diff.value > 0) === (direction === "higher");
    return aBetter ? "A better" : "B better";
  }
  function cell(row, text, value, tag) {
    var element = document.createElement(tag || "td");
    element.textContent = text;
    element.setAttribute("data-value", value === null ? "" : String(value));
    row.appendChild(element);
  }
  function index(entry) {
    var out = {};
    entry.scores.forEach(function (s) { out[s[0] + "\u0000" + s[1]] = s; });
    return out;
  }
  function render() {
    var a = index(entries[Number(pickA.value)]);
    var b = index(entries[Number(pickB.value)]);
    var keys = Object.keys(a).concat(Object.keys(b).filter(function (k) { return !(k in a); }));
    keys.sort();
    while (body.firstChild) { body.removeChild(body.firstChild); }
    keys.forEach(function (key, i) {
      var sa = a[key] || null;
      var sb = b[key] || null;
      var s = sa || sb;
      var row = document.createElement("tr");
      row.setAttribute("data-index", String(i));
      cell(row, s[0], s[0], "th");
      cell(row, s[2], s[2]);
      cell(row, sa ? scoreText(sa[4], sa[5], sa[6]) : "\u2014", sa ? sa[4] : null);
      cell(row, sb ? scoreText(sb[4], sb[5], sb[6]) : "\u2014", sb ? sb[4] : null);
      var diff = sa && sb && sa[3] === sb[3] ? difference(sa, sb) : null;
      cell(row, diff ? scoreText(diff.value, diff.low, diff.high) : "\u2014",
           diff ? diff.value : null);
      var note = sa && sb && sa[3] !== sb[3] ? "task versions differ" : verdict(diff, s[7]);
      cell(row, note, note);
      body.appendChild(row);
    });
    Array.prototype.forEach.call(document.querySelectorAll("#compare th[aria-sort]"),
      function (th) { th.removeAttribute("aria-sort"); });
  }
  [pickA, pickB].forEach(function (pick, which) {
    entries.forEach(function (entry, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = entry.label;
      pick.appendChild(option);
    });
    pick.value = String(Math.min(which, Math.max(entries.length - 1, 0)));
    pick.addEventListener("change", render);
  });
  if (entries.length) { render(); }
})();
