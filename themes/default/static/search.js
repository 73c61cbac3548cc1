/* Site search with no server. The index (search-index.json, or search-index.js when the
   site is opened from disk, where browsers refuse fetch) loads on first use. Every query
   word must match; a word at the start of a title or touchpoint counts most, then words in
   the context, then the body text. ↑/↓ move through the results, Enter opens, Esc closes. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-search]");
  if (!forms.length) return;
  var index = null;
  var waiting = [];
  var KIND = { "Step": 6, "Journey": 5, "Persona": 4, "Page": 3, "Pain point": 2, "Opportunity": 1 };

  function norm(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function prepare(data) {
    return data.map(function (e) {
      return { e: e, title: norm(e.title), tp: norm((e.touchpoints || []).join(" | ")),
               ctx: norm(e.context), text: norm(e.text) };
    });
  }

  function load(root, done) {
    if (index) { done(); return; }
    waiting.push(done);
    if (waiting.length > 1) return;
    function finish(data) {
      index = prepare(Array.isArray(data) ? data : []);
      waiting.forEach(function (f) { f(); });
      waiting = [];
    }
    if (location.protocol === "file:") {
      var s = document.createElement("script");
      s.src = root + "search-index.js";
      s.onload = function () { finish(window.TRAILMAP_SEARCH); };
      s.onerror = function () { finish([]); };
      document.head.appendChild(s);
    } else {
      fetch(root + "search-index.json")
        .then(function (r) { return r.json(); })
        .then(finish, function () { finish([]); });
    }
  }

  /* 2 when `w` starts a word of `hay`, 1 when it is inside one, 0 when absent. */
  function hit(hay, w) {
    var best = 0;
    for (var i = hay.indexOf(w); i >= 0; i = hay.indexOf(w, i + 1)) {
      if (i === 0 || !/[\p{L}\p{N}]/u.test(hay.charAt(i - 1))) return 2;
      best = 1;
    }
    return best;
  }

  function score(item, words) {
    var total = 0;
    for (var k = 0; k < words.length; k++) {
      var w = words[k];
      var s = Math.max(hit(item.title, w) * 5, hit(item.tp, w) * 5);
      if (!s) s = hit(item.ctx, w) ? 2 : hit(item.text, w) ? 1 : 0;
      if (!s) return 0;
      total += s;
    }
    return total;
  }

  function search(q, limit) {
    var words = norm(q).split(/\s+/).filter(Boolean);
    if (!words.length || !index) return [];
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], words);
      if (s) found.push({ s: s, k: KIND[index[i].e.kind] || 0, i: i });
    }
    found.sort(function (a, b) { return b.s - a.s || b.k - a.k || a.i - b.i; });
    return found.slice(0, limit).map(function (f) { return index[f.i].e; });
  }

  function setup(form) {
    var input = form.querySelector(".search-input");
    var list = form.querySelector(".search-results");
    var status = form.querySelector(".search-status");
    var root = input.getAttribute("data-root") || "";
    var inPage = !form.classList.contains("site-search");
    var limit = inPage ? 50 : 10;
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }

    function mark(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function render() {
      var q = input.value.trim();
      var results = search(q, limit);
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      results.forEach(function (e, k) {
        /* The link is the option (an option holding a link would nest interactive controls). */
        var li = document.createElement("li");
        li.setAttribute("role", "none");
        var a = document.createElement("a");
        a.id = list.id + "-" + k;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        a.href = root + e.url;
        a.tabIndex = -1;
        var kind = document.createElement("span");
        kind.className = "result-kind";
        kind.textContent = e.kind;
        var title = document.createElement("span");
        title.className = "result-title";
        title.textContent = e.title;
        a.appendChild(kind);
        a.appendChild(title);
        if (e.touchpoints && e.touchpoints.length) {
          var tp = document.createElement("span");
          tp.className = "result-touchpoints";
          tp.textContent = "Touchpoints: " + e.touchpoints.join(", ");
          a.appendChild(tp);
        }
        if (e.context) {
          var ctx = document.createElement("span");
          ctx.className = "result-context";
          ctx.textContent = e.context;
          a.appendChild(ctx);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = !q;
      if (status) {
        status.textContent = !q ? "" : results.length
          ? results.length + (results.length === limit ? "+" : "") + " result" + (results.length === 1 ? "" : "s")
          : "No results";
      }
      if (!q) list.hidden = true;
      else if (!results.length && !inPage) {
        var none = document.createElement("li");
        none.className = "result-none";
        none.textContent = "No results";
        list.appendChild(none);
      }
    }

    input.addEventListener("focus", function () { load(root, function () {}); });
    input.addEventListener("input", function () { load(root, render); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); mark(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); mark(active - 1); }
      else if (ev.key === "Escape") { list.hidden = !inPage; if (!inPage) input.value = input.value; }
      else if (ev.key === "Enter") {
        var opts = options();
        if (opts.length) {
          ev.preventDefault();
          location.href = opts[Math.max(active, 0)].href;
        }
      }
    });
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    if (!inPage) {
      document.addEventListener("click", function (ev) {
        if (!form.contains(ev.target)) list.hidden = true;
      });
    } else {
      var q = new URLSearchParams(location.search).get("q");
      if (q) { input.value = q; load(root, render); }
    }
  }

  forms.forEach(setup);
})();
