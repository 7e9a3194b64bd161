/* Monev self-assessment form: autosave each answer and note, update progress, total, grade and to-do list.
   Without JavaScript every indicator has its own Simpan button (the same service behind both). */
(function () {
  "use strict";
  var root = document.getElementById("monev-form");
  if (!root || root.dataset.editable !== "1") return;
  document.documentElement.classList.add("js");
  var url = root.dataset.autosaveUrl;
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = document.getElementById("save-state");
  var timers = {};
  var pending = 0;

  function show(text, failed) {
    state.textContent = text;
    state.classList.toggle("failed", !!failed);
  }

  function render(data) {
    var progress = document.getElementById("progress");
    progress.max = data.indicator_count;
    progress.value = data.answered;
    document.getElementById("progress-text").textContent = data.progress_text;
    document.getElementById("total-text").textContent = data.total_text;
    var grade = document.getElementById("grade-text");
    grade.textContent = data.grade_label;
    grade.className = "grade-badge grade-" + data.grade;
    data.components.forEach(function (component) {
      var cell = document.querySelector('[data-component-value="' + component.code + '"]');
      if (cell) cell.textContent = component.value_text;
    });
    var summary = document.getElementById("plan-summary");
    if (summary) summary.textContent = data.plan.summary;
    var list = document.getElementById("todo-list");
    if (list) {
      list.textContent = "";
      data.plan.todo.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.text;
        list.appendChild(li);
      });
    }
    var submit = document.getElementById("submit-button");
    if (submit) submit.disabled = data.answered < data.indicator_count;
  }

  function save(indicator, body) {
    body.indikator = indicator;
    pending += 1;
    show(root.dataset.saving);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.detail || root.dataset.failed);
          return data;
        });
      })
      .then(function (data) {
        pending -= 1;
        render(data);
        var article = document.getElementById("ind-" + indicator);
        if (article && body.opsi !== undefined) article.classList.toggle("unanswered", !body.opsi);
        if (!pending) show(root.dataset.saved);
      })
      .catch(function (error) {
        pending -= 1;
        show(root.dataset.failed + ": " + error.message, true);
      });
  }

  root.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.closest(".answer-form");
    if (!form || input.name !== "opsi") return;
    save(form.dataset.indicator, { opsi: input.value });
  });

  root.addEventListener("input", function (event) {
    var input = event.target;
    var form = input.closest(".answer-form");
    if (!form || input.name !== "catatan") return;
    var indicator = form.dataset.indicator;
    clearTimeout(timers[indicator]);
    timers[indicator] = setTimeout(function () {
      save(indicator, { catatan: input.value });
    }, 700);
  });

  root.addEventListener("submit", function (event) {
    if (event.target.classList.contains("answer-form")) event.preventDefault();
  });
})();
