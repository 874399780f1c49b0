// The strictS3 request inspector: polls /_stricts3/requests once a second
// and shows one request in full from /_stricts3/requests/{id}. Everything
// a client sent is inserted as text (textContent), never as markup.
'use strict';

const POLL_MS = 1000;
const tbody = document.querySelector('#requests tbody');
const rejectedOnly = document.getElementById('rejected-only');
const live = document.getElementById('live');
const statusLine = document.getElementById('status');
let selected = '';

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
}

function render(list) {
  const rows = document.createDocumentFragment();
  for (const r of list.requests) {
    const tr = document.createElement('tr');
    tr.dataset.id = r.id;
    if (r.code) tr.className = r.warned ? 'warned' : 'rejected';
    if (r.id === selected) tr.classList.add('selected');
    cell(tr, new Date(r.time).toISOString().replace('T', ' ').replace('Z', ''));
    cell(tr, r.method);
    cell(tr, r.path + (r.query ? '?' + r.query : ''), 'path');
    cell(tr, r.operation);
    cell(tr, r.auth);
    cell(tr, r.accessKeyId);
    cell(tr, r.status);
    cell(tr, r.code ? (r.warned ? r.code + ' (warned)' : r.code) : '', 'code');
    cell(tr, (r.causes || []).map((c) => c.id).join(', '), 'causes');
    tr.addEventListener('click', () => show(r.id));
    rows.appendChild(tr);
  }
  tbody.replaceChildren(rows);
  document.getElementById('empty').hidden = list.requests.length > 0;
  statusLine.textContent = `${list.requests.length} shown, keeping the last ${list.capacity}`;
}

async function fetchJSON(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.headers.get('x-stricts3-diagnosis') || ''}`);
  return res.json();
}

async function poll() {
  try {
    render(await fetchJSON('requests' + (rejectedOnly.checked ? '?rejected=true' : '')));
  } catch (e) {
    statusLine.textContent = String(e);
  }
}

function field(dl, name, value) {
  if (value === undefined || value === '' || value === null) return;
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = String(value);
  dl.append(dt, dd);
}

async function show(id) {
  selected = id;
  for (const tr of tbody.children) tr.classList.toggle('selected', tr.dataset.id === id);
  let r;
  try {
    r = await fetchJSON('requests/' + encodeURIComponent(id));
  } catch (e) {
    statusLine.textContent = String(e);
    return;
  }
  const pane = document.getElementById('detail');
  pane.hidden = false;
  document.getElementById('detail-title').textContent = `${r.method} ${r.path}`;
  const dl = document.getElementById('detail-fields');
  dl.replaceChildren();
  field(dl, 'request id', r.id);
  field(dl, 'time', r.time);
  field(dl, 'query', r.query);
  field(dl, 'operation', r.operation);
  field(dl, 'auth', r.auth);
  field(dl, 'access key', r.accessKeyId);
  field(dl, 'status', r.status);
  field(dl, 'S3 code', r.code ? `${r.code}: ${r.message}` : '');
  field(dl, 'served in warn mode', r.warned ? 'yes' + (r.servedCode ? `, then answered ${r.servedCode}` : '') : '');
  field(dl, 'elapsed (ms)', r.elapsedMillis);
  document.getElementById('detail-diagnosis').textContent = r.diagnosis || '(none)';
  const causes = document.getElementById('detail-causes');
  causes.replaceChildren();
  const all = (r.causes || []).concat(...(r.warnings || []).slice(1).map((w) => w.causes || []));
  for (const c of all) {
    const li = document.createElement('li');
    li.className = 'cause';
    li.dataset.cause = c.id;
    const ev = c.evidence ? ' ' + Object.entries(c.evidence).map(([k, v]) => `${k}=${v}`).join(', ') : '';
    li.textContent = `${c.id}: ${c.message}${ev}`;
    causes.appendChild(li);
  }
  document.getElementById('detail-canonical').textContent = r.canonicalRequest || '(not built)';
  document.getElementById('detail-sts').textContent = r.stringToSign || '(not built)';
}

rejectedOnly.addEventListener('change', poll);
setInterval(() => { if (live.checked) poll(); }, POLL_MS);
poll();
