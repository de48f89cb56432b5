// pvkg query page: SPARQL highlighting, saved queries as examples, results as a table.
// Plain JavaScript, no dependencies, so the page works offline.
"use strict";
(function () {
  const KEYWORDS = new Set(("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE OPTIONAL " +
    "FILTER UNION MINUS GRAPH SERVICE BIND VALUES GROUP BY ORDER HAVING LIMIT OFFSET DISTINCT " +
    "REDUCED AS ASC DESC NOT EXISTS IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR " +
    "LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE REGEX CONTAINS STRSTARTS STRENDS LCASE UCASE " +
    "IF COALESCE UNDEF A TRUE FALSE").split(" "));
  const TOKEN = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z_][\w]*)|([A-Za-z_][\w-]*)?:([\w.-]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_]+)/g;

  const $ = (id) => document.getElementById(id);
  const query = $("query"), highlight = $("highlight"), results = $("results"), status = $("status");
  const examples = $("examples"), paramsBox = $("params");
  let selected = null;  // the saved query whose text is in the editor, if unchanged

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
  }

  let badLine = 0;  // the line of the last syntax error, marked until the text changes

  function paint() {
    const text = query.value;
    let html = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      html += escapeHtml(text.slice(last, m.index));
      let cls = null;
      if (m[1]) cls = "cmt"; else if (m[2]) cls = "str"; else if (m[3]) cls = "iri";
      else if (m[4]) cls = "var"; else if (m[6] !== undefined) cls = "pn"; else if (m[7]) cls = "num";
      else if (m[8] && KEYWORDS.has(m[8].toUpperCase())) cls = "kw";
      html += cls ? `<span class="${cls}">${escapeHtml(m[0])}</span>` : escapeHtml(m[0]);
      last = m.index + m[0].length;
    }
    html += escapeHtml(text.slice(last)) + "\n";
    if (badLine > 0) {
      const lines = html.split("\n");
      if (badLine <= lines.length) lines[badLine - 1] = `<span class="bad-line">${lines[badLine - 1]}</span>`;
      html = lines.join("\n");
    }
    highlight.innerHTML = html;
  }

  function showParams(description) {
    paramsBox.innerHTML = "";
    for (const p of description.params) {
      const label = document.createElement("label");
      label.textContent = `${p.name} (${p.type}) `;
      const input = document.createElement("input");
      input.name = p.name;
      input.value = p.default ?? p.example ?? "";
      input.title = p.description;
      label.appendChild(input);
      paramsBox.appendChild(label);
    }
  }

  async function loadExample(name) {
    selected = null;
    paramsBox.innerHTML = "";
    if (!name) return;
    const response = await fetch(`/api/queries/${encodeURIComponent(name)}`);
    const description = await response.json();
    // the #+ header is the query's documentation: its page shows it, the editor does not
    query.value = description.sparql.split("\n").filter((l) => !l.startsWith("#+")).join("\n").trimStart();
    paint();
    showParams(description);
    selected = {name, text: query.value};
  }

  function termText(term) {
    if (!term) return "";
    if (term.type === "uri") return term.value;
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  const PREFIXES = [["https://w3id.org/pvkg/id/", "pvid:"], ["https://w3id.org/pvkg/ontology#", "pv:"],
    ["https://w3id.org/pvkg/graph/", "pvgraph:"], ["http://id.nlm.nih.gov/mesh/", "mesh:"],
    ["http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"], ["http://www.w3.org/2000/01/rdf-schema#", "rdfs:"],
    ["http://www.w3.org/2004/02/skos/core#", "skos:"], ["http://www.w3.org/2002/07/owl#", "owl:"]];

  function compact(iri) {
    for (const [base, prefix] of PREFIXES) if (iri.startsWith(base)) return prefix + iri.slice(base.length);
    return iri;
  }

  function renderCell(term) {
    const td = document.createElement("td");
    if (term && term.type === "uri") {
      const a = document.createElement("a");
      a.href = term.value.startsWith("https://w3id.org/pvkg/id/") ?
        "/id/" + term.value.slice("https://w3id.org/pvkg/id/".length) : term.value;
      a.textContent = compact(term.value);
      a.title = term.value;
      td.appendChild(a);
    } else {
      td.textContent = termText(term);
    }
    return td;
  }

  function renderTable(doc) {
    results.innerHTML = "";
    const table = document.createElement("table");
    table.className = "results";
    if (typeof doc.boolean === "boolean") {
      table.innerHTML = `<tr><th>answer</th></tr><tr><td>${doc.boolean}</td></tr>`;
      results.appendChild(table);
      return 1;
    }
    const head = table.createTHead().insertRow();
    for (const v of doc.head.vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const binding of doc.results.bindings) {
      const row = body.insertRow();
      for (const v of doc.head.vars) row.appendChild(renderCell(binding[v]));
    }
    results.appendChild(table);
    return doc.results.bindings.length;
  }

  // the page's address holds what ran (a saved query and its parameters, or the text), so
  // that it can be shared and reloaded
  function share() {
    const address = new URLSearchParams();
    if (selected && query.value === selected.text) {
      address.set("example", selected.name);
      for (const input of paramsBox.querySelectorAll("input")) address.set("p." + input.name, input.value);
    } else {
      address.set("query", query.value);
    }
    address.set("run", "1");
    history.replaceState(null, "", "?" + address);
  }

  async function run() {
    share();
    status.textContent = "running…";
    if (badLine) { badLine = 0; paint(); }
    results.innerHTML = "";
    const started = performance.now();
    let response;
    if (selected && query.value === selected.text) {
      const params = new URLSearchParams({format: "sparql-json"});
      for (const input of paramsBox.querySelectorAll("input")) {
        if (input.value !== "") params.set(input.name, input.value);
      }
      response = await fetch(`/api/queries/${encodeURIComponent(selected.name)}/results?${params}`);
    } else {
      response = await fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        body: query.value,
      });
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      const problem = type.includes("json") ? await response.json() : {detail: await response.text()};
      status.textContent = problem.line ? `syntax error at line ${problem.line}, column ${problem.column}` : `error ${response.status}`;
      results.innerHTML = `<pre class="error" role="alert">${escapeHtml(problem.detail || response.statusText)}</pre>`;
      if (problem.line) { badLine = problem.line; paint(); }
      return;
    }
    const elapsed = Math.round(performance.now() - started);
    if (type.includes("sparql-results+json")) {
      const rows = renderTable(await response.json());
      const cut = response.headers.get("Pvkg-Truncated") ? " (truncated: more rows exist)" : "";
      status.textContent = `${rows} rows in ${elapsed} ms${cut}`;
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.appendChild(pre);
      status.textContent = `graph in ${elapsed} ms`;
    }
  }

  query.addEventListener("input", () => { badLine = 0; paint(); });
  query.addEventListener("scroll", () => { highlight.parentElement.scrollTop = query.scrollTop; });
  query.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
  examples.addEventListener("change", () => loadExample(examples.value));
  $("run").addEventListener("click", run);
  paint();

  const wanted = new URLSearchParams(window.location.search);
  if (wanted.get("example")) {
    examples.value = wanted.get("example");
    loadExample(wanted.get("example")).then(() => {
      for (const input of paramsBox.querySelectorAll("input")) {
        if (wanted.has("p." + input.name)) input.value = wanted.get("p." + input.name);
      }
      if (wanted.get("run")) run();
    });
  } else if (wanted.get("query")) {
    query.value = wanted.get("query");
    paint();
    if (wanted.get("run")) run();
  } else if (wanted.get("run")) {
    run();
  }
})();
