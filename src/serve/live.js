// trailmap serve: live reload and the build-error overlay.
// Injected into HTML by the dev server only; `trailmap build` output never contains it.
(function () {
  "use strict";
  var cfg = __TRAILMAP_CONFIG__;
  if (!window.EventSource || !window.URL) return;
  // Relative to the page, so it also works behind a proxy or under a sub-path.
  var url = new URL(cfg.root + "__trailmap/events", location.href).href;
  var events = new EventSource(url);
  events.onmessage = function (e) {
    var msg;
    try { msg = JSON.parse(e.data); } catch (err) { return; }
    if (msg.kind === "hello") {
      // A build finished between this page loading and the stream opening.
      if (msg.build !== cfg.build) { location.reload(); return; }
      showOverlay(msg.overlay);
    } else if (msg.kind === "reload") {
      // Only pages that changed reload; the others are current as of this build.
      if (msg.pages.indexOf(cfg.page) >= 0) { location.reload(); return; }
      cfg.build = msg.build;
      showOverlay(msg.overlay);
    } else if (msg.kind === "css") {
      cfg.build = msg.build;
      swapStylesheets(msg.build);
      showOverlay(msg.overlay);
    } else if (msg.kind === "errors") {
      showOverlay(msg.overlay);
    } else if (msg.kind === "shutdown") {
      events.close();
    }
  };

  function swapStylesheets(tag) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var href = new URL(links[i].href);
      href.searchParams.set("trailmap-build", tag);
      links[i].href = href.href;
    }
  }

  // The overlay's markup is built and escaped by the server: one renderer for the page
  // served while a build is broken and for this live update.
  function showOverlay(html) {
    var old = document.getElementById("trailmap-overlay");
    if (old) old.parentNode.removeChild(old);
    if (!html) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    if (holder.firstElementChild) document.body.appendChild(holder.firstElementChild);
  }
})();
