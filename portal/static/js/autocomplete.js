/* Autocomplete for the union search box: titles and authors from /api/suggest.
   ARIA 1.2 combobox with a listbox popup; arrows move, Enter picks, Escape closes.
   Without JavaScript the box is an ordinary search form. */
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  if (!input || !window.fetch || !input.dataset.suggestUrl) return;
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var timer = null;
  var pending = null;
  var active = -1;
  var items = [];

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function mark(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    var suggestion = items[index];
    input.value = suggestion.kind === "pengarang" ? 'pengarang:"' + suggestion.text + '"' : suggestion.text;
    close();
    input.form.submit();
  }

  function show(suggestions) {
    list.textContent = "";
    items = suggestions;
    suggestions.forEach(function (suggestion, i) {
      var option = document.createElement("li");
      option.id = input.id + "-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var text = document.createElement("span");
      text.className = "suggestion-text";
      text.textContent = suggestion.text;
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = suggestion.kind === "pengarang" ? input.dataset.labelAuthor : input.dataset.labelTitle;
      option.appendChild(text);
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      list.appendChild(option);
    });
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    } else {
      close();
    }
  }

  function fetchSuggestions(text) {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text), {
      signal: pending.signal,
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === text) show(data.suggestions || []); })
      .catch(function () { /* aborted or offline: no suggestions */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { close(); return; }
    timer = setTimeout(function () { fetchSuggestions(text); }, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }  /* keep the text: only close */
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
