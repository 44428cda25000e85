// The citation picker of the submit and clue forms: search the challenge's published submissions and
// clues, pick the ones this work builds on. It drives the form's two multi-selects, which stay the source
// of truth (and the whole interface without JavaScript). Titles come from other people: text only.

const selects = [...document.querySelectorAll("select[data-citation-kind]")];

function optionFor(select, work) {
  let option = [...select.options].find((o) => o.value === String(work.id));
  if (!option) {
    option = new Option(work.label, String(work.id));
    select.add(option);
  }
  return option;
}

function chosenWorks() {
  return selects.flatMap((select) =>
    [...select.selectedOptions].map((o) => ({ kind: select.dataset.citationKind, id: o.value, label: o.text })),
  );
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function build() {
  const picker = element("div", { class: "citation-picker field", "data-citation-picker": "" });
  picker.append(element("label", { for: "citation-search" }, "Builds on"));
  const input = element("input", {
    type: "search",
    id: "citation-search",
    placeholder: "Search by title, author or #id",
    autocomplete: "off",
    "aria-controls": "citation-results",
  });
  const results = element("ul", { id: "citation-results", class: "citation-results", role: "listbox" });
  const chosen = element("ul", { class: "citation-chosen", "aria-label": "Cited works" });
  const help = element("p", { class: "help" }, "Pick the published work of this challenge that yours builds on. Only earlier work can be cited.");
  picker.append(input, help, chosen, results);
  return { picker, input, results, chosen };
}

function kindLabel(kind) {
  return kind === "clue" ? "Clue" : "Submission";
}

function renderChosen(chosen) {
  chosen.replaceChildren();
  for (const work of chosenWorks()) {
    const item = element("li", { class: "citation-chip" });
    item.append(element("span", {}, `${kindLabel(work.kind)} ${work.label}`));
    const remove = element("button", { type: "button", "aria-label": `Remove ${kindLabel(work.kind)} #${work.id}` }, "×");
    remove.addEventListener("click", () => {
      const select = selects.find((s) => s.dataset.citationKind === work.kind);
      optionFor(select, work).selected = false;
      renderChosen(chosen);
    });
    item.append(remove);
    chosen.append(item);
  }
}

function renderResults(results, chosen, works) {
  results.replaceChildren();
  if (!works.length) {
    results.append(element("li", { class: "muted" }, "Nothing published matches."));
    return;
  }
  for (const work of works) {
    const select = selects.find((s) => s.dataset.citationKind === work.kind);
    if (!select) continue;
    const item = element("li", { role: "option" });
    const pick = element("button", { type: "button", class: "citation-result", "data-work": `${work.kind}-${work.id}` }, `${kindLabel(work.kind)} ${work.label}`);
    pick.addEventListener("click", () => {
      optionFor(select, work).selected = true;
      renderChosen(chosen);
      pick.disabled = true;
    });
    pick.disabled = optionFor(select, work).selected;
    item.append(pick);
    results.append(item);
  }
}

if (selects.length) {
  const url = selects[0].dataset.citableUrl;
  const { picker, input, results, chosen } = build();
  const fields = selects.map((select) => select.closest(".field"));
  fields[0].before(picker);
  // The plain lists stay in the form (they are what is posted); shown only when they carry an error.
  for (const field of fields) if (!field.classList.contains("has-error")) field.hidden = true;
  let timer = 0;
  let asked = 0;
  const search = () => {
    const ask = ++asked;
    fetch(`${url}?q=${encodeURIComponent(input.value)}`, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((body) => { if (ask === asked) renderResults(results, chosen, body.results); })
      .catch(() => { for (const field of fields) field.hidden = false; }); // no search: show the plain lists
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  renderChosen(chosen);
  search();
}
