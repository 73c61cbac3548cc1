/* The backlog table, enhanced: column headers sort it (numbers by their rank, text
   alphabetically) and the filter form narrows it. Without JavaScript the full table still
   reads top to bottom in priority order. */
(function () {
  "use strict";
  var table = document.querySelector("table[data-sortable]");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);

  function key(row, col) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-value");
    if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
    return (v !== null ? v : cell.textContent).trim().toLowerCase();
  }

  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    if (!th.hasAttribute("data-sort")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    while (th.firstChild) button.appendChild(th.firstChild);
    var arrow = document.createElement("span");
    arrow.className = "sort-arrow";
    arrow.setAttribute("aria-hidden", "true");
    button.appendChild(arrow);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = key(a, col), y = key(b, col);
        var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        if (!c) c = key(a, 0) - key(b, 0);
        return asc ? c : -c;
      });
      sorted.forEach(function (r) { body.appendChild(r); });
    });
  });

  var form = document.getElementById("backlog-filters");
  if (!form) return;
  form.hidden = false;
  var count = form.querySelector(".filter-count");
  function apply() {
    var f = {
      journey: form.elements.journey.value,
      status: form.elements.status.value,
      owner: form.elements.owner.value,
      persona: form.elements.persona.value,
      text: form.elements.text.value.trim().toLowerCase()
    };
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!f.journey || r.getAttribute("data-journey") === f.journey) &&
        (!f.status || r.getAttribute("data-status") === f.status) &&
        (!f.owner || r.getAttribute("data-owner") === f.owner) &&
        (!f.persona || r.getAttribute("data-personas").split("|").indexOf(f.persona) >= 0) &&
        (!f.text || r.textContent.toLowerCase().indexOf(f.text) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = "Showing " + shown + " of " + rows.length;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  apply();
})();
