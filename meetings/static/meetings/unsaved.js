/* Forms marked with data-draft-key keep what is typed: a warning before leaving the page with
   unsaved changes, and a draft kept in this browser (localStorage) while typing, restored when
   the page is opened again without having been saved. Progressive enhancement: without
   JavaScript the form posts as usual and the server shows refused input again as typed. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-draft-key]");
  Array.prototype.forEach.call(forms, function (form) {
    var storageKey = "draft:" + location.pathname + ":" + form.dataset.draftKey;
    var statusLine = document.getElementById(form.dataset.draftStatus || "");
    var dirty = false;
    var submitting = false;
    var timer = null;

    function store() {
      try { return window.localStorage; } catch (error) { return null; }
    }
    function fields(kind) {
      return Array.prototype.filter.call(form.elements, function (el) {
        if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return false; }
        var hidden = el.type === "hidden";
        return kind === "hidden" ? hidden : !hidden && el.type !== "file";
      });
    }
    function snapshot() {
      var values = {};
      fields("typed").forEach(function (el) { values[el.name] = el.value; });
      var hidden = {};
      fields("hidden").forEach(function (el) { hidden[el.name] = el.value; });
      return { savedAt: new Date().toISOString(), values: values, hidden: hidden };
    }
    function say(text) {
      if (!statusLine) { return; }
      statusLine.textContent = text;
      statusLine.hidden = !text;
    }
    function timeText(iso) {
      return new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined,
        { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
    function saveDraft() {
      var s = store();
      if (!s) { return; }
      var draft = snapshot();
      try { s.setItem(storageKey, JSON.stringify(draft)); } catch (error) { return; }
      say((form.dataset.draftSavedText || "").replace("%(time)s", timeText(draft.savedAt)));
    }
    function discard() {
      var s = store();
      if (s) { s.removeItem(storageKey); }
    }
    function markDirty() {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(saveDraft, 1000);
    }

    // A page showing refused input again already holds what was typed.
    if (form.dataset.posted === "1") { discard(); }
    var s = store();
    var raw = s ? s.getItem(storageKey) : null;
    if (raw) {
      var draft = null;
      try { draft = JSON.parse(raw); } catch (error) { discard(); }
      if (draft && draft.values) {
        var differs = fields("typed").some(function (el) {
          return el.name in draft.values && draft.values[el.name] !== el.value;
        });
        if (differs) {
          // The draft's revision and loaded texts go back too, so the server merges the
          // draft with whatever was saved since, never overwriting it unseen.
          fields("typed").concat(fields("hidden")).forEach(function (el) {
            var source = el.type === "hidden" ? draft.hidden || {} : draft.values;
            if (el.name in source) { el.value = source[el.name]; }
          });
          dirty = true;
          say((form.dataset.draftRestoredText || "").replace("%(time)s", timeText(draft.savedAt)));
          if (form.dataset.draftDiscardText && statusLine) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button small secondary";
            button.textContent = form.dataset.draftDiscardText;
            button.addEventListener("click", function () {
              discard();
              dirty = false;
              location.reload();
            });
            statusLine.appendChild(document.createTextNode(" "));
            statusLine.appendChild(button);
          }
        } else {
          discard();
        }
      }
    }

    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function () {
      // Sent: the server saves it, or shows it again as typed when it refuses it.
      submitting = true;
      window.clearTimeout(timer);
      discard();
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || submitting) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  });
})();
