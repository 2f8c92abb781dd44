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

  // Both buttons hide themselves: focus moves to the selection's label, which is read out.
  function settle(form) {
    update(form);
    const label = form.querySelector("[data-selection-label]");
    label.focus();
    document.dispatchEvent(new CustomEvent("announce", { detail: label.textContent }));
  }

  document.addEventListener("click", (event) => {
    const form = event.target.closest("#selection");
    if (!form) return;
    if (event.target.matches("[data-select-all-matching]")) {
      form.querySelector("input[name=select_all_matching]").value = "1";
      settle(form);
    } else if (event.target.matches("[data-clear-selection]")) {
      form.querySelectorAll("input[name=ids]").forEach((box) => (box.checked = false));
      form.querySelector("input[name=select_all_matching]").value = "";
      settle(form);
    }
  });
})();

// Row consent menus: choosing an option (arrow keys included) changes nothing. The row's Save
// button appears once the choice differs from the saved one; Save or Enter commits, Escape undoes.
(function () {
  "use strict";

  function saved(select) {
    const option = Array.from(select.options).find((candidate) => candidate.defaultSelected);
    return (option || select.options[0]).value;
  }

  function showSave(select) {
    const button = document.getElementById(select.dataset.commit);
    button.hidden = select.value === saved(select);
    return button;
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-commit]")) showSave(event.target);
  });

  document.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.matches("[data-commit]")) return;
    if (event.key === "Enter") {
      event.preventDefault();
      const button = showSave(select);
      if (!button.hidden) button.click();
    } else if (event.key === "Escape") {
      select.value = saved(select);
      showSave(select);
    }
  });
})();

// After every HTMX swap, the outcome is read out by one live region that swaps never replace
// (#announcer), and focus that a swap took away goes back to the control that acted (or the one
// it names in data-focus-after), else to the outcome itself.
(function () {
  "use strict";

  let focused = null;
  let outcome = null;

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region) return;
    // Emptied first, so the same words twice are read out twice.
    region.textContent = "";
    window.setTimeout(() => (region.textContent = text), 50);
  }

  function visible(element) {
    return element && element.isConnected && !element.disabled && element.getClientRects().length > 0;
  }

  function refocus() {
    const again = focused && focused.id ? document.getElementById(focused.id) : null;
    const fallback = focused && focused.dataset.focusAfter
      ? document.getElementById(focused.dataset.focusAfter)
      : null;
    const target = [again, fallback, outcome].find(visible);
    if (target) target.focus();
  }

  // What an outcome says, without the labels of the buttons it offers (Undo).
  function words(element) {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("form, button").forEach((control) => control.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  document.addEventListener("announce", (event) => announce(event.detail));

  // After a full page load that carries messages (a takedown, a remix requested): focus moves to
  // them and they are read out, as an HTMX swap's outcome is.
  document.addEventListener("DOMContentLoaded", () => {
    const flash = document.querySelector("main > .messages");
    if (!flash) return;
    flash.focus();
    announce(words(flash));
  });

  // A swap that starts while focus is already lost (a header badge refreshed between another
  // swap and its settle) must not forget where focus was.
  document.addEventListener("htmx:beforeSwap", () => {
    const active = document.activeElement;
    if (active && active !== document.body) focused = active;
  });

  document.addEventListener("htmx:afterSettle", () => {
    const fresh = Array.from(document.querySelectorAll("[data-announce]:not([data-announced])"));
    fresh.forEach((element) => element.setAttribute("data-announced", ""));
    if (fresh.length) {
      outcome = fresh[fresh.length - 1];
      announce(fresh.map(words).join(" "));
    }
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && lost) refocus();
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

// A table too wide for the screen scrolls inside its own box (app.css); such a box takes focus,
// so it scrolls with the arrow keys too (WCAG 2.1.1). Tables that fit stay out of the Tab order.
(function () {
  "use strict";

  function reachScrollers() {
    document.querySelectorAll("main table").forEach((table) => {
      // What the page gave it (the library's table is a skip link's target: -1), put back
      // when the table fits again.
      if (!("tabindexAtLoad" in table.dataset)) {
        table.dataset.tabindexAtLoad = table.getAttribute("tabindex") || "";
      }
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.dataset.tabindexAtLoad) {
        table.setAttribute("tabindex", table.dataset.tabindexAtLoad);
      } else {
        table.removeAttribute("tabindex");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", reachScrollers);
  document.addEventListener("htmx:afterSettle", reachScrollers);
  window.addEventListener("resize", reachScrollers);
})();

// "All on this page": a box that ticks every box of its form named by data-check-all.
(function () {
  "use strict";

  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-check-all]");
    if (!all) return;
    const boxes = all.form.querySelectorAll(`input[name="${all.dataset.checkAll}"]`);
    boxes.forEach((box) => (box.checked = all.checked));
  });
})();
