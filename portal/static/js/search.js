/* Results page: apply a facet or a sort as soon as it changes (the "Terapkan" button does the same
   without JavaScript), and fold the facet panel away on narrow screens when nothing is selected. */
(function () {
  "use strict";
  var form = document.getElementById("facet-form");
  if (!form) return;
  function submit() { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") submit();
  });
  document.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", submit);
  });
  var panel = document.querySelector(".facet-panel");
  if (panel && panel.dataset.hasSelection !== "1" && window.matchMedia("(max-width: 760px)").matches) {
    panel.open = false;
  }
})();
