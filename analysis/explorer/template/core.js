'use strict';
/* The explorer's data and queries. Every corpus string reaches the page as a text node or an attribute
   value (h() below); nothing is parsed as HTML. Embedded pages answer queries here (search in a worker
   with a time limit); pages too large to embed ask the server's JSON API (python -m analysis explore). */
const $ = (id) => document.getElementById(id);
const PAGE = 500;            // list items drawn at a time
const KEEP = 20000;          // KWIC lines a search keeps (counts go on to CAP)
const CAP = 2000000;         // hits counted at most
const SEARCH_MS = 4000;      // a search running longer is stopped

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') { for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn); }
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : String(kid));
  }
  return e;
}

const fmtNum = (x) => (100 * x).toFixed(Math.abs(x) < 0.0995 && x !== 0 ? 1 : 0);  // 0.4 %, not 0 %
const fmtPct = (x) => (x === null || x === undefined) ? '–' : fmtNum(x) + '%';
const fmtInt = (n) => Number(n).toLocaleString('en-US');

async function decodePayload() {
  const node = $('explorer-data');
  const b64 = node.textContent.trim();
  node.textContent = '';
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

/* The search itself: runs in a worker (its source is this function's text) or, failing that, here. */
function searchTexts(texts, msg) {
  const { q, regex, mask, cap, keep } = msg;
  let rx = null;
  if (regex) { try { rx = new RegExp(q, 'gu'); } catch (e) { rx = new RegExp(q, 'g'); } }
  const counts = new Int32Array(texts.length);
  const hits = [];
  let total = 0, truncated = false;
  for (let i = 0; i < texts.length && !truncated; i++) {
    if (mask && !mask[i]) continue;
    const t = texts[i];
    if (rx) {
      rx.lastIndex = 0;
      let m;
      while ((m = rx.exec(t)) !== null) {
        if (m[0].length === 0) { rx.lastIndex++; continue; }
        counts[i]++; total++;
        if (hits.length < keep * 3) hits.push(i, m.index, m.index + m[0].length);
        if (total >= cap) { truncated = true; break; }
      }
    } else {
      let at = t.indexOf(q);
      while (at >= 0) {
        counts[i]++; total++;
        if (hits.length < keep * 3) hits.push(i, at, at + q.length);
        if (total >= cap) { truncated = true; break; }
        at = t.indexOf(q, at + q.length);
      }
    }
  }
  return { total, counts, hits: Int32Array.from(hits), truncated };
}

class Searcher {
  constructor(texts) { this.texts = texts; this.seq = 0; this.pending = null; this.start(); }
  start() {
    try {
      const src = "'use strict';\n" + searchTexts.toString() + "\nlet texts = null;\nself.onmessage = (ev) => {\n" +
        "  const m = ev.data; if (m.type === 'init') { texts = m.texts; return; }\n" +
        "  try { const r = searchTexts(texts, m); r.id = m.id; self.postMessage(r, [r.counts.buffer, r.hits.buffer]); }\n" +
        "  catch (e) { self.postMessage({ id: m.id, error: String((e && e.message) || e) }); }\n};\n";
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      this.worker = new Worker(url);
      URL.revokeObjectURL(url);
      this.worker.onmessage = (ev) => this.answer(ev.data);
      this.worker.onerror = (ev) => { ev.preventDefault(); this.worker = null; };
      this.worker.postMessage({ type: 'init', texts: this.texts });
    } catch (e) { this.worker = null; }
  }
  answer(r) {
    const p = this.pending;
    if (!p || p.id !== r.id) return;
    clearTimeout(p.timer); this.pending = null;
    if (r.error) p.reject(new Error(r.error)); else p.resolve(r);
  }
  run(q, regex, mask) {
    if (this.pending) { this.pending.reject(new Error('superseded')); clearTimeout(this.pending.timer); this.pending = null; this.restart(); }
    const msg = { type: 'search', id: ++this.seq, q, regex, mask, cap: CAP, keep: KEEP };
    if (!this.worker) {
      return new Promise((resolve, reject) => {
        try { resolve(searchTexts(this.texts, msg)); } catch (e) { reject(e); }
      });
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null; this.restart();
        reject(new Error(`the search took longer than ${SEARCH_MS / 1000} s and was stopped`));
      }, SEARCH_MS);
      this.pending = { id: msg.id, resolve, reject, timer };
      this.worker.postMessage(msg);
    });
  }
  restart() { if (this.worker) this.worker.terminate(); this.start(); }
}

/* The data in the page: answers the same questions as the server's API, in the same shapes. */
class LocalData {
  constructor(head, body) {
    this.head = head;
    const P = body.paras, D = body.docs;
    this.P = P; this.D = D;
    this.n = P.t.length;
    this.fields = head.fields.map((f) => f.name);
    this.pdoc = Int32Array.from(P.d);
    this.tmask = head.themes.map(() => new Uint8Array(this.n));
    this.th = P.th.map((bits) => { const ts = []; for (let t = 0; bits > 0; t++, bits = Math.floor(bits / 2)) if (bits % 2) ts.push(t); return ts; });
    this.th.forEach((ts, i) => ts.forEach((t) => { this.tmask[t][i] = 1; }));
    this.pcode = {};
    for (const f of this.fields) {
      const dc = D.g[f];
      this.pcode[f] = Int32Array.from(P.d, (d) => dc[d]);
    }
    this.docIndex = new Map(D.id.map((id, i) => [id, i]));
    this.searcher = new Searcher(P.t);
  }
  info(d) {
    const D = this.D;
    return { title: D.title[d], date: D.date[d], place: [D.province[d], D.city[d]].filter(Boolean).join(' '), label: D.label ? D.label[d] : '' };
  }
  groupCode(field, group) { const i = this.head.fields.find((f) => f.name === field).groups.indexOf(group); return i < 0 ? -2 : i; }
  mask(filters) {
    let m = null;
    for (const [k, v] of Object.entries(filters || {})) {
      if (!v) continue;
      let col;
      if (k === 'theme') { const t = this.head.themes.findIndex((x) => x.id === v); col = t < 0 ? new Uint8Array(this.n) : this.tmask[t]; }
      else if (this.pcode[k]) { const c = this.groupCode(k, v); const pc = this.pcode[k]; col = new Uint8Array(this.n); for (let i = 0; i < this.n; i++) col[i] = pc[i] === c ? 1 : 0; }
      else continue;
      if (!m) m = Uint8Array.from(col); else for (let i = 0; i < this.n; i++) m[i] &= col[i];
    }
    return m;
  }
  para(i, theme, group) {
    const d = this.pdoc[i];
    const marks = (this.P.m[i] || []).filter((s) => theme === undefined || theme === null || s[2] === theme);
    return Object.assign({ doc_id: this.D.id[d], para_no: this.P.n[i], text: this.P.t[i], marks, themes: this.th[i] },
      this.info(d), group === undefined ? {} : { group });
  }
  async heat(by, filters) {
    const m = this.mask(filters);
    if (!m) return { by, cells: this.head.heat[by], filtered: false };
    const f = this.head.fields.find((x) => x.name === by), G = f.groups.length, T = this.head.themes.length;
    const k = new Int32Array(T * G), n = new Int32Array(G), ak = new Int32Array(T * G), an = new Int32Array(G);
    const seenDoc = new Set(), seenDocTheme = new Set();
    const pc = this.pcode[by];
    for (let i = 0; i < this.n; i++) {
      if (!m[i] || pc[i] < 0) continue;
      const g = pc[i], d = this.pdoc[i];
      n[g]++;
      if (!seenDoc.has(d)) { seenDoc.add(d); an[g]++; }
      for (const t of this.th[i]) {
        k[t * G + g]++;
        const key = d * T + t;
        if (!seenDocTheme.has(key)) { seenDocTheme.add(key); ak[t * G + g]++; }
      }
    }
    const cells = [];
    for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) cells.push([t, g, k[t * G + g], n[g], ak[t * G + g], an[g], n[g] ? k[t * G + g] / n[g] : null, null, null]);
    return { by, cells, filtered: true };
  }
  async cell(theme, group, by, filters, offset, limit) {
    const t = this.head.themes.findIndex((x) => x.id === theme);
    if (t < 0) throw new Error(`unknown theme ${theme}`);
    const c = this.groupCode(by, group), pc = this.pcode[by], m = this.mask(filters), tm = this.tmask[t];
    const ids = [];
    for (let i = 0; i < this.n; i++) if (tm[i] && pc[i] === c && (!m || m[i])) ids.push(i);
    const docs = new Set(ids.map((i) => this.pdoc[i]));
    return { theme, group, by, total: ids.length, articles: docs.size, offset,
      items: ids.slice(offset, offset + limit).map((i) => this.para(i, t, group)) };
  }
  async search(q, regex, by, filters, offset, limit) {
    const r = await this.searcher.run(q, regex, this.mask(filters));
    const hitParas = [];
    for (let i = 0; i < r.counts.length; i++) if (r.counts[i]) hitParas.push(i);
    const docs = new Set(hitParas.map((i) => this.pdoc[i]));
    const byField = {};
    for (const f of this.head.fields) {
      const acc = {}, pc = this.pcode[f.name];
      for (const i of hitParas) { const g = pc[i] >= 0 ? f.groups[pc[i]] : ''; acc[g] = (acc[g] || 0) + r.counts[i]; }
      byField[f.name] = acc;
    }
    const hits = [];
    const H = r.hits, C = 30;
    for (let j = 3 * offset; j < H.length && hits.length < limit; j += 3) {
      const i = H[j], s = H[j + 1], e = H[j + 2], t = this.P.t[i], d = this.pdoc[i];
      hits.push(Object.assign({ doc_id: this.D.id[d], para_no: this.P.n[i], pre: t.slice(Math.max(0, s - C), s),
        match: t.slice(s, e), post: t.slice(e, e + C) }, this.info(d)));
    }
    return { q, regex, total: r.total, articles: docs.size, by, by_group: byField[by] || {}, by_field: byField,
      truncated: r.truncated || r.total > H.length / 3, kept: H.length / 3, offset, hits };
  }
  async article(docId) {
    const d = this.docIndex.get(docId);
    if (d === undefined) throw new Error(`no article ${docId}`);
    const D = this.D;
    const lines = D.layout[d].map((x) => typeof x === 'string' ? { heading: x } : this.para(x));
    const groups = {};
    for (const f of this.head.fields) { const c = D.g[f.name][d]; groups[f.name] = c >= 0 ? f.groups[c] : ''; }
    const out = { doc_id: docId, title: D.title[d], date: D.date[d], province: D.province[d], city: D.city[d],
      source: D.source[d], label: D.label ? D.label[d] : '', url: D.url[d], groups, lines,
      places: D.places ? D.places[d] : null, amounts: D.amounts ? D.amounts[d] : null,
      removed: D.removed ? D.removed[d] : null, audit: (D.audit || {})[String(d)] || [] };
    if ((out.places === null || out.amounts === null) && location.protocol.startsWith('http')) {
      try {  // served by explore: it reads an article's places and amounts on request
        const res = await fetch(`api/article?doc=${encodeURIComponent(docId)}`);
        if (res.ok) { const a = await res.json(); out.places = a.places; out.amounts = a.amounts; }
      } catch (e) { /* the page alone: not read */ }
    }
    return out;
  }
}

/* The server's JSON API (python -m analysis explore DIR). */
class RemoteData {
  constructor(head) { this.head = head; this.fields = head.fields.map((f) => f.name); }
  async get(path, params) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, v);
    const res = await fetch(`api/${path}?${p}`);
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    return body;
  }
  static filterParams(filters) {
    const out = {};
    for (const [k, v] of Object.entries(filters || {})) if (v) out['f_' + k] = v;
    return out;
  }
  heat(by, filters) { return this.get('heat', Object.assign({ by }, RemoteData.filterParams(filters))); }
  cell(theme, group, by, filters, offset, limit) {
    return this.get('cell', Object.assign({ theme, group, by, offset, limit }, RemoteData.filterParams(filters)));
  }
  search(q, regex, by, filters, offset, limit) {
    return this.get('search', Object.assign({ q, regex: regex ? 1 : '', by, offset, limit }, RemoteData.filterParams(filters)));
  }
  article(docId) { return this.get('article', { doc: docId }); }
}

/* CSV of rows (objects) with the given columns; a cell that a spreadsheet would read as a formula is
   prefixed with ' so it stays text. */
function toCSV(rows, cols) {
  const cell = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
