(function () {
  "use strict";
  // Sort a table by the clicked column: numbers by their data-value, text by code point order
  // (the same in every browser and locale); empty data-value means null and always sorts last.
  function compare(rowA, rowB, index, numeric, sign) {
    var a = rowA.cells[index].getAttribute("data-value");
    var b = rowB.cells[index].getAttribute("data-value");
    var tie = Number(rowA.getAttribute("data-index")) - Number(rowB.getAttribute("data-index"));
    if (a === "" || b === "") {
      return a === b ? tie : (a === "" ? 1 : -1);
    }
    var order;
    if (numeric) {
      order = parseFloat(a) - parseFloat(b);
    } else {
      order = a < b ? -1 : (a > b ? 1 : 0);
    }
    return order * sign || tie;
  }

  function sortBy(table, header) {
    var headers = table.tHead.rows[table.tHead.rows.length - 1].cells;
    var index = Array.prototype.indexOf.call(headers, header);
    var direction = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var numeric = header.getAttribute("data-type") === "number";
    var sign = direction === "ascending" ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (rowA, rowB) { return compare(rowA, rowB, index, numeric, sign); });
    Array.prototype.forEach.call(headers, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction);
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var last = table.tHead.rows[table.tHead.rows.length - 1];
    Array.prototype.forEach.call(last.cells, function (header) {
      header.addEventListener("click", function () { sortBy(table, header); });
    });
  });
})();
