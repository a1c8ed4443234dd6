// A table wider than its box scrolls inside it (app.css: every table on a phone, a few wide
// ones on any screen). Such a box takes the keyboard's focus, so that the arrow keys scroll
// it; a table that fits is no stop for the Tab key.
(function () {
  function mark() {
    document.querySelectorAll(".table, .table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
