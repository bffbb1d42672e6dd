/* Start-up, filters, the top bar and the render loop. */
function renderFilters() {
  const box = $('filters');
  const sel = (id, label, key, options) => h('label', null, label + ' ', h('select', { id, on: { change: (e) => go({ f: { [key]: e.target.value } }) } },
    h('option', { value: '' }, 'all'), options.map(([v, text]) => h('option', { value: v, selected: S.f[key] === v }, text))));
  box.replaceChildren(
    ...HEAD.fields.map((f) => sel(`filter-${f.name}`, f.title, f.name, f.groups.map((g) => [g, g]))),
    sel('filter-theme', 'theme', 'theme', HEAD.themes.map((t) => [t.id, t.label])),
    ...(filtersOn() ? [h('button', { type: 'button', id: 'clear-filters', on: { click: () => go({ f: Object.fromEntries(Object.keys(S.f).map((k) => [k, ''])) }) } }, 'clear')] : []));
}

async function render() {
  const run = ++RUN, view = viewOf(S);
  status('');
  document.body.dataset.view = view;
  document.body.removeAttribute('data-rendered');
  for (const v of ['heat', 'search', 'article']) $('view-' + v).hidden = v !== view;
  // what a hidden view showed goes: every listed paragraph on the page belongs to the view on screen
  if (view !== 'heat') { $('cell').replaceChildren(); }
  if (view !== 'search') { $('kwic').replaceChildren(); $('by-group').replaceChildren(); $('kwic-more').replaceChildren(); }
  if (view !== 'article') $('article').replaceChildren();
  document.querySelectorAll('#tabs button').forEach((b) => b.classList.toggle('on', b.dataset.view === view));
  const input = $('search');
  if (!typing && input.value.trim() !== (S.q || '')) input.value = S.q || '';
  $('regex').checked = S.re === '1';
  renderFilters();
  if (!DATA) {
    if (view !== 'heat') status('This corpus is too large to embed in the page: run `python -m analysis explore DIR` and open the address it prints to search it and read its paragraphs.', 'error');
  }
  try {
    if (view === 'heat') { await renderHeat(run); if (DATA && run === RUN) await renderCell(run); }
    else if (!DATA) return;
    else if (view === 'search') await renderSearch(run);
    else await renderArticle(run);
  } catch (e) {
    if (run === RUN) status(String(e.message || e), 'error');
  }
  if (run === RUN) document.body.dataset.rendered = '1';
}

async function exportCSV() {
  const rows = typeof SHOWN.rows === 'function' ? await SHOWN.rows() : SHOWN.rows;
  return toCSV(rows || [], SHOWN.cols);
}

let typing = null;
function wire() {
  const input = $('search');
  const submit = () => { clearTimeout(typing); typing = null; const q = input.value.trim(); if (q !== (S.q || '') || viewOf(S) !== 'search') go({ q, view: q ? 'search' : '', doc: S.doc }, viewOf(S) === 'search'); };
  input.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(submit, 350); });
  input.addEventListener('search', submit);  // the clear button of a search field
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') submit(); });
  $('regex').addEventListener('change', (e) => go({ re: e.target.checked ? '1' : '' }));
  document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => go({ view: b.dataset.view })));
  $('export').addEventListener('click', async () => {
    try { download(`explorer_${SHOWN.name}.csv`.replace(/[^\w.\u3400-\u9fff-]+/g, '_'), await exportCSV()); } catch (e) { status(String(e.message || e), 'error'); }
  });
  window.addEventListener('hashchange', () => { S = parseHash(); render(); });
}

async function start() {
  let payload;
  try { payload = await decodePayload(); } catch (e) { status('The page’s data could not be read: ' + e.message, 'error'); return; }
  HEAD = payload.head;
  if (payload.body) DATA = new LocalData(HEAD, payload.body);
  else if (location.protocol.startsWith('http')) DATA = new RemoteData(HEAD);
  $('foot').textContent = `${fmtInt(HEAD.meta.n_docs)} articles, ${fmtInt(HEAD.meta.n_paras)} paragraphs · ` +
    (payload.body ? 'all paragraphs are in this page' : DATA ? 'served by python -m analysis explore' : 'heatmap only (open with python -m analysis explore DIR)');
  S = parseHash();
  wire();
  await render();
  document.body.dataset.ready = '1';
}

window.explorer = { state: () => S, csv: exportCSV, go };
start();
