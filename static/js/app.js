// Library selection: rows, the whole page, or "all N matching" the current filter.
// The selection lives in the #selection form so bulk actions can post it as is.
(function () {
  "use strict";

  function update(form) {
    const bar = form.querySelector("[data-selection-bar]");
    const label = form.querySelector("[data-selection-label]");
    const allMatching = form.querySelector("input[name=select_all_matching]");
    const selectAllButton = form.querySelector("[data-select-all-matching]");
    const pageBox = form.querySelector("[data-select-page]");
    const boxes = Array.from(form.querySelectorAll("input[name=ids]"));
    const checked = boxes.filter((box) => box.checked).length;
    const total = Number(form.dataset.total);
    const everyOnPage = boxes.length > 0 && checked === boxes.length;
    if (!everyOnPage && allMatching.value) allMatching.value = "";
    pageBox.checked = everyOnPage;
    pageBox.indeterminate = checked > 0 && !everyOnPage;
    // The bar stays in place; its actions wait, disabled, until something is selected.
    bar.querySelectorAll("[data-needs-selection]").forEach((control) => {
      control.disabled = checked === 0;
    });
    bar.querySelector("[data-selection-hint]").hidden = checked > 0;
    bar.querySelector("[data-clear-selection]").hidden = checked === 0;
    selectAllButton.hidden = !everyOnPage || allMatching.value !== "" || total <= boxes.length;
    label.textContent = allMatching.value
      ? `All ${total.toLocaleString()} matching videos selected`
      : `${checked.toLocaleString()} selected`;
    form.dispatchEvent(new CustomEvent("selection:changed", { bubbles: true }));
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest("#selection");
    if (!form) return;
    if (event.target.matches("[data-select-page]")) {
      form.querySelectorAll("input[name=ids]").forEach((box) => (box.checked = event.target.checked));
    }
    update(form);
  });

  document.addEventListener("click", (event) => {
    const form = event.target.closest("#selection");
    if (!form) return;
    if (event.target.matches("[data-select-all-matching]")) {
      form.querySelector("input[name=select_all_matching]").value = "1";
      update(form);
    } else if (event.target.matches("[data-clear-selection]")) {
      form.querySelectorAll("input[name=ids]").forEach((box) => (box.checked = false));
      form.querySelector("input[name=select_all_matching]").value = "";
      update(form);
    }
  });
})();

// Remix request: show only the fields the chosen template uses.
(function () {
  "use strict";

  function showTemplateFields(form) {
    const chosen = form.querySelector("input[name=template]:checked");
    form.querySelectorAll("[data-for-template]").forEach((field) => {
      field.hidden = !chosen || field.dataset.forTemplate !== chosen.value;
    });
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches("#remix-form input[name=template]")) {
      showTemplateFields(event.target.form);
    }
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#remix-form").forEach(showTemplateFields);
  });
})();
