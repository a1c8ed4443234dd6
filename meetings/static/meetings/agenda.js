/* Agenda editor: drag-and-drop reordering as a progressive enhancement. Without JavaScript
   the up/down buttons do the same through ordinary form posts. */
(function () {
  "use strict";
  var list = document.getElementById("agenda-items");
  if (!list || !list.dataset.reorderUrl) { return; }
  var rows = list.querySelectorAll("li[data-item-id]");
  if (rows.length < 2) { return; }
  var dragged = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function submitOrder() {
    var ids = Array.prototype.map.call(
      list.querySelectorAll("li[data-item-id]"),
      function (li) { return li.dataset.itemId; }
    );
    var form = document.createElement("form");
    form.method = "post";
    form.action = list.dataset.reorderUrl;
    [["csrfmiddlewaretoken", csrfToken()], ["order", ids.join(",")]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  list.classList.add("draggable");
  Array.prototype.forEach.call(rows, function (row) {
    row.setAttribute("draggable", "true");
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.itemId);
    });
    row.addEventListener("dragend", function () {
      row.classList.remove("dragging");
    });
    row.addEventListener("dragover", function (event) {
      if (!dragged || dragged === row) { return; }
      event.preventDefault();
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      submitOrder();
    });
  });
})();
