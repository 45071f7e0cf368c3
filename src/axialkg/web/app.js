// axialkg web page: a SPARQL workbench (Yasqe editor, Yasr results), entity and class pages, an
// interactive neighbourhood (Cytoscape.js), search and the diagnose form. No build step; the vendored
// libraries are plain scripts loaded before this module. Named-query values go to /api/query/NAME as
// URL parameters, which the server binds; SPARQL the page writes itself lives in queries.js.
import { PREFIXES, TERMS, CLASS_INFO, CLASS_PARENTS, CLASS_CHILDREN, CLASS_MEMBERS, PROPERTY_INFO, bindValues } from "./queries.js";
import { resolverUrl } from "./resolvers.js";

const NS = PREFIXES.axkg;
const Yasqe = window.Yasqe.default || window.Yasqe;
const Yasr = window.Yasr.default || window.Yasr;
const $ = (id) => document.getElementById(id);
const state = { queries: [], current: null, terms: null, yasqe: null, yasr: null, raw: null, original: "" };
window.axialkg = { graphs: {}, state };  // the page's live objects, for the console and the browser tests

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function getJSON(url, options) {
  const response = await fetch(url, options);
  let body;
  try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
  if (!response.ok) throw new HttpError(response.status, body.error || response.statusText);
  return { body, truncated: response.headers.get("X-Axialkg-Truncated") };
}

// A route answers unless it says 404 (absent) or 501 (present but not implemented on this server).
async function routeExists(url) {
  try {
    const response = await fetch(url);
    return response.status !== 404 && response.status !== 501;
  } catch (e) { return false; }
}

async function sparql(query, accept) {
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", Accept: accept || "application/sparql-results+json" },
    body: query,
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, text.trim() || response.statusText);
  return { text, contentType: (response.headers.get("Content-Type") || "").split(";")[0],
           truncated: response.headers.get("X-Axialkg-Truncated") };
}

async function select(query, bindings) {
  const { text } = await sparql(bindValues(query, bindings || {}));
  return JSON.parse(text).results.bindings;
}

// ---- links: graph IRIs open the page, http(s) opens the resolver, anything else is text ----------

const slugOf = (iri) => (iri.startsWith(NS) ? iri.slice(NS.length) : null);
const entityHref = (iri) => "#/entity/" + encodeURIComponent(slugOf(iri));
const isWebUrl = (url) => /^https?:\/\//i.test(url);

// "https://w3id.org/biolink/vocab/treats" -> "biolink:treats" with the project's prefixes, else the IRI.
function curie(iri) {
  for (const [p, ns] of Object.entries(PREFIXES)) if (iri.startsWith(ns) && iri.length > ns.length) return `${p}:${iri.slice(ns.length)}`;
  return iri;
}

function entityLink(iri, label) {
  if (slugOf(iri)) return el("a", { href: entityHref(iri), class: "entity", title: iri }, label || slugOf(iri));
  if (isWebUrl(iri)) return el("a", { href: iri, class: "external", title: iri, rel: "noopener noreferrer" }, label || curie(iri));
  return el("span", { class: "iri", title: iri }, label || iri);  // javascript:, data:, urn: ... never a link
}

function xrefLink(curie) {
  const url = resolverUrl(curie);
  if (!url || !isWebUrl(url)) return el("span", { class: "tag mono" }, curie);
  return el("a", { href: url, class: "tag mono xref", title: url, rel: "noopener noreferrer", target: "_blank" }, curie);
}

function setStatus(text, isError, suggest) {
  const status = $("status");
  status.replaceChildren(text);
  status.className = isError ? "error" : "muted";
  if (isError && suggest) {
    const names = suggestionsIn(text);
    if (names.length) status.append(" ", ...names.map((n) => el("button", { type: "button", class: "mini suggestion", onclick: () => suggest(n) }, n)));
  }
}

// "…; did you mean: a, b?" → ["a", "b"]
function suggestionsIn(message) {
  const m = /did you mean:?\s*(.+?)\??$/i.exec(message);
  return m ? m[1].split(/,\s*/).map((s) => s.trim().replace(/^'|'$/g, "")).filter(Boolean) : [];
}

// ---- the term index (autocomplete, names for edited named queries) ------------------------

async function terms() {
  if (!state.terms) {
    state.terms = select(TERMS).then((rows) => rows.map((r) => ({ iri: r.term.value, label: r.label ? r.label.value : "" })))
      .catch(() => []);
  }
  return state.terms;
}

// Terms whose slug or label contains the text, or shares its first word: "did you mean" material.
async function nearNames(text) {
  const low = text.toLowerCase().replace(/^axkg:/, "");
  const all = (await terms()).filter((t) => slugOf(t.iri) && !/^[A-Z]/.test(slugOf(t.iri)) && t.label);
  const stem = low.slice(0, Math.max(4, Math.floor(low.length * 0.6)));
  const score = (t) => (t.label.toLowerCase() === low ? 0 : slugOf(t.iri).startsWith(low) ? 1 :
                        t.label.toLowerCase().includes(low) || slugOf(t.iri).includes(low) ? 2 :
                        slugOf(t.iri).startsWith(stem) || t.label.toLowerCase().startsWith(stem) ? 3 : 9);
  return all.map((t) => [score(t), t]).filter(([s]) => s < 9).sort((a, b) => a[0] - b[0] || a[1].label.localeCompare(b[1].label))
    .slice(0, 5).map(([, t]) => t);
}

async function resolveName(value) {
  const v = value.trim();
  if (/^https?:\/\//.test(v)) return v;
  const all = await terms();
  const low = v.toLowerCase().replace(/^axkg:/, "");
  const hit = all.find((t) => slugOf(t.iri) === low) || all.find((t) => t.label.toLowerCase() === low) ||
              all.find((t) => slugOf(t.iri).toLowerCase() === low);
  if (hit) return hit.iri;
  const near = await nearNames(v);
  throw new Error(`no entity '${v}'` + (near.length ? "; did you mean: " + near.map((t) => slugOf(t.iri)).join(", ") + "?" : ""));
}

// ---- editor ---------------------------------------------------------------------------

function registerCompleters() {
  // The bundled prefix.cc list with the project's prefixes first (it lacks axkg, oboInOwl, biolink).
  const ours = Object.entries(PREFIXES).map(([p, ns]) => `${p}: <${ns}>`);
  const bundled = Yasqe.Autocompleters.prefixes;
  Yasqe.registerAutocompleter({
    ...bundled, name: "axkg-prefixes", persistenceId: null,
    get: async (yasqe, token) => {
      const known = new Set(ours.map((l) => l.split(":")[0]));
      const rest = (await bundled.get(yasqe, token)).filter((l) => !known.has(l.split(":")[0]));
      return [...ours, ...rest];
    },
  }, false);
  Yasqe.registerAutocompleter({
    name: "axkg-terms", bulk: true, autoShow: true, persistenceId: null,
    isValidCompletionPosition: (yasqe) => /^axkg:/.test(yasqe.getCompleteToken().string),
    preProcessToken: (yasqe, token) => ({ ...token, autocompletionString: token.string }),
    get: async () => (await terms()).map((t) => "axkg:" + slugOf(t.iri)),
    postprocessHints: (yasqe, hints) => {
      const labels = new Map((Array.isArray(state.termsDone) ? state.termsDone : []).map((t) => ["axkg:" + slugOf(t.iri), t.label]));
      return hints.map((h) => ({ ...h, displayText: labels.has(h.text) ? `${h.text}  ${labels.get(h.text)}` : h.text }));
    },
  }, false);
}

const COMPLETERS = ["axkg-prefixes", "variables", "axkg-terms"];

function makeEditor(value) {
  registerCompleters();
  // Yasqe merges its config into the defaults index by index, so a shorter list would keep the LOV
  // completers ("property", "class": requests to lov.linkeddata.es); set the defaults themselves.
  Yasqe.defaults.autocompleters = [...COMPLETERS];
  const yasqe = new Yasqe($("editor"), {
    value, persistenceId: null, showQueryButton: false, resizeable: true, editorHeight: "240px",
    autocompleters: [...COMPLETERS], createShareableLink: null,
    requestConfig: { endpoint: "/sparql", method: "POST" },  // Yasqe's own runner, if ever reached: never its dbpedia default
  });
  yasqe.on("change", () => markEdited());
  yasqe.addKeyMap({ "Ctrl-Enter": () => run(), "Cmd-Enter": () => run() });
  return yasqe;
}

function makeResults() {
  const yasr = new Yasr($("yasr"), {
    prefixes: PREFIXES, persistenceId: null, pluginOrder: ["table", "response"], defaultPlugin: "table",
    plugins: { table: { dynamicConfig: { openIriInNewWindow: false } } },
  });
  // Yasr writes IRIs as <a href=IRI>: make graph IRIs open their page (with a neighbourhood button) and
  // turn every non-http(s) link back into text, whenever a table is (re)drawn, paged or sorted.
  new MutationObserver(() => fixLinks($("yasr"))).observe($("yasr"), { childList: true, subtree: true });
  return yasr;
}

function fixLinks(root) {
  for (const a of root.querySelectorAll("a[href]:not([data-fixed])")) {
    const href = a.getAttribute("href");
    a.dataset.fixed = "1";
    if (href.startsWith("#")) continue;
    if (slugOf(href)) {
      a.setAttribute("href", entityHref(href));
      a.classList.add("entity");
      a.removeAttribute("target");
      a.title = href;
      const label = labelOf(href);
      if (label) a.textContent = label;
      const button = el("button", { type: "button", class: "mini", title: "show its neighbourhood", "data-fixed": "1",
                                   onclick: (ev) => { ev.preventDefault(); showResultGraph(href, label); } }, "◎");
      a.after(" ", button);
    } else if (!isWebUrl(href)) {
      a.replaceWith(el("span", { class: "iri", title: href }, a.textContent));
    } else {
      a.rel = "noopener noreferrer";
    }
  }
}

function labelOf(iri) {
  const all = Array.isArray(state.termsDone) ? state.termsDone : [];
  const t = all.find((x) => x.iri === iri);
  return t ? t.label : null;
}

function markEdited() {
  const edited = !!state.current && state.yasqe.getValue() !== state.original;
  $("query-description").classList.toggle("edited", edited);
  $("edited-note").hidden = !edited;
}

// ---- named queries ----------------------------------------------------------------------

async function loadQueries() {
  try {
    const { body } = await getJSON("/api/queries");
    state.queries = body.queries;
  } catch (e) {
    setStatus("could not list the named queries: " + e.message, true);
    return;
  }
  const selectBox = $("query-select");
  for (const q of state.queries) selectBox.append(el("option", { value: q.name }, q.title ? `${q.name} — ${q.title}` : q.name));
}

function pickQuery(name, values, text) {
  const q = state.queries.find((x) => x.name === name) || null;
  state.current = q;
  $("query-select").value = q ? q.name : "";
  $("query-description").replaceChildren(q ? q.description || "" : "Write any read-only SPARQL query; the usual prefixes need no PREFIX line.",
    el("span", { id: "edited-note", class: "muted", hidden: "" }, " — edited: runs through /sparql with the parameters below bound"));
  const form = $("params");
  form.replaceChildren();
  if (q) {
    for (const p of q.parameters) {
      const id = "param-" + p.name;
      const input = el("input", { id, name: p.name, type: "text", placeholder: p.default || p.name, list: "term-names" });
      if (values && values[p.name] !== undefined) input.value = values[p.name];
      else if (p.default) input.value = p.default;
      // a parameter described by its class ("cause (Presentation)") links to that class's page
      const cls = /^[A-Z][A-Za-z]+$/.test(p.description || "");
      form.append(el("label", { for: id, title: p.description || "" }, p.name), input,
                  cls ? el("span", { class: "muted param-class" }, "a ", entityLink(NS + p.description, p.description),
                           ", by label, synonym or CURIE")
                    : el("span", { class: "muted" }, p.description || ""));
    }
  }
  state.original = q ? q.sparql || "" : "";
  if (text !== undefined) state.yasqe.setValue(text);
  else if (q) state.yasqe.setValue(state.original);
  markEdited();
}

function paramValues() {
  const values = {};
  for (const input of $("params").querySelectorAll("input")) {
    if (input.value.trim() !== "") values[input.name] = input.value.trim();
  }
  return values;
}

// ---- running ----------------------------------------------------------------------------

function shareUrl(q, values, text) {
  const qs = new URLSearchParams(values);
  if (!q) return "#/sparql?" + new URLSearchParams({ query: text }).toString();
  if (text !== undefined) qs.set("_sparql", text);
  const s = qs.toString();
  return "#/query/" + encodeURIComponent(q.name) + (s ? "?" + s : "");
}

async function run() {
  const q = state.current;
  const text = state.yasqe.getValue();
  const edited = !!q && text !== state.original;
  const values = paramValues();
  setStatus("running…");
  const started = performance.now();
  try {
    let response, truncated;
    state.routing = true;
    history.replaceState(null, "", shareUrl(q, values, edited || !q ? text : undefined));
    state.routing = false;
    if (q && !edited) {
      const qs = new URLSearchParams(values).toString();
      const got = await getJSON("/api/query/" + encodeURIComponent(q.name) + (qs ? "?" + qs : ""));
      truncated = got.truncated;
      response = { data: JSON.stringify(got.body), contentType: "application/sparql-results+json" };
    } else {
      const bindings = {};
      for (const [name, value] of Object.entries(values)) bindings[name] = { iri: await resolveName(value) };
      const got = await sparql(bindValues(text, bindings), "application/sparql-results+json, text/turtle;q=0.9");
      truncated = got.truncated;
      response = { data: got.text, contentType: got.contentType };
    }
    await terms().then((t) => { state.termsDone = t; });
    const ms = Math.round(performance.now() - started);
    state.raw = response;
    state.yasr.setResponse({ ...response, status: 200, executionTime: ms });
    $("truncated").hidden = !truncated;
    $("truncated").textContent = truncated ? "Results truncated: " + truncated : "";
    $("download-csv").disabled = $("download-json").disabled = false;
    const n = rowCount(state.yasr), answer = state.yasr.results.getBoolean();
    const what = answer !== undefined && answer !== null ? `answer: ${answer}`  // ASK: its answer, not "1 row"
      : `${n} ${state.yasr.results.getType() === "ttl" ? "triple" : "row"}${n === 1 ? "" : "s"}`;
    setStatus(`${what} in ${ms} ms` + (edited ? " (your edited text, parameters bound)" : ""));
  } catch (e) {
    setStatus(e.message, true, (name) => {
      const input = $("params").querySelector("input");
      if (input) { input.value = name; run(); }
    });
  }
}

function rowCount(yasr) {
  const b = yasr.results && yasr.results.getBindings();
  return b ? b.length : 1;
}

function download(kind) {
  const results = state.yasr.results;
  if (!results) return;
  const csv = kind === "csv";
  const body = csv ? results.asCsv() : (state.raw.contentType.includes("json") ? state.raw.data : JSON.stringify(results.getAsJson(), null, 1));
  const blob = new Blob([body], { type: csv ? "text/csv" : "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: `${state.current ? state.current.name : "query"}.${kind}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// ---- neighbourhood (Cytoscape.js: zoom, drag, tap to expand, legend by category) ---------------

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
                 "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf"];
const HIDDEN_BY_DEFAULT = new Set(["question"]);  // FAQ nodes: many, and they say little about structure

function colour(category) {
  let h = 0;
  for (const ch of category || "") h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

async function neighbourhood(box, iri) {
  const legend = el("div", { class: "legend" });
  const canvas = el("div", { class: "cy" });
  const info = el("p", { class: "muted graph-help" }, "Scroll to zoom, drag to move; click a node to expand it, double-click to open its page.");
  box.replaceChildren(info, legend, canvas);
  const cy = cytoscape({
    container: canvas, minZoom: 0.2, maxZoom: 3, wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(short)", "font-size": 13,
                                   "text-valign": "bottom", "text-margin-y": 3, "text-background-color": "#fff",
                                   "text-background-opacity": 0.8, "text-background-padding": 1, width: 14, height: 14 } },
      { selector: "node.centre", style: { width: 24, height: 24, "font-weight": "bold", "font-size": 15 } },
      { selector: "node.expanded", style: { "border-width": 2, "border-color": "#1f3556" } },
      { selector: ".off", style: { display: "none" } },
      { selector: "edge", style: { width: 1.2, "line-color": "#9aa5b5", "curve-style": "bezier", "target-arrow-shape": "triangle",
                                   "target-arrow-color": "#9aa5b5", "arrow-scale": 0.7 } },
      { selector: "edge:selected, edge.hover", style: { label: "data(label)", "font-size": 9, color: "#444", width: 2.5, "line-color": "#2f5d9b" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#e15759" } },
    ],
  });
  const graph = { cy, box, hidden: new Set(HIDDEN_BY_DEFAULT), legend };
  window.axialkg.graphs[box.id] = graph;
  cy.on("tap", "node", (ev) => expand(graph, ev.target.id()));
  cy.on("dbltap", "node", (ev) => { if (slugOf(ev.target.id())) location.hash = entityHref(ev.target.id()); });
  // hovering names an edge's relation and the sources of its claim, or a node's label and category
  const help = info.textContent;
  cy.on("mouseover", "edge", (ev) => {
    ev.target.addClass("hover");
    const d = ev.target.data(), name = (id) => cy.getElementById(id).data("label");
    info.textContent = `${name(d.source)} — ${d.label} → ${name(d.target)}` + (d.sources ? ` (sources: ${d.sources})` : "");
  });
  cy.on("mouseover", "node", (ev) => { info.textContent = `${ev.target.data("label")} (${ev.target.data("category")})`; });
  cy.on("mouseout", "edge", (ev) => { ev.target.removeClass("hover"); info.textContent = help; });
  cy.on("mouseout", "node", () => { info.textContent = help; });
  await expand(graph, iri, true);
  return graph;
}

async function expand(graph, iri, first) {
  const { cy } = graph;
  if (!slugOf(iri) || cy.getElementById(iri).hasClass("expanded")) return;
  let data;
  try {
    ({ body: data } = await getJSON("/api/neighbors/" + encodeURIComponent(slugOf(iri)) + "?hops=1"));
  } catch (e) {
    graph.box.querySelector(".graph-help").textContent = e.message;
    return;
  }
  const added = [];
  for (const n of data.nodes) {
    if (cy.getElementById(n.id).nonempty()) continue;
    const short = n.label.length > 26 ? n.label.slice(0, 25) + "…" : n.label;
    added.push({ group: "nodes", data: { id: n.id, label: n.label, short, category: n.category || "entity", colour: colour(n.category) },
                 classes: n.iri === data.center && first ? "centre" : "" });
  }
  for (const e of data.edges) {
    const id = `${e.source} ${e.predicate} ${e.target}`;
    if (cy.getElementById(id).nonempty()) continue;
    added.push({ group: "edges", data: { id, source: e.source, target: e.target, label: e.label || "", sources: (e.sources || []).join(", ") } });
  }
  const centre = cy.getElementById(iri);
  const at = centre.nonempty() ? centre.position() : { x: 0, y: 0 };
  // new nodes start on a spiral round the expanded one (golden angle): the same layout on every load
  let k = 0;
  cy.add(added.map((x) => {
    if (x.group !== "nodes") return x;
    k++;
    const angle = k * 2.39996, radius = 30 + 6 * k;
    return { ...x, position: { x: at.x + radius * Math.cos(angle), y: at.y + radius * Math.sin(angle) } };
  }));
  cy.getElementById(iri).addClass("expanded");
  applyHidden(graph);
  drawLegend(graph);
  await layout(graph);
}

function applyHidden(graph) {
  graph.cy.nodes().forEach((n) => {
    n.toggleClass("off", graph.hidden.has(n.data("category")) && !n.hasClass("centre"));
  });
}

function layout(graph) {
  return new Promise((resolve) => {
    const visible = graph.cy.elements().not(".off");
    // laid out in a box of the canvas's own shape, so that fitting it does not shrink the labels to specks
    const w = graph.cy.width() || 800, h = graph.cy.height() || 520, n = Math.max(visible.nodes().length, 1);
    const scale = Math.max(1, Math.sqrt(n / 25));
    // one node's neighbourhood as a ring round it (reads like a star); once nodes are expanded, force-directed
    const single = graph.cy.nodes(".expanded").length <= 1;
    const run = single
      ? visible.layout({ name: "concentric", animate: false, nodeDimensionsIncludeLabels: true, avoidOverlap: true, padding: 20,
                         concentric: (n) => (n.hasClass("expanded") ? 2 : 1), levelWidth: () => 1, startAngle: Math.PI / 2,
                         boundingBox: { x1: 0, y1: 0, w, h } })
      : visible.layout({ name: "cose", animate: false, nodeDimensionsIncludeLabels: true, randomize: false,
                         boundingBox: { x1: 0, y1: 0, w: w * scale, h: h * scale },
                         nodeRepulsion: () => 9000, idealEdgeLength: () => 80, padding: 20, numIter: 1500 });
    run.one("layoutstop", () => {
      const cy = graph.cy, shown = () => cy.elements().not(".off");
      cy.nodes().removeStyle("font-size");
      separate(cy);
      cy.fit(shown(), 20);
      // a big neighbourhood fits only zoomed out, which shrinks the labels: draw them larger by as much,
      // part them again, and fit once more, so that they stay readable at the zoom the graph opens at
      const zoom = cy.zoom();
      if (zoom < 0.95) {
        cy.nodes().forEach((n) => { n.style("font-size", `${Math.min(2.5, 1 / zoom) * (n.hasClass("centre") ? 15 : 13)}px`); });
        separate(cy);
        cy.fit(shown(), 20);
      }
      updateCount(graph);
      resolve();
    });
    run.run();
  });
}

// Force-directed layouts leave some labels touching: push label boxes apart until a gap of GAP model
// pixels separates every two (labels that merely touch read as one: "fedratinib JAK-STAT signalling").
const GAP = 6;
function separate(cy) {
  const nodes = cy.nodes().not(".off").toArray();
  for (let round = 0; round < 400; round++) {
    let moved = false;
    const box = (n) => { const b = n.boundingBox({ includeLabels: true, includeOverlays: false });
      return { x1: b.x1 - GAP / 2, x2: b.x2 + GAP / 2, y1: b.y1 - GAP / 2, y2: b.y2 + GAP / 2 }; };
    const boxes = nodes.map(box);
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
        const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        if (dx <= 0 || dy <= 0) continue;
        moved = true;
        const pi = nodes[i].position(), pj = nodes[j].position();
        const vertical = dy < dx;
        const push = (vertical ? dy : dx) / 2 + 1;
        const sign = vertical ? (pi.y <= pj.y ? -1 : 1) : (pi.x <= pj.x ? -1 : 1);
        const shift = vertical ? { x: 0, y: sign * push } : { x: sign * push, y: 0 };
        nodes[i].position({ x: pi.x + shift.x, y: pi.y + shift.y });
        nodes[j].position({ x: pj.x - shift.x, y: pj.y - shift.y });
        boxes[i] = box(nodes[i]);
        boxes[j] = box(nodes[j]);
      }
    }
    if (!moved) return;
  }
}

function drawLegend(graph) {
  const counts = new Map();
  graph.cy.nodes().forEach((n) => counts.set(n.data("category"), (counts.get(n.data("category")) || 0) + 1));
  const items = [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([category, count]) => {
    const box = el("input", { type: "checkbox", "data-category": category });
    box.checked = !graph.hidden.has(category);
    box.addEventListener("change", () => {
      if (box.checked) graph.hidden.delete(category); else graph.hidden.add(category);
      applyHidden(graph);
      layout(graph);
    });
    return el("label", { class: "legend-item" }, box, el("span", { class: "swatch", "data-colour": colour(category) }), `${category} (${count})`);
  });
  graph.legend.replaceChildren(...items);
  for (const s of graph.legend.querySelectorAll(".swatch")) s.style.backgroundColor = s.dataset.colour;
}

function updateCount(graph) {
  graph.box.dataset.nodes = String(graph.cy.nodes().not(".off").length);
}

function showResultGraph(iri, label) {
  $("result-graph-box").hidden = false;
  const a = $("result-graph-title");
  a.textContent = label || slugOf(iri);
  a.href = entityHref(iri);
  neighbourhood($("result-graph"), iri);
}

// ---- entity and class pages ------------------------------------------------------------------

function showView(id) {
  for (const v of ["query-view", "entity-view", "class-view", "property-view", "diagnose-view", "search-view"]) $(v).hidden = v !== id;
}

async function showEntity(slug) {
  showView("entity-view");
  $("entity-label").textContent = "loading…";
  for (const id of ["entity-iri", "entity-types", "entity-definition", "entity-synonyms", "entity-xrefs", "entity-claims", "entity-graph"]) $(id).replaceChildren();
  const stale = document.getElementById("entity-claims-more");
  if (stale) stale.remove();
  delete window.axialkg.graphs["entity-graph"];
  let e;
  try {
    ({ body: e } = await getJSON("/api/entity/" + encodeURIComponent(slug)));
  } catch (err) {
    if (err.status === 404 && (await showClass(slug) || await showProperty(slug))) return;
    $("entity-label").textContent = err.message;
    const near = await nearNames(slug);  // suggestions as links to their pages
    if (near.length) $("entity-iri").replaceChildren("did you mean: ", ...near.flatMap((t, i) => [i ? ", " : "", entityLink(t.iri, t.label)]));
    return;
  }
  document.title = `${e.label} — axialkg`;
  $("entity-label").textContent = e.label;
  $("entity-iri").textContent = e.iri;
  $("entity-types").replaceChildren(...e.types.map((t) => el("a", { class: "tag", href: slugOf(t.iri) ? entityHref(t.iri) : null, title: t.iri }, t.label)));
  $("entity-definition").textContent = e.definition || "";
  $("entity-synonyms").textContent = e.synonyms.length ? e.synonyms.join("; ") : "—";
  $("entity-xrefs").replaceChildren(...(e.xrefs.length ? e.xrefs.map(xrefLink) : ["—"]));
  const table = $("entity-claims");
  table.append(el("thead", {}, el("tr", {}, ["", "relation", "entity", "sources", "article section"].map((h) => el("th", {}, h)))));
  const tbody = el("tbody", {});
  const addClaims = (claims) => {
    for (const c of claims) {
      const sources = c.sources.map((s) => s.label).join(", ") + (c.further_sources ? ` +${c.further_sources}` : "");
      tbody.append(el("tr", {},
        el("td", { class: "muted" }, c.direction === "in" ? "←" : "→"),
        el("td", { title: c.predicate }, c.predicate_label),
        el("td", {}, entityLink(c.other.iri, c.other.label)),
        el("td", {}, sources || "—"),
        el("td", { class: "muted" }, c.section ? c.section.label.replace(/^article section: /, "") : "")));
    }
  };
  addClaims(e.claims);
  table.append(tbody);
  // A hub has thousands of claims: the endpoint sends them a page at a time, the button fetches the next.
  let shown = new Set(e.claims.map((c) => c.direction + c.predicate + c.other.iri)).size;
  if (shown < e.claim_count) {
    const more = el("button", { id: "entity-claims-more", type: "button" }, "");
    const label = () => { more.textContent = `show more claims (${shown} of ${e.claim_count})`; };
    label();
    more.addEventListener("click", async () => {
      more.disabled = true;
      const { body: next } = await getJSON(`/api/entity/${encodeURIComponent(slug)}?offset=${shown}`);
      addClaims(next.claims);
      shown += new Set(next.claims.map((c) => c.direction + c.predicate + c.other.iri)).size;
      if (shown >= next.claim_count || !next.claims.length) more.remove(); else { label(); more.disabled = false; }
    });
    table.after(more);
  }
  neighbourhood($("entity-graph"), e.iri);
}

// A schema class: definition, parents, children, members (through subclasses too). False if none.
async function showClass(slug) {
  const cls = { iri: NS + slug };
  let info;
  try { info = await select(CLASS_INFO, { class: cls }); } catch (e) { return false; }
  if (!info.length) return false;
  showView("class-view");
  const [parents, children, members] = await Promise.all(
    [CLASS_PARENTS, CLASS_CHILDREN, CLASS_MEMBERS].map((q) => select(q, { class: cls })));
  const label = info[0].label.value;
  document.title = `${label} — axialkg`;
  $("class-label").textContent = label;
  $("class-iri").textContent = cls.iri + " (class)";
  $("class-definition").textContent = info[0].definition ? info[0].definition.value : info[0].comment ? info[0].comment.value : "";
  const links = (rows, v) => (rows.length ? rows.flatMap((r, i) => [i ? ", " : "", entityLink(r[v].value, r.label && r.label.value)]) : ["—"]);
  $("class-parents").replaceChildren(...links(parents, "parent"));
  $("class-children").replaceChildren(...links(children, "child"));
  $("class-count").textContent = `(${members.length})`;
  $("class-members").replaceChildren(...members.map((r) => el("li", {}, entityLink(r.member.value, r.label.value),
    r.via.value !== cls.iri ? el("span", { class: "muted" }, " — ", entityLink(r.via.value, slugOf(r.via.value))) : null)));
  return true;
}

// A schema property: definition, domain, range, inverse, mappings, and a query of its assertions.
async function showProperty(slug) {
  const prop = { iri: NS + slug };
  let rows;
  try { rows = await select(PROPERTY_INFO, { property: prop }); } catch (e) { return false; }
  if (!rows.length) return false;
  showView("property-view");
  const label = rows[0].label.value;
  document.title = `${label} — axialkg`;
  $("property-label").textContent = label;
  $("property-iri").textContent = `${prop.iri} (${rows[0].kind.value.split("#")[1].replace("Property", " property").toLowerCase()})`;
  $("property-definition").textContent = rows[0].definition ? rows[0].definition.value : "";
  const distinct = (v) => [...new Set(rows.filter((r) => r[v]).map((r) => r[v].value))];
  const links = (v) => { const iris = distinct(v); return iris.length ? iris.flatMap((iri, i) => [i ? ", " : "", entityLink(iri, labelOf(iri))]) : ["—"]; };
  for (const v of ["domain", "range", "inverse", "match"]) $("property-" + v).replaceChildren(...links(v));
  const uses = rows[0].uses ? Number(rows[0].uses.value) : 0;
  const query = `PREFIX axkg: <${NS}>\nSELECT ?subject ?object WHERE {\n  ?subject axkg:${slug} ?object .\n} ORDER BY ?subject ?object`;
  $("property-uses").replaceChildren(`${uses} subject${uses === 1 ? "" : "s"} — `,
    el("a", { href: "#/sparql?" + new URLSearchParams({ query }).toString() }, "list its assertions in the workbench"));
  return true;
}

// ---- search box (shown when the server has /api/search) -----------------------------------------

function setupSearch() {
  const input = $("search"), list = $("search-list");
  let timer = null, active = -1, results = [], asked = 0;  // asked: answers to older keystrokes are dropped
  const go = (r) => { list.hidden = true; input.value = ""; if (slugOf(r.iri)) location.hash = entityHref(r.iri); };
  const draw = () => {
    list.replaceChildren(...results.map((r, i) => el("li", { role: "option", class: i === active ? "active" : "", "data-iri": r.iri,
      onmousedown: (ev) => { ev.preventDefault(); go(r); } },
      el("span", { class: "label" }, r.label), el("span", { class: "muted" }, ` ${r.category || ""}`),
      r.matched && r.matched !== r.label ? el("span", { class: "muted matched" }, ` — ${r.matched}`) : null)));
    if (results.length) {  // the way to the results page, below the hits (Enter goes there too)
      const q = input.value.trim();
      list.append(el("li", { class: "more", onmousedown: (ev) => {
        ev.preventDefault(); list.hidden = true; location.hash = "#/search?" + new URLSearchParams({ q }); } },
      `all results for “${q}” ↵`));
    }
    list.hidden = !results.length;
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { results = []; draw(); return; }
    const mine = ++asked;
    timer = setTimeout(async () => {
      try {
        const { body } = await getJSON("/api/search?" + new URLSearchParams({ q, limit: "10" }));
        if (mine === asked && input.value.trim() === q) { results = body.results; active = -1; draw(); }
      } catch (e) { if (mine === asked) { results = []; draw(); } }
    }, 150);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown") { active = Math.min(active + 1, results.length - 1); draw(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); draw(); ev.preventDefault(); }
    else if (ev.key === "Escape") { list.hidden = true; }
  });
  // Enter on a highlighted hit opens it; Enter on the text alone lists every hit, by category
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    asked++;  // a search still on its way must not reopen the list over the page it leads to
    if (active >= 0 && results[active]) go(results[active]);
    else if (input.value.trim()) { list.hidden = true; location.hash = "#/search?" + new URLSearchParams({ q: input.value.trim() }); }
  });
  input.addEventListener("blur", () => setTimeout(() => { list.hidden = true; }, 100));
}

// ---- search results: every hit, with its category as a facet (as the Ontology Lookup Service does) ----

const SEARCH_PAGE_LIMIT = "200";

async function showSearch(qs) {
  showView("search-view");
  const p = new URLSearchParams(qs || "");
  const q = (p.get("q") || "").trim(), only = p.get("category") || "";
  document.title = `${q || "search"} — axialkg`;
  $("sp-q").value = q;
  $("sp-facets").replaceChildren();
  $("sp-results").replaceChildren();
  if (!q) { $("sp-status").textContent = "Type a label, synonym, brand name, CURIE or words of a definition."; return; }
  $("sp-status").textContent = "searching…";
  let hits;
  try {
    ({ body: { results: hits } } = await getJSON("/api/search?" + new URLSearchParams({ q, limit: SEARCH_PAGE_LIMIT })));
  } catch (e) {
    $("sp-status").textContent = e.message;
    return;
  }
  const counts = new Map();
  for (const h of hits) counts.set(h.category, (counts.get(h.category) || 0) + 1);
  const link = (category, text) => {
    const params = new URLSearchParams({ q });
    if (category) params.set("category", category);
    return el("a", { href: "#/search?" + params, class: "facet" + (category === only ? " active" : "") }, text);
  };
  $("sp-facets").replaceChildren(link("", `all (${hits.length})`),
    ...[...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) => link(c, `${c || "entity"} (${n})`)));
  const shown = only ? hits.filter((h) => h.category === only) : hits;
  $("sp-status").textContent = `${shown.length} of ${hits.length} hit${hits.length === 1 ? "" : "s"} for “${q}”` +
    (hits.length >= Number(SEARCH_PAGE_LIMIT) ? ` (the first ${SEARCH_PAGE_LIMIT})` : "");
  $("sp-results").replaceChildren(
    el("thead", {}, el("tr", {}, ["label", "category", "matched", "score"].map((h) => el("th", {}, h)))),
    el("tbody", {}, shown.map((h) => el("tr", {}, el("td", {}, entityLink(h.iri, h.label)), el("td", {}, h.category),
      el("td", { class: "muted" }, h.matched && h.matched !== h.label ? h.matched : ""), el("td", { class: "num" }, h.score.toFixed(3))))));
}

// ---- diagnose form (shown when the server has /api/diagnose) -------------------------------------

async function diagnose(ev) {
  if (ev) ev.preventDefault();
  const lines = (id) => $(id).value.split(/\n|;/).map((s) => s.trim()).filter(Boolean);
  const qs = new URLSearchParams();
  for (const f of lines("dx-present")) qs.append("present", f);
  for (const f of lines("dx-absent")) qs.append("absent", f);
  if ($("dx-prior").value) qs.set("prior", $("dx-prior").value);
  if ($("dx-top").value) qs.set("top", $("dx-top").value);
  state.routing = true;
  history.replaceState(null, "", "#/diagnose?" + qs.toString());
  state.routing = false;
  $("dx-status").textContent = "ranking…";
  $("dx-status").className = "muted";
  let d;
  try {
    ({ body: d } = await getJSON("/api/diagnose?" + qs.toString()));
  } catch (e) {
    dxError(e.message);
    return;
  }
  // the prior's name in the status line, its weights and how each finding was read on a line of their own
  const [priorName, ...priorDetail] = String(d.prior).split(": ");
  $("dx-status").textContent = `${d.candidates.length} causes; prior: ${priorName}`;
  const read = (list) => (list || []).flatMap((f, i) => [i ? ", " : "", entityLink(f.iri, f.label),
    f.input && f.input.toLowerCase() !== String(f.label).toLowerCase() ? el("span", { class: "muted" }, ` (${f.input})`) : ""]);
  $("dx-read").replaceChildren(
    el("div", {}, el("strong", {}, "present: "), ...(d.findings && d.findings.length ? read(d.findings) : ["none"])),
    el("div", {}, el("strong", {}, "absent: "), ...(d.absent && d.absent.length ? read(d.absent) : ["none"])),
    priorDetail.length ? el("div", {}, el("strong", {}, `prior (${priorName}): `), priorDetail.join(": ")) : "");
  const pct = (p) => (100 * p).toFixed(p < 0.001 ? 2 : 1) + " %";
  const evidence = (items) => el("ul", { class: "evidence" }, items.map((s) => el("li", {}, entityLink(s.finding, s.label),
    " ", el("span", { class: "nowrap" }, `LR ${s.likelihood_ratio.toFixed(2)}`), s.sources && s.sources.length ? el("span", { class: "muted" }, ` (${s.sources.join(", ")})`) : null)));
  const rows = d.candidates.map((c, i) => el("tr", {},
    el("td", {}, i + 1), el("td", {}, entityLink(c.cause, c.label)), el("td", { class: "num" }, pct(c.probability)),
    el("td", {}, evidence(c.supporting || [])), el("td", {}, evidence(c.opposing || []))));
  $("dx-candidates").replaceChildren(
    el("thead", {}, el("tr", {}, ["#", "cause", "probability", "supporting", "opposing"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows));
  const labelOfCause = new Map(d.candidates.map((c) => [c.cause, c.label]));
  const top = (list) => (list && list.length
    ? [labelOfCause.get(list[0].cause) || slugOf(list[0].cause), " ", el("span", { class: "nowrap" }, pct(list[0].probability))] : ["—"]);
  $("dx-tests").replaceChildren(
    el("thead", {}, el("tr", {}, ["test", "expected information gain (bits)", "leader if positive", "leader if negative"].map((h) => el("th", {}, h)))),
    el("tbody", {}, (d.next_tests || []).map((t) => el("tr", {}, el("td", {}, entityLink(t.test, t.label)),
      el("td", { class: "num" }, t.expected_information_gain.toFixed(3)), el("td", {}, ...top(t.if_positive)), el("td", {}, ...top(t.if_negative))))));
  $("dx-tests").hidden = !(d.next_tests || []).length;
}

// "no entity 'low marrow signal'; did you mean: low marrow signal on MRI?": each suggestion a button that
// puts the name in place of the unknown one in whichever box held it, and ranks again.
function dxError(message) {
  const status = $("dx-status");
  status.replaceChildren(message);
  status.className = "error";
  const unknown = /no entity '([^']+)'/.exec(message);
  if (!unknown) return;
  const wrong = unknown[1].trim().toLowerCase();
  const swap = (name) => {
    for (const id of ["dx-present", "dx-absent"]) {
      const parts = $(id).value.split(/\n|;/).map((s) => s.trim()).filter(Boolean);
      $(id).value = parts.map((s) => (s.toLowerCase() === wrong ? name : s)).join("\n");
    }
    diagnose();
  };
  const names = suggestionsIn(message);
  if (names.length) status.append(" ", ...names.map((n) => el("button", { type: "button", class: "mini suggestion", onclick: () => swap(n) }, n)));
}

function showDiagnose(qs) {
  showView("diagnose-view");
  document.title = "diagnose — axialkg";
  const p = new URLSearchParams(qs || "");
  if (p.has("present") || p.has("absent")) {
    $("dx-present").value = p.getAll("present").join("\n");
    $("dx-absent").value = p.getAll("absent").join("\n");
    $("dx-prior").value = p.get("prior") || "";
    if (p.get("top")) $("dx-top").value = p.get("top");
    diagnose();
  }
}

// ---- routing: #/, #/query/NAME?x=y[&_sparql=…], #/sparql?query=…, #/entity/SLUG, #/diagnose?…, #/search?q= --

function route() {
  if (state.routing) return;
  const raw = location.hash.slice(1);
  const [path, qs] = [raw.split("?")[0], raw.includes("?") ? raw.slice(raw.indexOf("?") + 1) : ""];
  const hash = decodeURIComponent(path);
  if (hash.startsWith("/entity/")) return showEntity(hash.slice(8));
  if (!hash && location.pathname.startsWith("/entity/")) return showEntity(decodeURIComponent(location.pathname.slice(8)));
  if (hash === "/diagnose") return showDiagnose(qs);
  if (hash === "/search") return showSearch(qs);
  showView("query-view");
  document.title = "axialkg — axial osteosclerosis knowledge graph";
  const params = Object.fromEntries(new URLSearchParams(qs));
  if (hash.startsWith("/query/")) {
    const name = hash.slice(7);
    const text = params._sparql;
    delete params._sparql;
    pickQuery(name, params, text);
    if (state.current) run();
  } else if (hash === "/sparql" && params.query) {
    pickQuery("", {}, params.query);
    run();
  }
}

async function init() {
  state.yasqe = makeEditor(`PREFIX axkg: <${NS}>
SELECT ?drug ?cause WHERE {
  ?drug axkg:treats ?cause .
} LIMIT 20`);
  state.yasr = makeResults();
  $("query-select").addEventListener("change", (ev) => { pickQuery(ev.target.value); });
  $("run").addEventListener("click", run);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));
  $("params").addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  $("diagnose-form").addEventListener("submit", diagnose);
  $("sp-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = "#/search?" + new URLSearchParams({ q: $("sp-q").value.trim() });
  });
  window.addEventListener("hashchange", route);
  pickQuery("");
  const [, hasSearch, hasDiagnose] = await Promise.all([loadQueries(), routeExists("/api/search?q=a&limit=1"), routeExists("/api/diagnose")]);
  if (hasSearch) { $("search-form").hidden = false; setupSearch(); }
  $("nav-diagnose").hidden = !hasDiagnose;
  terms().then((t) => {
    state.termsDone = t;
    const list = el("datalist", { id: "term-names" }, t.filter((x) => x.label).map((x) => el("option", { value: slugOf(x.iri) }, x.label)));
    document.body.append(list);
  });
  route();
  document.body.dataset.ready = "1";
}

init();
