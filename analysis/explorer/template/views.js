/* The three views (heatmap with a cell's paragraphs, search, article), the filters and the state, which
   lives in the URL fragment: #show=…&by=…&theme=…&group=…&q=…&re=1&doc=…&cleaning=1&f_<field>=…&f_theme=… */
let HEAD = null, DATA = null, S = {}, RUN = 0, SHOWN = { kind: null, rows: [], cols: [], name: 'list' };
const KEYS = ['view', 'show', 'by', 'theme', 'group', 'q', 're', 'doc', 'para', 'cleaning'];

function parseHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const s = { f: {} };
  for (const k of KEYS) if (p.get(k)) s[k] = p.get(k);
  for (const [k, v] of p) if (k.startsWith('f_') && v) s.f[k.slice(2)] = v;
  return s;
}
function hashOf(s) {
  const p = new URLSearchParams();
  for (const k of KEYS) if (s[k]) p.set(k, s[k]);
  for (const [k, v] of Object.entries(s.f || {})) if (v) p.set('f_' + k, v);
  return '#' + p.toString();
}
function go(patch, replace) {
  const s = Object.assign({}, S, patch, { f: Object.assign({}, S.f, patch.f || {}) });
  const hash = hashOf(s);
  if (hash === location.hash) return;
  if (replace) { history.replaceState(null, '', hash); S = parseHash(); render(); } else location.hash = hash;
}
const viewOf = (s) => s.view || (s.doc ? 'article' : s.q ? 'search' : 'heat');
const theme = (id) => HEAD.themes.find((t) => t.id === id);
const themeIndex = (id) => HEAD.themes.findIndex((t) => t.id === id);
const field = (name) => HEAD.fields.find((f) => f.name === name);
const fieldOf = (group, by) => by && field(by) ? by : (HEAD.fields.find((f) => f.groups.includes(group)) || {}).name;
const filtersOn = () => Object.values(S.f).some(Boolean);
function status(text, cls) { const st = $('status'); st.textContent = text || ''; st.className = cls || ''; }

/* text with trigger spans as <mark> and removals as <del> inserted where they stood */
function renderText(text, marks, inserts) {
  const ms = (marks || []).slice().sort((a, b) => a[0] - b[0] || b[1] - a[1]).filter((m, i, all) => !all.slice(0, i).some((o) => o[1] > m[0]));
  const ins = (inserts || []).slice().sort((a, b) => a[0] - b[0]);
  const cuts = new Set([0, text.length]);
  ms.forEach((m) => { cuts.add(m[0]); cuts.add(m[1]); });
  ins.forEach((x) => cuts.add(Math.min(Math.max(x[0], 0), text.length)));
  const pts = [...cuts].sort((a, b) => a - b), out = [];
  let ii = 0;
  for (let k = 0; k < pts.length; k++) {
    const p = pts[k];
    while (ii < ins.length && Math.min(Math.max(ins[ii][0], 0), text.length) === p) out.push(ins[ii++][1]);
    if (k + 1 === pts.length) break;
    const seg = text.slice(p, pts[k + 1]), m = ms.find((x) => x[0] <= p && p < x[1]);
    out.push(m ? h('mark', { class: 't' + (m[2] % 12), title: (HEAD.themes[m[2]] || {}).label }, seg) : seg);
  }
  return out;
}
const removedNode = (r) => h('del', { class: 'removed', 'data-rule': r[3] || 'changed', title: `removed by cleaning: ${r[3] || 'changed'}` }, r[2]);

function setList(kind, name, cols, rows) { SHOWN = { kind, name, cols, rows }; }

/* ---------------------------------------------------------------- heatmap */
/* The colour scale's top: the 98th percentile of the shares, rounded up to 1, 2, 2.5 or 5 x 10^k, so one
   outlier (68 % among shares of 0-16 %) does not wash the rest out; cells above it take the top colour. */
function colourTop(cells) {
  const v = cells.map((c) => c[6]).filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!v.length || v[v.length - 1] <= 0) return 1;
  const q = v[Math.min(v.length - 1, Math.floor(0.98 * (v.length - 1)))] || v[v.length - 1];
  const p = Math.pow(10, Math.floor(Math.log10(q)));
  return Math.min(1, [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= q - 1e-12));
}
function heatColor(share, top) {
  if (share === null || share === undefined) return '#f4f4f4';
  const a = Math.min(1, share / top);
  return `rgba(33, 102, 172, ${(0.06 + 0.84 * a).toFixed(3)})`;
}
let HEATKEY = null;
async function renderHeat(run) {
  const box = $('heatmaps'), controls = $('heat-controls');
  const shown = HEAD.fields.filter((f) => !S.show || S.show === f.name);
  const key = JSON.stringify([S.show || '', S.f]);
  if (key !== HEATKEY || !box.firstChild) {  // the tables are drawn again only when what they show changes
    const tables = [];
    // a theme filter keeps that theme's row; the shares stay shares of all the group's paragraphs
    const groupFilters = Object.fromEntries(Object.entries(S.f).filter(([k]) => k !== 'theme'));
    for (const f of shown) {
      const res = await DATA.heat(f.name, groupFilters);
      if (run !== RUN) return;
      tables.push(heatTable(f, res));
    }
    controls.replaceChildren(h('label', null, 'Show ', h('select', { id: 'show', on: { change: (e) => go({ show: e.target.value === 'all' ? '' : e.target.value }) } },
      h('option', { value: 'all' }, 'all groupings'), HEAD.fields.map((f) => h('option', { value: f.name, selected: S.show === f.name }, `by ${f.title}`)))),
      h('span', { class: 'hint' }, ' Cells: share of the group’s paragraphs carrying the theme', HEAD.meta.intervals ? ' [95% interval, resampling articles]' : '', '. Click a cell for its paragraphs.'));
    box.replaceChildren(...(tables.length ? tables : [h('p', { class: 'hint' },
      'No grouping to compare: no field of these articles has two groups or more, and their dates do not span two periods.')]));
    HEATKEY = key;
  }
  const by = S.group ? fieldOf(S.group, S.by) : null;
  box.querySelectorAll('td.cell').forEach((td) => td.classList.toggle('selected',
    td.dataset.theme === S.theme && td.dataset.group === S.group && td.dataset.by === by));
  if (!S.theme || !S.group) { $('cell').replaceChildren(); setList('heat', 'heatmap', ['by', 'group', 'theme', 'k', 'n', 'share', 'lo', 'hi', 'articles_k', 'articles_n'], heatRows(shown)); }
}
let HEATROWS = {};
function heatRows(shown) { return shown.flatMap((f) => HEATROWS[f.name] || []); }
function heatTable(f, res) {
  const T = HEAD.themes, G = f.groups, byCell = new Map(res.cells.map((c) => [c[0] * G.length + c[1], c]));
  const top = colourTop(res.cells);
  const cols = G.map((g, j) => j).filter((j) => !res.filtered || (byCell.get(j) || [])[3] > 0);
  const rowsShown = T.map((t, i) => i).filter((i) => !S.f.theme || T[i].id === S.f.theme);
  HEATROWS[f.name] = [];
  const head = h('tr', null, h('th', { class: 'corner' }, `theme \\ ${f.title}`), cols.map((j) => {
    const c = byCell.get(j) || [];
    return h('th', { class: 'col', title: G[j] }, h('span', null, G[j]), h('small', null, `${fmtInt(c[5] || 0)} art.`));
  }));
  const body = rowsShown.map((i) => h('tr', null, h('th', { class: 'row', scope: 'row' }, T[i].label), cols.map((j) => {
    const c = byCell.get(i * G.length + j) || [i, j, 0, 0, 0, 0, null, null, null];
    const [, , k, n, ak, an, share, lo, hi] = c;
    HEATROWS[f.name].push({ by: f.name, group: G[j], theme: T[i].id, k, n, share, lo, hi, articles_k: ak, articles_n: an });
    return h('td', { class: 'cell' + (share > 0.55 * top ? ' dark' : ''), tabindex: 0,
      'data-theme': T[i].id, 'data-group': G[j], 'data-by': f.name, style: `background:${heatColor(share, top)}`,
      title: `${T[i].label} · ${G[j]}: ${k}/${n} paragraphs, ${ak}/${an} articles`,
      on: { click: () => go({ view: 'heat', theme: T[i].id, group: G[j], by: f.name }),
        keydown: (e) => { if (e.key === 'Enter') go({ view: 'heat', theme: T[i].id, group: G[j], by: f.name }); } } },
    h('span', { class: 'share' }, fmtPct(share)), lo !== null && lo !== undefined ? h('small', null, `${fmtNum(lo)}–${fmtNum(hi)}`) : null);
  })));
  return h('section', { class: 'heat', 'data-by': f.name }, h('h2', null, `Themes by ${f.title}`, h('small', null,
    ` (colour scale 0–${(100 * top).toFixed(top < 0.1 ? 1 : 0)}%${res.filtered ? '; filtered: intervals only without filters' : ''})`)),
    h('div', { class: 'scroll' }, h('table', { class: 'heatmap' }, h('thead', null, head), h('tbody', null, body))));
}

/* ---------------------------------------------------------------- a cell's paragraphs */
function paraItem(p, extra) {
  return h('li', { class: 'para', 'data-doc-id': p.doc_id, 'data-para-no': p.para_no },
    h('div', { class: 'meta' }, h('a', { href: hashOf(Object.assign({}, S, { view: 'article', doc: p.doc_id, para: String(p.para_no) })), class: 'open' }, p.title || p.doc_id),
      ' · ', p.date || 'no date', p.place ? ' · ' + p.place : '', ` · ¶${p.para_no}`, extra || ''),
    h('p', null, renderText(p.text, p.marks)));
}
async function renderCell(run) {
  const box = $('cell');
  if (!S.theme || !S.group) return;
  const by = fieldOf(S.group, S.by), t = theme(S.theme);
  if (!by || !t) { box.replaceChildren(h('p', { class: 'error' }, `No cell ${S.theme} × ${S.group}.`)); return; }
  const res = await DATA.cell(S.theme, S.group, by, S.f, 0, PAGE);
  if (run !== RUN) return;
  const list = h('ol', { id: 'cell-list', class: 'paras' }, res.items.map((p) => paraItem(p)));
  const more = h('div');
  const cols = ['doc_id', 'para_no', 'title', 'date', 'place', 'group', 'theme', 'text'];
  const addMore = (shown) => more.replaceChildren(shown < res.total ? h('button', { type: 'button', on: { click: async () => {
    const next = await DATA.cell(S.theme, S.group, by, S.f, shown, PAGE);
    next.items.forEach((p) => list.append(paraItem(p)));
    addMore(shown + next.items.length);
  } } }, `show ${Math.min(PAGE, res.total - shown)} more of ${fmtInt(res.total - shown)}`) : '');
  addMore(res.items.length);
  box.replaceChildren(h('h2', { id: 'cell-title', 'data-cell': `${S.theme}|${S.group}` }, `${t.label} — ${S.group} (${field(by).title})`),
    h('p', { class: 'summary' }, h('span', { id: 'cell-count' }, String(res.total)), ` paragraphs in ${fmtInt(res.articles)} articles`,
      filtersOn() ? ' (filtered)' : '', '; triggers in ', h('mark', { class: 't' + (themeIndex(S.theme) % 12) }, 'colour'), '.'), list, more);
  setList('cell', `${S.theme}_${S.group}`, cols, async () => {
    const all = await DATA.cell(S.theme, S.group, by, S.f, 0, 1e7);
    return all.items.map((p) => Object.assign({}, p, { theme: S.theme }));
  });
}

/* ---------------------------------------------------------------- search */
function kwicItem(k) {
  return h('li', { class: 'kwic', 'data-doc-id': k.doc_id, 'data-para-no': k.para_no, tabindex: 0,
    on: { click: () => go({ view: 'article', doc: k.doc_id, para: String(k.para_no) }), keydown: (e) => { if (e.key === 'Enter') go({ view: 'article', doc: k.doc_id, para: String(k.para_no) }); } } },
  h('span', { class: 'pre' }, h('bdi', null, k.pre)), h('mark', null, k.match), h('span', { class: 'post' }, k.post),
  h('span', { class: 'src' }, `${k.title || k.doc_id} · ${k.date || ''} · ¶${k.para_no}`));
}
async function renderSearch(run) {
  const q = S.q || '', regex = S.re === '1' || (q.length > 2 && q.startsWith('/') && q.endsWith('/'));
  const pattern = regex && q.startsWith('/') && q.endsWith('/') && q.length > 2 ? q.slice(1, -1) : q;
  if (!q) { $('hit-count').textContent = ''; $('article-count').textContent = ''; $('kwic').replaceChildren(); $('by-group').replaceChildren(); return; }
  $('hit-count').removeAttribute('data-done');
  if ($('hit-count').dataset.query !== q) { $('hit-count').textContent = ''; $('article-count').textContent = ''; }
  $('search-note').textContent = 'searching…';
  let res;
  try { res = await DATA.search(pattern, regex, S.by || (HEAD.fields[0] || {}).name, S.f, 0, PAGE); } catch (e) {
    if (run !== RUN || e.message === 'superseded') return;
    $('search-note').textContent = ''; $('hit-count').textContent = '0'; $('article-count').textContent = '0';
    $('kwic').replaceChildren(); $('by-group').replaceChildren(); status(`Search: ${e.message}`, 'error'); return;
  }
  if (run !== RUN) return;
  const hc = $('hit-count');
  hc.textContent = String(res.total); hc.dataset.query = q; hc.dataset.articles = res.articles; hc.dataset.done = '1';
  $('article-count').textContent = String(res.articles);
  $('search-note').textContent = (res.truncated ? ' (stopped early: the counts are incomplete)' : '') + (filtersOn() ? ' (filtered)' : '');
  $('by-group').replaceChildren(...HEAD.fields.map((f) => {
    const counts = (res.by_field || {})[f.name] || {};
    const rows = f.groups.filter((g) => counts[g]).map((g) => h('tr', { 'data-group': g }, h('td', null, g), h('td', { class: 'num' }, fmtInt(counts[g]))));
    // hits in articles without a value of the field (no province, no date): listed, so the rows add up to the total
    if (counts['']) rows.push(h('tr', { 'data-group': '' }, h('td', null, '(none)'), h('td', { class: 'num' }, fmtInt(counts['']))));
    return h('table', { class: 'bygroup', 'data-by': f.name }, h('caption', null, `hits by ${f.title}`), h('tbody', null, rows));
  }));
  const list = $('kwic');
  list.replaceChildren(...res.hits.map(kwicItem));
  const more = $('kwic-more');
  const addMore = (shown) => more.replaceChildren(shown < Math.min(res.total, res.kept || res.total) ? h('button', { type: 'button', on: { click: async () => {
    const next = await DATA.search(pattern, regex, S.by || (HEAD.fields[0] || {}).name, S.f, shown, PAGE);
    next.hits.forEach((k) => list.append(kwicItem(k)));
    addMore(shown + next.hits.length);
  } } }, `show more (${fmtInt(shown)} of ${fmtInt(res.total)} shown)`) : '');
  addMore(res.hits.length);
  setList('search', 'search', ['doc_id', 'para_no', 'title', 'date', 'place', 'pre', 'match', 'post'], async () => {
    const all = await DATA.search(pattern, regex, S.by || (HEAD.fields[0] || {}).name, S.f, 0, KEEP);
    return all.hits;
  });
}

/* ---------------------------------------------------------------- article */
async function renderArticle(run) {
  const box = $('article');
  if (!S.doc) { box.replaceChildren(h('p', null, 'Open an article from a cell’s paragraphs or from a search.')); return; }
  let a;
  try { a = await DATA.article(S.doc); } catch (e) { if (run === RUN) box.replaceChildren(h('p', { class: 'error' }, String(e.message))); return; }
  if (run !== RUN) return;
  const showRemoved = S.cleaning === '1', only = S.f.theme ? themeIndex(S.f.theme) : null;
  const removed = a.removed || [], counts = {}, placed = a.removed !== null && a.removed !== undefined;
  a.lines.forEach((ln) => (ln.themes || []).forEach((t) => { counts[t] = (counts[t] || 0) + 1; }));
  const lines = [];
  a.lines.forEach((ln, i) => {
    if (showRemoved) removed.filter((r) => r[0] === i && r[1] < 0).forEach((r) => lines.push(h('div', { class: 'removed-line' }, removedNode(r))));
    const inserts = showRemoved ? removed.filter((r) => r[0] === i && r[1] >= 0).map((r) => [r[1], removedNode(r)]) : [];
    if (ln.heading !== undefined) lines.push(h('h3', { class: 'heading' }, renderText(ln.heading, [], inserts)));
    else lines.push(h('p', { class: 'para' + (String(ln.para_no) === S.para ? ' target' : ''), 'data-doc-id': a.doc_id, 'data-para-no': ln.para_no, title: `¶${ln.para_no}` },
      renderText(ln.text, (ln.marks || []).filter((m) => only === null || m[2] === only), inserts)));
  });
  if (showRemoved) removed.filter((r) => r[0] >= a.lines.length && r[1] < 0).forEach((r) => lines.push(h('div', { class: 'removed-line' }, removedNode(r))));
  const place = [a.province, a.city].filter(Boolean).join(' ');
  const side = h('aside', null,
    h('h3', null, 'Themes'), h('ul', { class: 'themes' }, Object.keys(counts).sort((x, y) => x - y).map((t) =>
      h('li', null, h('mark', { class: 't' + (t % 12) }, HEAD.themes[t].label), ` ${counts[t]} ¶`))),
    h('h3', null, 'Places'), a.places === null ? h('p', { class: 'hint' }, 'not read for this corpus') :
      h('ul', { class: 'places' }, a.places.slice(0, 40).map((p) => h('li', null, p[0], h('small', null, ` ${p[1]} ×${p[2]}${p[3] ? ` (${p[3]} as recipient)` : ''}`)))),
    h('h3', null, 'Amounts'), a.amounts === null ? h('p', { class: 'hint' }, 'not read for this corpus') :
      h('table', { class: 'amounts' }, h('tbody', null, a.amounts.slice(0, 60).map((m) => h('tr', null,
        h('td', null, `¶${m[0]}`), h('td', null, m[1]), h('td', null, m[2]), h('td', null, m[5] || ''), h('td', null, m[6] || ''))))));
  const audit = showRemoved && a.audit.length ? h('details', { class: 'audit', open: true }, h('summary', null, `Cleaning audit (${a.audit.length} rows)`),
    h('table', null, h('tbody', null, a.audit.map((r) => h('tr', null, h('td', null, r[0]), h('td', null, r[1]), h('td', null, r[2])))))) : null;
  box.replaceChildren(
    h('h2', { id: 'article-title' }, a.title || a.doc_id),
    h('p', { class: 'meta' }, [a.date, a.source, place, a.doc_id].filter(Boolean).join(' · '), ' ',
      a.url ? h('a', { href: a.url, rel: 'noopener noreferrer', target: '_blank' }, 'source page') : null),
    h('p', { class: 'groups' }, Object.entries(a.groups).filter(([, v]) => v).map(([k, v]) => h('span', { class: 'chip' }, `${(field(k) || {}).title || k}: ${v}`))),
    h('label', { class: 'toggle' }, h('input', { type: 'checkbox', id: 'show-removed', class: 'cleaning-toggle', checked: showRemoved,
      on: { change: (e) => go({ cleaning: e.target.checked ? '1' : '' }, true) } }),
    placed ? ` Show what cleaning removed (${removed.length} ${removed.length === 1 ? 'place' : 'places'}, struck through where it stood)`
      : ' Show the cleaning audit (where each removal stood was not worked out for this article in the page: python -m analysis explore places it)'),
    h('div', { class: 'article-body' }, h('div', { class: 'text', id: 'article-text' }, lines), side), audit);
  const target = box.querySelector('p.para.target');
  if (target) target.scrollIntoView({ block: 'center' });
  setList('article', a.doc_id, ['doc_id', 'para_no', 'themes', 'text'], a.lines.filter((l) => l.text !== undefined).map((l) =>
    ({ doc_id: a.doc_id, para_no: l.para_no, themes: (l.themes || []).map((t) => HEAD.themes[t].id).join(' '), text: l.text })));
}
