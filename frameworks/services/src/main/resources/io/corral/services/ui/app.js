// The services' own page: apps with their instances and health, and the deployments in flight, read
// from the Marathon API every 2 s. Every string from the API (ids, commands, hosts are user input)
// goes into the page through textContent or attribute setters, never as HTML.
'use strict';

const REFRESH_MS = 2000;
// The apps whose instances are shown; a link may name some: #open=/eng/web,/eng/db
const open = new Set(decodeURIComponent(location.hash.replace(/^#open=/, '')).split(',').filter(id => id.startsWith('/')));

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map(h => el('th', { text: h })))),
    el('tbody', {}, ...rows));
}

function when(ts) {
  return ts ? new Date(ts).toLocaleString() : '';
}

function health(app) {
  if (!app.healthChecks || app.healthChecks.length === 0) return el('span', { class: 'muted', text: 'no checks' });
  const span = el('span', { class: app.tasksUnhealthy > 0 ? 'unhealthy' : 'healthy' });
  span.textContent = app.tasksHealthy + ' healthy' + (app.tasksUnhealthy > 0 ? ', ' + app.tasksUnhealthy + ' unhealthy' : '');
  return span;
}

function taskHealth(t) {
  const r = (t.healthCheckResults || [])[0];
  if (!r) return el('span', { class: 'muted', text: '—' });
  return el('span', { class: r.alive ? 'healthy' : 'unhealthy', text: r.alive ? 'healthy' : 'unhealthy' },
    r.lastFailureCause && !r.alive ? ' (' + r.lastFailureCause + ')' : '');
}

function taskRows(app) {
  const rows = (app.tasks || []).map(t => el('tr', { 'data-task-id': t.id },
    el('td', { text: t.id }), el('td', { text: t.host || '' }), el('td', { text: (t.ports || []).join(', ') }),
    el('td', {}, el('span', { class: 'state ' + t.state, text: t.state })), el('td', {}, taskHealth(t)),
    el('td', { text: when(t.startedAt) })));
  if (rows.length === 0) return el('p', { class: 'muted', text: 'No instances.' });
  return table(['Instance', 'Host', 'Ports', 'State', 'Health', 'Started'], rows);
}

function appRows(app) {
  const shown = open.has(app.id);
  const toggle = el('button', {
    class: 'toggle', 'aria-expanded': String(shown), text: (shown ? '▾ ' : '▸ ') + app.id,
    onclick: () => { shown ? open.delete(app.id) : open.add(app.id); refresh(); }
  });
  const deploying = (app.deployments || []).length > 0;
  const row = el('tr', { 'data-app-id': app.id },
    el('td', {}, toggle),
    el('td', { text: app.cmd || (app.args || []).join(' ') }),
    el('td', { class: 'num', 'data-field': 'instances', text: app.tasksRunning + ' / ' + app.instances }),
    el('td', { class: 'num', text: String(app.tasksStaged) }),
    el('td', { 'data-field': 'health' }, health(app)),
    el('td', { class: 'num', text: String(app.cpus) }),
    el('td', { class: 'num', text: app.mem + ' MiB' }),
    el('td', {}, deploying ? el('span', { class: 'deploying', text: 'deploying' }) : el('span', { class: 'muted', text: '—' })));
  if (!shown) return [row];
  return [row, el('tr', { class: 'tasks' }, el('td', { colspan: '8' }, taskRows(app)))];
}

function renderApps(apps) {
  if (apps.length === 0) return el('p', { class: 'muted', text: 'No apps. POST a definition to /v2/apps.' });
  return table(['App', 'Command', 'Running / wanted', 'Staged', 'Health', 'CPUs', 'Memory', 'Deployment'],
    apps.flatMap(appRows));
}

function renderDeployments(deployments) {
  if (deployments.length === 0) return el('p', { class: 'muted', text: 'No deployments in flight.' });
  return table(['Deployment', 'Apps', 'Step', 'Current actions', 'Version'], deployments.map(d =>
    el('tr', { 'data-deployment-id': d.id },
      el('td', { text: d.id }), el('td', { text: d.affectedApps.join(', ') }),
      el('td', { class: 'num', text: d.currentStep + ' / ' + d.totalSteps }),
      el('td', { text: d.currentActions.map(a => a.action + ' ' + a.app).join(', ') }),
      el('td', { text: when(d.version) }))));
}

async function json(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}

async function refresh() {
  const updated = document.getElementById('updated');
  try {
    const [apps, deployments, info] = await Promise.all(
      [json('/v2/apps?embed=apps.tasks'), json('/v2/deployments'), json('/v2/info')]);
    document.getElementById('apps').replaceChildren(renderApps(apps.apps));
    document.getElementById('deployments').replaceChildren(renderDeployments(deployments));
    document.getElementById('leader').textContent = info.leader ? 'leader ' + info.leader : 'no leader';
    updated.textContent = 'updated ' + new Date().toLocaleTimeString();
    updated.className = '';
    document.body.dataset.loaded = 'true';
  } catch (e) {
    updated.textContent = 'cannot read the API: ' + e.message;
    updated.className = 'stale';
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
