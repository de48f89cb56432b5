// pvkg search box: suggestions as you type (GET /api/search), usable with the keyboard
// (Down/Up move, Enter opens, Escape closes), following the ARIA combobox pattern.
// Without JavaScript the form still works: it submits to the /search page.
"use strict";
(function () {
  const box = document.getElementById("search-box"), list = document.getElementById("search-list");
  if (!box || !list) return;
  let active = -1, hits = [], asked = 0;

  function href(iri) {
    const base = "https://w3id.org/pvkg/id/";
    return iri.startsWith(base) ? "/id/" + iri.slice(base.length) : iri;
  }

  function close() {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function mark(index) {
    const items = list.querySelectorAll("li");
    items.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0) box.setAttribute("aria-activedescendant", items[index].id);
    else box.removeAttribute("aria-activedescendant");
  }

  function show(found) {
    hits = found;
    list.innerHTML = "";
    found.forEach((hit, i) => {
      const li = document.createElement("li");
      li.id = `search-hit-${i}`;
      li.setAttribute("role", "option");
      const a = document.createElement("a");
      a.href = href(hit.iri);
      a.tabIndex = -1;
      a.textContent = hit.label;
      li.appendChild(a);
      const about = document.createElement("small");
      const also = hit.matched && hit.matched !== hit.label ? ` · “${hit.matched}”` : "";
      about.textContent = ` ${hit.type}${hit.mesh ? " · " + hit.mesh : ""}${also}`;
      li.appendChild(about);
      li.addEventListener("mousedown", (e) => { e.preventDefault(); window.location = a.href; });
      list.appendChild(li);
    });
    list.hidden = found.length === 0;
    box.setAttribute("aria-expanded", found.length ? "true" : "false");
    mark(-1);
  }

  async function suggest() {
    const text = box.value.trim();
    const ticket = ++asked;
    if (!text) { show([]); return; }
    const response = await fetch(`/api/search?${new URLSearchParams({q: text, limit: "10"})}`);
    if (ticket !== asked) return;  // a later keystroke already asked again
    show(response.ok ? await response.json() : []);
  }

  let timer = null;
  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  box.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && hits.length) { e.preventDefault(); list.hidden = false; mark((active + 1) % hits.length); }
    else if (e.key === "ArrowUp" && hits.length) { e.preventDefault(); mark(active <= 0 ? hits.length - 1 : active - 1); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location = href(hits[active].iri); }
  });
  box.addEventListener("blur", () => setTimeout(close, 150));
})();
