// scopeflow graph viewer: shows the graph embedded in this page folded by name scope, lays
// out only the groups that are open (dagre, inlined above), and draws them as SVG.
// The data's shape is written down in src/viewer/html.cc (page_data).
(function () {
  'use strict';

  const started = performance.now();
  const SVGNS = 'http://www.w3.org/2000/svg';
  const data = JSON.parse(document.getElementById('sf-data').textContent);
  const STR = data.s, GROUPS = data.g, OPS = data.o;
  const N = OPS.length, G = GROUPS.length;
  // Field positions in an op and a group record.
  const O_NAME = 0, O_TYPE = 1, O_GROUP = 2, O_IN = 3, O_DEVICE = 4, O_ATTRS = 5, O_OUTS = 6;
  const G_PARENT = 0, G_LABEL = 1, G_KIND = 2, G_FIRST = 3, G_END = 4;
  const KIND_SCOPE = 0, KIND_OP_SERIES = 1, KIND_SCOPE_SERIES = 2;
  const VARIABLE_TYPES = new Set(['VariableV2', 'Variable', 'VarHandleOp']);
  // Sizes in SVG units.
  const OP_H = 26, GROUP_H = 42, HEADER = 24, PAD = 12, CHAR_W = 6.4, MAX_LABEL = 30;
  // Past this many boxes in one open group, dagre would take seconds: a plain grid instead.
  const GRID_LIMIT = 400;

  // Items on screen are numbered: op p is p, group g is N + g.
  const isGroup = (code) => code >= N;

  // ---- The hierarchy, derived once from the flat records (linear time). ----
  const childGroups = [], childOps = [];
  for (let g = 0; g < G; g++) { childGroups.push([]); childOps.push([]); }
  for (let g = 1; g < G; g++) childGroups[GROUPS[g][G_PARENT]].push(g);
  for (let p = 0; p < N; p++) childOps[OPS[p][O_GROUP]].push(p);

  // A scope group's path; a series shares its parent scope's path (its members' names say so).
  const scopePath = new Array(G);
  // What a group is called in the page and by the search: its scope path, or parent/label.
  const groupPath = new Array(G);
  scopePath[0] = groupPath[0] = '';
  for (let g = 1; g < G; g++) {  // pre-order: parents come first
    const parent = GROUPS[g][G_PARENT], label = GROUPS[g][G_LABEL];
    const joined = scopePath[parent] === '' ? label : scopePath[parent] + '/' + label;
    scopePath[g] = GROUPS[g][G_KIND] === KIND_SCOPE ? joined : scopePath[parent];
    groupPath[g] = joined;
  }
  const isVariable = (p) => VARIABLE_TYPES.has(STR[OPS[p][O_TYPE]]);
  const variables = [];
  const variableCount = new Int32Array(G);
  for (let p = 0; p < N; p++) {
    if (!isVariable(p)) continue;
    variables.push(p);
    for (let g = OPS[p][O_GROUP]; g >= 0; g = GROUPS[g][G_PARENT]) variableCount[g]++;
  }

  // An input record: data from output 0 (p), from output k ([p, k]), or control (-(p + 1)).
  function decodeInput(x) {
    if (Array.isArray(x)) return { src: x[0], index: x[1], control: false };
    if (x < 0) return { src: -x - 1, index: -1, control: true };
    return { src: x, index: 0, control: false };
  }
  const outputDtype = (p, k) => STR[OPS[p][O_OUTS][2 * k]] || '';
  const outputShape = (p, k) => STR[OPS[p][O_OUTS][2 * k + 1]] || '';

  function leaf(name) { return name.slice(name.lastIndexOf('/') + 1); }
  function opLabel(p) {
    const name = OPS[p][O_NAME], g = OPS[p][O_GROUP];
    // The op named like the scope that holds it, as TensorBoard draws it.
    return g !== 0 && name === scopePath[g] ? '(' + leaf(name) + ')' : leaf(name);
  }
  function itemName(code) { return isGroup(code) ? groupPath[code - N] : OPS[code][O_NAME]; }
  function shorten(s) { return s.length > MAX_LABEL ? s.slice(0, MAX_LABEL - 1) + '\u2026' : s; }

  // Who reads each op's outputs: built on first need (a details panel), in linear time.
  let consumerStart = null, consumerList = null;
  function consumersOf(p) {
    if (!consumerStart) {
      consumerStart = new Int32Array(N + 1);
      for (let q = 0; q < N; q++) for (const x of OPS[q][O_IN]) consumerStart[decodeInput(x).src + 1]++;
      for (let q = 0; q < N; q++) consumerStart[q + 1] += consumerStart[q];
      const fill = consumerStart.slice(0, N);
      consumerList = new Array(consumerStart[N]);
      for (let q = 0; q < N; q++) {
        for (const x of OPS[q][O_IN]) {
          const d = decodeInput(x);
          consumerList[fill[d.src]++] = { op: q, index: d.index, control: d.control };
        }
      }
    }
    return consumerList.slice(consumerStart[p], consumerStart[p + 1]);
  }

  // ---- State: which groups are open; layouts cached per group until a descendant changes. ----
  const open = new Uint8Array(G);
  open[0] = 1;
  const layouts = new Array(G).fill(null);
  const edgeCache = new Array(G).fill(null);
  let selected = -1;

  function setOpen(g, value) {
    if (g === 0 || open[g] === (value ? 1 : 0)) return;
    open[g] = value ? 1 : 0;
    // g's own layout does not depend on whether g is open; its ancestors' layouts do.
    for (let h = GROUPS[g][G_PARENT]; h >= 0; h = GROUPS[h][G_PARENT]) layouts[h] = null;
  }

  // The child of group g (an item code) that holds op p, which lies in g's range.
  function childOf(g, p) {
    let h = OPS[p][O_GROUP];
    if (h === g) return p;
    while (GROUPS[h][G_PARENT] !== g) h = GROUPS[h][G_PARENT];
    return N + h;
  }

  // Edges between g's children: every graph edge inside g's range whose ends lie in different
  // children, merged per (from, to) with counts of data, reference and control edges. Every
  // graph edge is drawn once this way, at the level where its ends part.
  function edgesOf(g) {
    if (edgeCache[g]) return edgeCache[g];
    const lo = GROUPS[g][G_FIRST], hi = GROUPS[g][G_END];
    const child = new Int32Array(hi - lo);
    for (let p = lo; p < hi; p++) child[p - lo] = childOf(g, p);
    const merged = new Map();
    for (let p = lo; p < hi; p++) {
      const to = child[p - lo];
      for (const x of OPS[p][O_IN]) {
        const d = decodeInput(x);
        if (d.src < lo || d.src >= hi) continue;
        const from = child[d.src - lo];
        if (from === to) continue;
        const key = from * (N + G) + to;
        let e = merged.get(key);
        if (!e) merged.set(key, (e = { from, to, data: 0, ref: 0, control: 0, points: null }));
        if (d.control) e.control++;
        else if (outputDtype(d.src, d.index).endsWith('_ref')) e.ref++;
        else e.data++;
      }
    }
    return (edgeCache[g] = Array.from(merged.values()));
  }

  // ---- Layout. ----
  function textWidth(s) { return s.length * CHAR_W; }
  function groupSubtitle(g) {
    const rec = GROUPS[g], ops = rec[G_END] - rec[G_FIRST];
    if (rec[G_KIND] === KIND_OP_SERIES) return ops + ' \u00d7 ' + STR[OPS[rec[G_FIRST]][O_TYPE]];
    let s = rec[G_KIND] === KIND_SCOPE_SERIES ? childGroups[g].length + ' scopes, ' : '';
    s += ops === 1 ? '1 op' : ops + ' ops';
    const v = variableCount[g];
    if (v) s += ', ' + v + (v === 1 ? ' variable' : ' variables');
    return s;
  }
  function itemSize(code) {
    if (!isGroup(code)) return { w: Math.max(64, textWidth(shorten(opLabel(code))) + 22), h: OP_H };
    const g = code - N;
    if (open[g]) {
      const l = layoutGroup(g);
      return { w: Math.max(l.w, textWidth(shorten(GROUPS[g][G_LABEL])) + 40), h: l.h + HEADER };
    }
    const w = Math.max(textWidth(shorten(GROUPS[g][G_LABEL])), textWidth(groupSubtitle(g))) + 28;
    return { w: Math.max(90, w), h: GROUP_H };
  }

  // Lays out g's children (open ones first, recursively). Positions are relative to g's
  // content area; w and h are that area's size.
  function layoutGroup(g) {
    if (layouts[g]) return layouts[g];
    const codes = childGroups[g].map((h) => N + h).concat(childOps[g]);
    const items = codes.map((code) => Object.assign({ code, x: 0, y: 0 }, itemSize(code)));
    const edges = edgesOf(g).map((e) => Object.assign({}, e, { points: null }));
    let w, h;
    if (items.length > GRID_LIMIT) {
      ({ w, h } = gridLayout(items));
      // Straight lines from the bottom of one box to the top of the other.
      const at = new Map(items.map((it) => [it.code, it]));
      for (const e of edges) {
        const a = at.get(e.from), b = at.get(e.to);
        e.points = [{ x: a.x + a.w / 2, y: a.y + a.h }, { x: b.x + b.w / 2, y: b.y }];
      }
    } else {
      const graph = new dagre.graphlib.Graph();
      graph.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 34, edgesep: 8, marginx: PAD, marginy: PAD });
      graph.setDefaultEdgeLabel(() => ({}));
      for (const it of items) graph.setNode(String(it.code), { width: it.w, height: it.h });
      for (const e of edges) {
        graph.setEdge(String(e.from), String(e.to), { weight: e.data + e.ref + (e.control ? 1 : 0), minlen: 1 });
      }
      dagre.layout(graph);
      for (const it of items) {
        const n = graph.node(String(it.code));
        it.x = n.x - it.w / 2;
        it.y = n.y - it.h / 2;
      }
      for (const e of edges) e.points = graph.edge(String(e.from), String(e.to)).points;
      w = graph.graph().width;
      h = graph.graph().height;
    }
    return (layouts[g] = { w: Math.max(w, 40), h: Math.max(h, 20), items, edges });
  }

  function gridLayout(items) {
    const perRow = Math.ceil(Math.sqrt(items.length));
    let x = PAD, y = PAD, rowH = 0, w = 0;
    items.forEach((it, i) => {
      if (i > 0 && i % perRow === 0) { x = PAD; y += rowH + 18; rowH = 0; }
      it.x = x; it.y = y;
      x += it.w + 18;
      rowH = Math.max(rowH, it.h);
      w = Math.max(w, x);
    });
    return { w: w + PAD, h: y + rowH + PAD };
  }

  // ---- Drawing. ----
  const svg = document.getElementById('sf-canvas');
  const viewport = document.getElementById('sf-viewport');
  const boxes = new Map();  // item code -> {x, y, w, h, el} of what is on screen now
  const view = { x: 0, y: 0, k: 1 };

  function el(tag, attrs, parent) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, cls) {
    const t = el('text', { x, y, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, parent);
    if (cls) t.setAttribute('class', cls);
    t.textContent = s;
    return t;
  }

  function render() {
    boxes.clear();
    viewport.textContent = '';
    if (N === 0) {
      text(viewport, 120, 40, 'This graph has no ops.');
      return;
    }
    layoutGroup(0);
    drawContents(0, 0, 0, viewport);
    markSelection();
  }

  function drawContents(g, ox, oy, parent) {
    const l = layoutGroup(g);
    const edgeLayer = el('g', { class: 'edges' }, parent);
    for (const e of l.edges) drawEdge(e, ox, oy, edgeLayer);
    for (const it of l.items) drawItem(it, ox + it.x, oy + it.y, parent);
  }

  function drawEdge(e, ox, oy, parent) {
    const pts = e.points;
    const d = pts.map((q, i) => (i ? 'L' : 'M') + (q.x + ox).toFixed(1) + ',' + (q.y + oy).toFixed(1)).join('');
    const count = e.data + e.ref + e.control;
    let cls = 'edge';
    if (!e.data && !e.ref) cls += ' control';
    else if (e.ref && !e.data) cls += ' ref';
    if (count > 1) cls += ' wide';
    const path = el('path', { d, class: cls }, parent);
    const tip = el('title', {}, path);
    const parts = [];
    if (e.data) parts.push(e.data + (e.data === 1 ? ' tensor' : ' tensors'));
    if (e.ref) parts.push(e.ref + (e.ref === 1 ? ' reference' : ' references'));
    if (e.control) parts.push(e.control + ' control ' + (e.control === 1 ? 'dependency' : 'dependencies'));
    tip.textContent = itemName(e.from) + ' \u2192 ' + itemName(e.to) + ': ' + parts.join(', ');
    if (count > 1) {
      const mid = pts[Math.floor(pts.length / 2)];
      const t = text(parent, mid.x + ox + 8, mid.y + oy, String(count), 'count');
      t.setAttribute('text-anchor', 'start');
    }
  }

  function drawItem(it, x, y, parent) {
    const code = it.code;
    const g = el('g', { 'data-code': code, 'data-path': itemName(code) }, parent);
    boxes.set(code, { x, y, w: it.w, h: it.h, el: g });
    if (!isGroup(code)) {
      const cls = isVariable(code) ? 'op variable' : 'op';
      g.setAttribute('data-kind', 'op');
      el('rect', { x, y, width: it.w, height: it.h, rx: it.h / 2, class: cls }, g);
      text(g, x + it.w / 2, y + it.h / 2, shorten(opLabel(code)));
      el('title', {}, g).textContent = OPS[code][O_NAME] + ' (' + STR[OPS[code][O_TYPE]] + ')';
      return;
    }
    const h = code - N, rec = GROUPS[h];
    const series = rec[G_KIND] !== KIND_SCOPE;
    let cls = 'group ' + (series ? 'series' : 'scope') + (variableCount[h] ? ' has-variables' : '');
    g.setAttribute('data-kind', 'group');
    g.setAttribute('data-open', open[h] ? '1' : '0');
    el('title', {}, g).textContent = groupPath[h] + ' \u2014 ' + groupSubtitle(h) + ' (click to ' + (open[h] ? 'close' : 'open') + ')';
    if (open[h]) {
      el('rect', { x, y, width: it.w, height: it.h, rx: 8, class: cls + ' open' }, g);
      const t = text(g, x + 10, y + HEADER / 2 + 1, '\u25be ' + shorten(rec[G_LABEL]) + '  \u00b7 ' + groupSubtitle(h));
      t.setAttribute('text-anchor', 'start');
      drawContents(h, x, y + HEADER, g);
      return;
    }
    if (series) el('rect', { x: x + 4, y: y - 4, width: it.w, height: it.h, rx: 6, class: cls }, g);
    el('rect', { x, y, width: it.w, height: it.h, rx: 6, class: cls }, g);
    text(g, x + it.w / 2, y + 14, '\u25b8 ' + shorten(rec[G_LABEL]));
    text(g, x + it.w / 2, y + 30, groupSubtitle(h), 'sub');
  }

  function applyView() {
    viewport.setAttribute('transform', 'translate(' + view.x + ',' + view.y + ') scale(' + view.k + ')');
    drawLinks();
  }
  // The whole graph when it fits readably; else its full width, from the top.
  function fit() {
    if (N === 0) return;
    const l = layoutGroup(0), r = svg.getBoundingClientRect();
    const whole = Math.min((r.width - 20) / l.w, (r.height - 20) / l.h);
    view.k = Math.min(1.5, whole >= 0.5 ? whole : Math.max(0.05, Math.min(1, (r.width - 20) / l.w)));
    view.x = (r.width - l.w * view.k) / 2;
    view.y = Math.max(10, (r.height - l.h * view.k) / 2);
    applyView();
  }
  function centerOn(code) {
    const b = boxes.get(code);
    if (!b) return;
    const r = svg.getBoundingClientRect();
    view.k = Math.max(view.k, 0.6);
    view.x = r.width / 2 - (b.x + b.w / 2) * view.k;
    view.y = r.height / 2 - (b.y + b.h / 2) * view.k;
    applyView();
  }

  // Opens or closes a group, keeping its box where it was on screen.
  function toggle(g) {
    const before = boxes.get(N + g);
    setOpen(g, !open[g]);
    render();
    const after = boxes.get(N + g);
    if (before && after) {
      view.x += (before.x - after.x) * view.k;
      view.y += (before.y - after.y) * view.k;
    }
    applyView();
  }

  // Opens every group that holds `code` and shows it in the middle, selected.
  function reveal(code) {
    const start = isGroup(code) ? GROUPS[code - N][G_PARENT] : OPS[code][O_GROUP];
    for (let g = start; g > 0; g = GROUPS[g][G_PARENT]) setOpen(g, true);
    render();
    select(code);
    centerOn(code);
  }

  // ---- Selection, details, and dotted links to a selected op's neighbours. ----
  const details = document.getElementById('sf-details');

  function select(code) {
    selected = code;
    markSelection();
    showDetails(code);
    drawLinks();
  }
  function markSelection() {
    for (const e of viewport.querySelectorAll('.selected')) e.classList.remove('selected');
    const b = boxes.get(selected);
    if (b) b.el.classList.add('selected');
  }
  // The box on screen that stands for op p: p itself, or the closed group that hides it.
  function visibleBox(p) {
    if (boxes.has(p)) return boxes.get(p);
    for (let g = OPS[p][O_GROUP]; g >= 0; g = GROUPS[g][G_PARENT]) if (boxes.has(N + g)) return boxes.get(N + g);
    return null;
  }
  let linkLayer = null;
  function drawLinks() {
    if (linkLayer) linkLayer.remove();
    linkLayer = el('g', { class: 'links' }, viewport);
    if (selected < 0 || isGroup(selected)) return;
    const me = boxes.get(selected);
    if (!me) return;
    const seen = new Set();
    const link = (b, incoming) => {
      if (!b || b === me || seen.has(b)) return;
      seen.add(b);
      const from = incoming ? b : me, to = incoming ? me : b;
      el('path', { class: 'link', d: 'M' + (from.x + from.w / 2) + ',' + (from.y + from.h) + 'L' + (to.x + to.w / 2) + ',' + to.y }, linkLayer);
    };
    for (const x of OPS[selected][O_IN]) link(visibleBox(decodeInput(x).src), true);
    for (const c of consumersOf(selected)) link(visibleBox(c.op), false);
  }

  function nodeLink(code, textContent) {
    const a = document.createElement('a');
    a.className = 'node-link';
    a.dataset.code = code;
    a.textContent = textContent;
    return a;
  }
  function add(parent, tag, textContent, cls) {
    const e = document.createElement(tag);
    if (textContent !== undefined) e.textContent = textContent;
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }
  function section(title, rows) {
    add(details, 'h3', title);
    if (!rows.length) { add(details, 'div', 'none', 'meta'); return null; }
    return add(details, 'ol');
  }

  function showDetails(code) {
    details.textContent = '';
    if (isGroup(code)) return showGroup(code - N);
    const op = OPS[code];
    add(details, 'h2', op[O_NAME]).id = 'sf-details-name';
    const dl = add(details, 'dl');
    const row = (k, v) => { add(dl, 'dt', k); return add(dl, 'dd', v); };
    row('Op type', STR[op[O_TYPE]]).id = 'sf-details-type';
    row('Device', STR[op[O_DEVICE]] || '(not set)');
    const scope = row('Scope', '');
    if (op[O_GROUP] !== 0) scope.appendChild(nodeLink(N + op[O_GROUP], groupPath[op[O_GROUP]]));
    else scope.textContent = '(top level)';

    const inputs = op[O_IN].map(decodeInput);
    let list = section('Inputs', inputs);
    for (const d of inputs) {
      const li = add(list, 'li');
      const name = OPS[d.src][O_NAME];
      li.appendChild(nodeLink(d.src, d.control ? '^' + name : name + ':' + d.index));
      if (!d.control) add(li, 'span', ' ' + outputDtype(d.src, d.index) + ' ' + outputShape(d.src, d.index), 'meta');
    }

    const outs = op[O_OUTS].length / 2, consumers = consumersOf(code);
    add(details, 'h3', 'Outputs');
    if (!outs) add(details, 'div', 'none', 'meta');
    else list = add(details, 'ol');
    for (let k = 0; k < outs; k++) {
      const li = add(list, 'li');
      add(li, 'span', op[O_NAME] + ':' + k + ' ');
      add(li, 'span', outputDtype(code, k) + ' ' + outputShape(code, k), 'meta');
      const readers = consumers.filter((c) => c.index === k && !c.control);
      if (readers.length) {
        const ul = add(li, 'ul');
        for (const c of readers) add(ul, 'li', '\u2192 ').appendChild(nodeLink(c.op, OPS[c.op][O_NAME]));
      }
    }
    const controlled = consumers.filter((c) => c.control);
    if (controlled.length) {
      list = section('Control dependents', controlled);
      for (const c of controlled) add(list, 'li').appendChild(nodeLink(c.op, OPS[c.op][O_NAME]));
    }

    const attrs = op[O_ATTRS];
    add(details, 'h3', 'Attrs');
    if (!attrs.length) add(details, 'div', 'none', 'meta');
    else {
      const adl = add(details, 'dl');
      adl.id = 'sf-details-attrs';
      for (let i = 0; i < attrs.length; i += 2) {
        add(adl, 'dt', STR[attrs[i]]);
        add(adl, 'dd', STR[attrs[i + 1]]);
      }
    }
  }

  function showGroup(g) {
    const rec = GROUPS[g];
    add(details, 'h2', groupPath[g]).id = 'sf-details-name';
    const dl = add(details, 'dl');
    const row = (k, v) => { add(dl, 'dt', k); return add(dl, 'dd', v); };
    const kinds = ['name scope', 'series of ops', 'series of scopes'];
    row('Group', kinds[rec[G_KIND]]).id = 'sf-details-type';
    row('Ops', String(rec[G_END] - rec[G_FIRST]));
    row('Groups inside', String(childGroups[g].length));
    row('Variables', String(variableCount[g]));
    const vars = [];
    for (let p = rec[G_FIRST]; p < rec[G_END] && vars.length < 200; p++) if (isVariable(p)) vars.push(p);
    if (vars.length) {
      const list = section('Variables', vars);
      for (const p of vars) add(list, 'li').appendChild(nodeLink(p, OPS[p][O_NAME]));
    }
  }

  // ---- Search: substring of op names and group paths, case-insensitive. ----
  const searchBox = document.getElementById('sf-search');
  const results = document.getElementById('sf-results');
  let lowerOps = null, lowerGroups = null, searchTimer = 0, hits = [];

  function search(query) {
    const q = query.trim().toLowerCase();
    hits = [];
    if (!q) return hits;
    if (!lowerOps) {
      lowerOps = OPS.map((o) => o[O_NAME].toLowerCase());
      lowerGroups = groupPath.map((s) => s.toLowerCase());
    }
    // Exact names first, then names ending with the query, then any other match.
    const exact = [], suffix = [], other = [];
    const bucket = (s, code) => (s === q ? exact : s.endsWith(q) ? suffix : other).push(code);
    for (let g = 1; g < G; g++) if (lowerGroups[g].includes(q)) bucket(lowerGroups[g], N + g);
    for (let p = 0; p < N; p++) if (lowerOps[p].includes(q)) bucket(lowerOps[p], p);
    hits = exact.concat(suffix, other);
    return hits;
  }
  function showResults() {
    results.textContent = '';
    const shown = hits.slice(0, 50);
    for (const code of shown) {
      const li = add(results, 'li', itemName(code));
      li.dataset.code = code;
      add(li, 'span', isGroup(code) ? 'group' : STR[OPS[code][O_TYPE]], 'type');
    }
    if (hits.length > shown.length) add(results, 'li', (hits.length - shown.length) + ' more\u2026', 'type');
    if (searchBox.value.trim() && !hits.length) add(results, 'li', 'no op or scope matches', 'type');
    results.hidden = !searchBox.value.trim();
  }
  searchBox.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { search(searchBox.value); showResults(); }, N > 20000 ? 150 : 40);
  });
  searchBox.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      clearTimeout(searchTimer);
      search(searchBox.value);
      showResults();
      if (hits.length) { results.hidden = true; reveal(hits[0]); }
    } else if (ev.key === 'Escape') {
      results.hidden = true;
    }
  });
  results.addEventListener('click', (ev) => {
    const li = ev.target.closest('li[data-code]');
    if (!li) return;
    results.hidden = true;
    reveal(Number(li.dataset.code));
  });
  document.addEventListener('click', (ev) => {
    if (!ev.target.closest('#sf-search-box')) results.hidden = true;
  });

  // ---- Variables list. ----
  document.getElementById('sf-variable-count').textContent = '(' + variables.length + ')';
  const varList = document.getElementById('sf-variables');
  for (const p of variables.slice(0, 1000)) {
    const li = add(varList, 'li');
    li.appendChild(nodeLink(p, OPS[p][O_NAME]));
    add(li, 'span', outputShape(p, 0), 'type');
  }
  if (variables.length > 1000) add(varList, 'li', (variables.length - 1000) + ' more: use the search', 'type');
  document.getElementById('sf-side').addEventListener('click', (ev) => {
    const a = ev.target.closest('a.node-link');
    if (a) reveal(Number(a.dataset.code));
  });

  // ---- Pointer: drag to pan, wheel to zoom, click a box to open/close or select it. ----
  let drag = null;
  svg.addEventListener('pointerdown', (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!drag.moved) { drag.moved = true; svg.setPointerCapture(ev.pointerId); svg.classList.add('panning'); }
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    applyView();
  });
  const endDrag = () => { svg.classList.remove('panning'); setTimeout(() => { drag = null; }, 0); };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  svg.addEventListener('click', (ev) => {
    if (drag && drag.moved) return;
    const g = ev.target.closest('[data-code]');
    if (!g) return;
    const code = Number(g.getAttribute('data-code'));
    if (isGroup(code)) toggle(code - N);
    select(code);
  });
  svg.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    const mx = ev.clientX - r.left, my = ev.clientY - r.top;
    const k = Math.min(4, Math.max(0.02, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = mx - (mx - view.x) * (k / view.k);
    view.y = my - (my - view.y) * (k / view.k);
    view.k = k;
    applyView();
  }, { passive: false });
  document.getElementById('sf-fit').addEventListener('click', fit);
  document.getElementById('sf-collapse').addEventListener('click', () => {
    for (let g = 1; g < G; g++) setOpen(g, false);
    render();
    fit();
  });
  window.addEventListener('resize', () => applyView());

  // ---- Start: only the top level, every group closed. ----
  document.getElementById('sf-stats').textContent =
    N + (N === 1 ? ' op' : ' ops') + ', ' + (G - 1) + ' groups, ' + variables.length + ' variables';
  render();
  fit();
  const loadMs = performance.now() - started;
  // For scripts and tests: the page's own handles, and when it became usable.
  window.sfViewer = {
    loadMs,
    reveal: (name) => {
      let code = OPS.findIndex((o) => o[O_NAME] === name);
      if (code < 0) { const g = groupPath.indexOf(name); if (g > 0) code = N + g; }
      if (code >= 0) reveal(code);
      return code >= 0;
    },
    search: (q) => search(q).map(itemName),
    open: (path) => { const g = groupPath.indexOf(path); if (g > 0 && !open[g]) toggle(g); return g > 0; },
    fit,
    // Moves the view to the box of `path` if it is on screen, without opening anything.
    center: (path) => {
      for (const [code] of boxes) {
        if (itemName(code) === path) { centerOn(code); return true; }
      }
      return false;
    },
  };
  document.body.dataset.ready = '1';
})();
