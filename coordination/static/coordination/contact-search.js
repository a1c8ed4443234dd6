/* A contact field suggests the contacts that match while a name is typed: it asks the
   field's lookup address (data-lookup-url, at most ten answers) and lists them under the
   field; a click, or the arrow keys and Enter, puts the one chosen in the field.
   Progressive enhancement: without JavaScript the text is looked up when the form is sent,
   and a name that matches several contacts comes back with them to choose from. */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var boxes = document.querySelectorAll(".contact-search[data-lookup-url]");
  Array.prototype.forEach.call(boxes, function (box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector(".contact-suggestions");
    if (!input || !list || !box.dataset.lookupUrl) { return; }
    var timer = null;
    var asked = "";
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(value) {
      input.value = value;
      asked = value;
      close();
      input.focus();
    }
    function show(contacts) {
      close();
      if (!contacts.length) {
        var none = document.createElement("span");
        none.className = "none";
        none.textContent = box.dataset.noneText || "";
        list.appendChild(none);
      }
      contacts.forEach(function (contact, i) {
        var item = document.createElement("span");
        item.id = input.id + "-suggestion-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = contact.value;
        // mousedown, not click: the field keeps its focus, so the list is not closed first.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(contact.value);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function ask(text) {
      asked = text;
      fetch(box.dataset.lookupUrl + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { contacts: [] };
      }).then(function (body) {
        if (input.value.trim() !== text || document.activeElement !== input) { return; }
        show(body.contacts || []);
      }).catch(function () { /* the text is looked up when the form is sent */ });
    }

    input.addEventListener("input", function () {
      // The matches shown after sending were for the text as it was.
      Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (radio) {
        radio.checked = false;
      });
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || /#\d+$/.test(text)) { close(); return; }
      if (text === asked && !list.hidden) { return; }
      timer = window.setTimeout(function () { ask(text); }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(options()[active].textContent);
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  });
})();
