(function () {
  "use strict";
  // Two entries side by side. Everything is built with textContent (never innerHTML), so a
  // model name holding HTML stays text. The difference CI and the
  // verdict mirror collective_bench/leaderboard/stats.py.
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
  // Verdicts: "A better" only when the two CIs are apart by more than float noise (the
  // overview's ranking rule); a missing or zero-width CI is unbounded; p-values are not compared.
  var TOLERANCE = 1e-9;
  function noise(xs) {
    return TOLERANCE * Math.max.apply(null, [1].concat(xs.filter(isFinite).map(Math.abs)));
  }
  function bounds(s) {
    if (s[5] === null || s[6] === null || s[6] - s[5] <= noise([s[5], s[6]])) {
      return [-Infinity, Infinity];
    }
    return [s[5], s[6]];
  }
  function above(a, b) {
    var aLow = bounds(a)[0];
    var bHigh = bounds(b)[1];
    return aLow - bHigh > noise([aLow, bHigh]);
  }
  function isPvalue(s) { return /_pvalue$/.test(s[1]); }
  function shown(s) {  // a p-value is a test's outcome, not an estimate: no interval
    return isPvalue(s) ? (s[4] === null ? "\u2014" : "p = " + fmt(s[4]))
      : scoreText(s[4], s[5], s[6]);
  }
  function halfWidth(s) {
    if (s[4] === null || s[5] === null || s[6] === null) { return null; }
    return Math.max(s[6] - s[4], s[4] - s[5], 0);
  }
  function difference(a, b) {
    if (a[4] === null || b[4] === null) { return null; }
    var d = a[4] - b[4];
    var separated = above(a, b) || above(b, a);
    var ha = halfWidth(a);
    var hb = halfWidth(b);
    if (ha === null || hb === null) {
      return { value: d, low: null, high: null, separated: separated };
    }
    var margin = Z * Math.sqrt(Math.pow(ha / Z, 2) + Math.pow(hb / Z, 2));
    return { value: d, low: d - margin, high: d + margin, separated: separated };
  }
  function verdict(diff, direction, pvalue) {
    if (pvalue) { return "p-value (not compared)"; }
    if (diff === null) { return "not comparable"; }
    if (!diff.separated) { return "tie"; }
    if (direction !== "higher" && direction !== "lower") {
      return diff.value > 0 ? "A higher" : "B higher";
    }
    var aBetter = (diff.value > 0) === (direction === "higher");
    return aBetter ? "A better" : "B better";
  }
  function cell(row, text, value, tag, ci) {
    var element = document.createElement(tag || "td");
    element.textContent = text;
    element.setAttribute("data-value", value === null ? "" : String(value));
    if (ci) { element.setAttribute("data-ci", JSON.stringify(ci)); }
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
      cell(row, sa ? shown(sa) : "\u2014", sa ? sa[4] : null, "td", sa ? [sa[5], sa[6]] : null);
      cell(row, sb ? shown(sb) : "\u2014", sb ? sb[4] : null, "td", sb ? [sb[5], sb[6]] : null);
      var same = sa && sb && sa[3] === sb[3] && sa[8] === sb[8];
      var diff = same && !isPvalue(s) ? difference(sa, sb) : null;
      cell(row, diff ? scoreText(diff.value, diff.low, diff.high) : "\u2014",
           diff ? diff.value : null);
      var note = sa && sb && sa[3] !== sb[3] ? "task versions differ"
        : sa && sb && sa[8] !== sb[8] ? "protocols differ"
        : verdict(diff, s[7], isPvalue(s));
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
