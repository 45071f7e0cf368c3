// axialkg web page: named queries, a results table, entity pages and a neighbourhood graph.
// Plain JS, no build step, no libraries. Parameter values go to the server as URL parameters of
// /api/query/NAME, which binds them as RDF terms; this script never pastes them into SPARQL.
"use strict";

const NS = "https://w3id.org/axialkg/";
const $ = (id) => document.getElementById(id);
const state = { queries: [], current: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

async function getJSON(url, options) {
  const response = await fetch(url, options);
  let body;
  try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
  if (!response.ok) throw new Error(body.error || response.statusText);
  return { body, truncated: response.headers.get("X-Axialkg-Truncated") };
}

const slugOf = (iri) => (iri.startsWith(NS) ? iri.slice(NS.length) : null);
const entityHref = (iri) => "#/entity/" + encodeURIComponent(slugOf(iri));

function entityLink(iri, label) {
  const slug = slugOf(iri);
  if (!slug) return el("a", { href: iri, class: "external", title: iri }, label || iri);
  return el("a", { href: entityHref(iri), class: "entity", title: iri }, label || slug);
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "muted";
}

// ---- named queries --------------------------------------------------------------------------

async function loadQueries() {
  try {
    const { body } = await getJSON("/api/queries");
    state.queries = body.queries;
  } catch (e) {
    setStatus("could not list the named queries: " + e.message, true);
    return;
  }
  const select = $("query-select");
  for (const q of state.queries) select.append(el("option", { value: q.name }, q.title ? `${q.name} — ${q.title}` : q.name));
}

function pickQuery(name, values) {
  const q = state.queries.find((x) => x.name === name) || null;
  state.current = q;
  $("query-select").value = q ? q.name : "";
  $("query-description").textContent = q ? q.description || "" : "Write any read-only SPARQL query.";
  const form = $("params");
  form.replaceChildren();
  if (!q) return;
  for (const p of q.parameters) {
    const id = "param-" + p.name;
    const input = el("input", { id, name: p.name, type: "text", placeholder: p.default || p.name });
    if (values && values[p.name] !== undefined) input.value = values[p.name];
    else if (p.default) input.value = p.default;
    form.append(el("label", { for: id, title: p.description || "" }, p.name), input,
                el("span", { class: "muted" }, p.description || ""));
  }
  $("sparql").value = q.sparql || "";
  $("sparql").dataset.original = $("sparql").value;
}

function paramValues() {
  const values = {};
  for (const input of $("params").querySelectorAll("input")) {
    if (input.value.trim() !== "") values[input.name] = input.value.trim();
  }
  return values;
}

// ---- running ------------------------------------------------------------------------------

async function run() {
  const q = state.current;
  const edited = q && $("sparql").value !== $("sparql").dataset.original;
  setStatus("running…");
  const started = performance.now();
  try {
    let result, truncated;
    if (q && !edited) {
      const values = paramValues();
      const qs = new URLSearchParams(values).toString();
      history.replaceState(null, "", "#/query/" + encodeURIComponent(q.name) + (qs ? "?" + qs : ""));
      ({ body: result, truncated } = await getJSON("/api/query/" + encodeURIComponent(q.name) + (qs ? "?" + qs : "")));
    } else {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
        body: $("sparql").value,
      });
      const text = await response.text();
      if (!response.ok) throw new Error(text.trim() || response.statusText);
      result = JSON.parse(text);
      truncated = response.headers.get("X-Axialkg-Truncated");
      result.labels = await labelsFor(result);
    }
    renderResults(result, truncated);
    const n = result.results ? result.results.bindings.length : 1;
    setStatus(`${n} row${n === 1 ? "" : "s"} in ${Math.round(performance.now() - started)} ms` +
              (edited ? " (edited text run as your own SPARQL; parameters not applied)" : ""));
  } catch (e) {
    $("results").replaceChildren();
    setStatus(e.message, true);
  }
}

async function labelsFor(result) {
  const iris = new Set();
  for (const row of (result.results || { bindings: [] }).bindings) {
    for (const t of Object.values(row)) if (t.type === "uri" && t.value.startsWith(NS)) iris.add(t.value);
  }
  if (!iris.size) return {};
  try {
    const { body } = await getJSON("/api/labels", { method: "POST", body: JSON.stringify([...iris]) });
    return body;
  } catch (e) { return {}; }
}

function cell(term, labels) {
  if (!term) return el("td", {});
  if (term.type === "uri") {
    const td = el("td", {}, entityLink(term.value, labels[term.value]));
    if (slugOf(term.value)) {
      td.append(" ", el("button", { type: "button", class: "mini", title: "show its neighbourhood",
                                    onclick: () => showResultGraph(term.value, labels[term.value]) }, "◎"));
    }
    return td;
  }
  if (term.type === "bnode") return el("td", { class: "muted" }, "_:" + term.value);
  return el("td", {}, term.value);
}

function renderResults(result, truncated) {
  const table = $("results");
  table.replaceChildren();
  $("truncated").hidden = !truncated;
  $("truncated").textContent = truncated ? "Results truncated: " + truncated : "";
  if (result.boolean !== undefined) {
    table.append(el("tr", {}, el("td", {}, String(result.boolean))));
    return;
  }
  const vars = result.head.vars;
  const labels = result.labels || {};
  table.append(el("thead", {}, el("tr", {}, vars.map((v) => el("th", {}, v)))));
  const tbody = el("tbody", {});
  for (const row of result.results.bindings) tbody.append(el("tr", {}, vars.map((v) => cell(row[v], labels))));
  table.append(tbody);
}

// ---- neighbourhood graph (radial layout: centre, then hop rings) ----------------------------

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
function colour(category) {
  let h = 0;
  for (const ch of category || "") h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function svg(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function drawGraph(target, iri) {
  target.replaceChildren(svg("text", { x: 20, y: 30, class: "muted" }, "loading…"));
  let data;
  try {
    ({ body: data } = await getJSON("/api/neighbors/" + encodeURIComponent(slugOf(iri)) + "?hops=1"));
  } catch (e) {
    target.replaceChildren(svg("text", { x: 20, y: 30, class: "error" }, e.message));
    return;
  }
  const W = 760, H = 460, cx = W / 2, cy = H / 2;
  const pos = new Map();
  const centre = data.nodes.find((n) => n.iri === data.center) || data.nodes[0];
  const others = data.nodes.filter((n) => n !== centre)
    .sort((a, b) => (a.category || "").localeCompare(b.category || "") || a.label.localeCompare(b.label));
  pos.set(centre.id, [cx, cy]);
  const r = Math.min(W, H) / 2 - 40;
  others.forEach((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(others.length, 1) - Math.PI / 2;
    pos.set(n.id, [cx + 1.45 * r * Math.cos(a), cy + r * Math.sin(a)]);
  });
  target.replaceChildren();
  const edges = svg("g", { class: "edges" });
  for (const e of data.edges) {
    const [x1, y1] = pos.get(e.source) || [cx, cy];
    const [x2, y2] = pos.get(e.target) || [cx, cy];
    const line = svg("line", { x1, y1, x2, y2 });
    const sources = (e.sources || []).join(", ");
    line.append(svg("title", {}, `${e.label || e.predicate}${sources ? " — sources: " + sources : ""}`));
    edges.append(line);
    if (data.edges.length <= 16) {  // name the relation on the edge while that stays readable
      edges.append(svg("text", { x: x1 + 0.55 * (x2 - x1), y: y1 + 0.55 * (y2 - y1) - 3, class: "edge-label",
                                 "text-anchor": "middle" }, e.label || ""));
    }
  }
  target.append(edges);
  const nodes = svg("g", { class: "nodes" });
  for (const n of data.nodes) {
    const [x, y] = pos.get(n.id);
    const g = svg("g", { class: "node" + (n === centre ? " centre" : ""), transform: `translate(${x},${y})` });
    g.append(svg("circle", { r: n === centre ? 11 : 7, fill: colour(n.category) }));
    g.append(svg("title", {}, `${n.label} (${n.category || "entity"})`));
    const label = n.label.length > 28 ? n.label.slice(0, 27) + "…" : n.label;
    g.append(svg("text", { x: x < cx - 5 ? -10 : 10, y: 4, "text-anchor": x < cx - 5 ? "end" : "start" }, label));
    if (slugOf(n.iri)) g.addEventListener("click", () => { location.hash = entityHref(n.iri); });
    nodes.append(g);
  }
  target.append(nodes);
  target.setAttribute("aria-label", `graph of ${centre.label} and ${others.length} neighbours`);
}

function showResultGraph(iri, label) {
  $("result-graph-box").hidden = false;
  const a = $("result-graph-title");
  a.textContent = label || slugOf(iri);
  a.href = entityHref(iri);
  drawGraph($("result-graph"), iri);
}

// ---- entity page ---------------------------------------------------------------------------

async function showEntity(slug) {
  $("query-view").hidden = true;
  $("entity-view").hidden = false;
  $("entity-label").textContent = "loading…";
  for (const id of ["entity-iri", "entity-types", "entity-definition", "entity-synonyms", "entity-xrefs"]) $(id).replaceChildren();
  $("entity-claims").replaceChildren();
  let e;
  try {
    ({ body: e } = await getJSON("/api/entity/" + encodeURIComponent(slug)));
  } catch (err) {
    $("entity-label").textContent = err.message;
    return;
  }
  document.title = `${e.label} — axialkg`;
  $("entity-label").textContent = e.label;
  $("entity-iri").textContent = e.iri;
  $("entity-types").replaceChildren(...e.types.map((t) => el("span", { class: "tag", title: t.iri }, t.label)));
  $("entity-definition").textContent = e.definition || "";
  $("entity-synonyms").textContent = e.synonyms.length ? e.synonyms.join("; ") : "—";
  $("entity-xrefs").replaceChildren(...(e.xrefs.length ? e.xrefs.map((x) => el("span", { class: "tag mono" }, x)) : ["—"]));
  const table = $("entity-claims");
  table.append(el("thead", {}, el("tr", {}, ["", "relation", "entity", "sources"].map((h) => el("th", {}, h)))));
  const tbody = el("tbody", {});
  for (const c of e.claims) {
    const sources = c.sources.map((s) => s.label).join(", ") + (c.further_sources ? ` +${c.further_sources}` : "");
    tbody.append(el("tr", {},
      el("td", { class: "muted" }, c.direction === "in" ? "←" : "→"),
      el("td", { title: c.predicate }, c.predicate_label),
      el("td", {}, entityLink(c.other.iri, c.other.label)),
      el("td", { title: c.section ? "from the article section: " + c.section.label : "" }, sources || "—")));
  }
  table.append(tbody);
  drawGraph($("entity-graph"), e.iri);
}

// ---- routing (#/, #/query/NAME?x=y, #/entity/SLUG; also /entity/SLUG) ---------------------

function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  const path = location.pathname;
  if (hash.startsWith("/entity/")) return showEntity(hash.slice(8));
  if (!hash && path.startsWith("/entity/")) return showEntity(decodeURIComponent(path.slice(8)));
  $("entity-view").hidden = true;
  $("query-view").hidden = false;
  document.title = "axialkg — axial osteosclerosis knowledge graph";
  if (hash.startsWith("/query/")) {
    const [name, qs] = hash.slice(7).split("?");
    if (!state.current || state.current.name !== name) {
      pickQuery(name, Object.fromEntries(new URLSearchParams(qs || "")));
      if (state.current) run();
    }
  }
}

async function init() {
  $("query-select").addEventListener("change", (ev) => { pickQuery(ev.target.value); $("results").replaceChildren(); });
  $("run").addEventListener("click", run);
  $("params").addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  $("sparql").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) run(); });
  window.addEventListener("hashchange", route);
  await loadQueries();
  route();
}

init();
