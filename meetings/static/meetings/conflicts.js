/* The meeting form warns of holidays and double bookings while the date and time are
   chosen: it asks meetings/conflicts.json (in the page's language) and lists the answer.
   Progressive enhancement: without JavaScript the same warnings appear after saving. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-conflicts-url]");
  var box = document.getElementById("conflicts-live");
  if (!form || !box || !window.fetch) { return; }
  var names = ["date", "start_time", "end_time", "timezone_name"];
  var timer = null;

  function value(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }
  function show(messages) {
    box.textContent = "";
    if (!messages.length) { box.hidden = true; return; }
    var list = document.createElement("ul");
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    var title = document.createElement("p");
    title.textContent = box.dataset.title || "";
    box.appendChild(title);
    box.appendChild(list);
    box.hidden = false;
  }
  function check() {
    if (!value("date") || !value("start_time") || !value("end_time")) { return; }
    var query = new URLSearchParams(form.dataset.conflictsScope || "");
    names.forEach(function (name) { query.set(name, value(name)); });
    fetch(form.dataset.conflictsUrl + "?" + query.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (body) {
        show((body.conflicts || []).map(function (c) { return c.message; }));
      })
      .catch(function () { /* the warnings come after saving instead */ });
  }
  names.forEach(function (name) {
    var field = form.elements[name];
    if (!field) { return; }
    field.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 250);
    });
  });
  check();
})();
