// faultline report: "show" highlights a finding's blast radius on the
// one-line diagram and the rack elevations. Plain JavaScript, no library.
(function () {
  "use strict";
  var diagram = document.querySelector("svg.one-line");
  var current = null;
  function clear() {
    document.querySelectorAll(".hl").forEach(function (el) {
      el.classList.remove("hl");
    });
    if (diagram) diagram.classList.remove("dim");
    document.querySelectorAll("button.show.on").forEach(function (b) {
      b.classList.remove("on");
      b.textContent = "show";
    });
  }
  function show(button) {
    clear();
    if (current === button) {
      current = null;
      return;
    }
    current = button;
    button.classList.add("on");
    button.textContent = "hide";
    button.closest("li").classList.add("hl");
    var first = null;
    (button.dataset.nodes || "").split(" ").forEach(function (id) {
      var el = id && document.getElementById(id);
      if (el) {
        el.classList.add("hl");
        if (!first) first = el;
      }
    });
    var ids = (button.dataset.ids || "").split(" ").filter(Boolean);
    document.querySelectorAll("svg.elevations [data-id]").forEach(function (el) {
      if (ids.indexOf(el.getAttribute("data-id")) >= 0) el.classList.add("hl");
    });
    if (diagram) diagram.classList.add("dim");
    if (first && first.scrollIntoView) {
      first.scrollIntoView({ block: "nearest", inline: "center" });
    }
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.show");
    if (b) show(b);
  });
})();
