// Corral's web UI: reads /api/v1/state every 2 s and renders the page the URL's hash names.
// Every string from the cluster (task names, labels, attributes are user input) goes into the
// page through textContent or attribute setters, never as HTML.
'use strict';

const REFRESH_MS = 2000;
const LOG_POLL_MS = 1000;
const LOG_CHUNK = 65536;
const MAX_ROWS = 500; // a table shows at most this many rows; filters and the API reach the rest
let state = null;
let lastError = null;
let taskFilter = { state: '', framework: '', completed: true };
let logTail = null; // the live tail of the task page, if one is open

// ---- DOM helpers ---------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'width') e.style.width = v; // CSSOM, which the page's CSP allows (inline styles it does not)
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function link(href, text) {
  return el('a', { href }, text);
}

function taskHref(t) {
  return '#/tasks/' + encodeURIComponent(t.framework_id) + '/' + encodeURIComponent(t.id);
}

function fmt(n, digits) {
  if (n === undefined || n === null) return '';
  return Number(n).toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 2 : digits });
}

function mib(n) {
  if (n >= 1024 * 1024) return fmt(n / 1024 / 1024, 1) + ' TiB';
  if (n >= 1024) return fmt(n / 1024, 1) + ' GiB';
  return fmt(n, 0) + ' MiB';
}

function amount(resource, n) {
  return resource === 'cpus' ? fmt(n) : mib(n);
}

function time(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}

function table(id, headers, rows) {
  const t = el('table', { id },
    el('thead', {}, el('tr', {}, ...headers.map(h => el('th', { text: h })))),
    el('tbody', {}, ...rows.slice(0, MAX_ROWS)));
  if (rows.length <= MAX_ROWS) return t;
  return el('div', {}, el('p', { class: 'muted', id: id + '-truncated',
    text: 'Showing the first ' + MAX_ROWS + ' of ' + rows.length + ' rows; filter, or read /api/v1/ for all.' }), t);
}

function fields(pairs) {
  const dl = el('dl', { class: 'fields' });
  for (const [k, v] of pairs) {
    dl.append(el('dt', { text: k }), el('dd', {}, v === undefined || v === null ? '' : v));
  }
  return dl;
}

// ---- pages ---------------------------------------------------------------------------------

function capacityChart(resource) {
  const total = state.cluster.resources[resource] || 0;
  const used = state.cluster.used_resources[resource] || 0;
  const offered = state.cluster.offered_resources[resource] || 0;
  const chart = svg('svg', { class: 'chart', id: 'capacity-' + resource, viewBox: '0 0 100 10',
    preserveAspectRatio: 'none', role: 'img' });
  const u = total > 0 ? Math.min(100, used / total * 100) : 0;
  const o = total > 0 ? Math.min(100 - u, offered / total * 100) : 0;
  chart.append(svg('rect', { x: 0, y: 0, width: 100, height: 10, fill: '#e6ebf2' }));
  chart.append(svg('rect', { class: 'used', x: 0, y: 0, width: u, height: 10, fill: '#2f6fdf' }));
  chart.append(svg('rect', { class: 'offered', x: u, y: 0, width: o, height: 10, fill: '#f0a030' }));
  const title = svg('title', {});
  title.textContent = resource + ': ' + amount(resource, used) + ' used, ' + amount(resource, offered)
    + ' offered of ' + amount(resource, total);
  chart.append(title);
  return el('div', { class: 'card', 'data-resource': resource },
    el('div', { class: 'label', text: resource }),
    el('div', { class: 'value', text: amount(resource, used) + ' / ' + amount(resource, total) }),
    chart,
    el('div', { class: 'legend' }, el('i', { class: 'used' }), 'allocated ' + amount(resource, used),
      el('i', { class: 'offered' }), 'offered ' + amount(resource, offered),
      el('i', { class: 'free' }), 'free ' + amount(resource, Math.max(0, total - used - offered))));
}

/** A framework's roles (several for a framework of several), those suppressed marked: "eng/etl, eng/adhoc (suppressed)". */
function rolesText(f) {
  const suppressed = new Set(f.suppressed_roles || []);
  return (f.roles || [f.role]).map(r => suppressed.has(r) ? r + ' (suppressed)' : r).join(', ');
}

function frameworksTable(frameworks) {
  const sorted = [...frameworks].sort((a, b) => b.dominant_share - a.dominant_share);
  return table('frameworks-table', ['ID', 'Name', 'Roles', 'Principal', 'Active', 'CPUs', 'Mem', 'Tasks',
    'Dominant share'], sorted.map(f => el('tr', { 'data-framework-id': f.id },
    el('td', {}, link('#/frameworks/' + encodeURIComponent(f.id), f.id)),
    el('td', { text: f.name }), el('td', { class: 'roles', text: rolesText(f) }),
    el('td', { text: f.principal || '' }),
    el('td', { text: f.active ? 'yes' : 'no' }),
    el('td', { class: 'num', text: fmt(f.used_resources.cpus) }),
    el('td', { class: 'num', text: mib(f.used_resources.mem) }),
    el('td', { class: 'num', text: f.active_tasks }),
    el('td', {}, el('span', { class: 'share', width: Math.round(f.dominant_share * 100) + 'px' }),
      fmt(f.dominant_share * 100, 1) + '%'))));
}

/** Scalar resources as "cpus 2 · mem 1 GiB", or "–" when none. */
function scalars(r) {
  const parts = Object.keys(r || {}).map(k => k + ' ' + amount(k, r[k]));
  return parts.length ? parts.join(' · ') : '–';
}

function rolesTable(roles) {
  return table('roles-table', ['Role', 'Weight', 'Guarantee', 'Limit', 'Allocated', 'Offered', 'Frameworks',
    'Preemptions'], roles.map(r => el('tr', { 'data-role': r.name },
    el('td', { text: r.name }), el('td', { class: 'num', text: fmt(r.weight) }),
    el('td', { class: 'guarantee', text: scalars(r.guarantee) }), el('td', { class: 'limit', text: scalars(r.limit) }),
    el('td', { class: 'allocated', text: scalars(r.allocated) }), el('td', { text: scalars(r.offered) }),
    el('td', { class: 'num', text: r.frameworks }), el('td', { class: 'num preemptions', text: r.preemptions }))));
}

function completedFrameworksTable(frameworks) {
  return table('completed-frameworks-table', ['ID', 'Name', 'Roles', 'Removed', 'Why', 'Tasks'],
    [...frameworks].reverse().map(f => el('tr', { 'data-framework-id': f.id },
      el('td', {}, link('#/frameworks/' + encodeURIComponent(f.id), f.id)), el('td', { text: f.name }),
      el('td', { class: 'roles', text: rolesText(f) }), el('td', { text: time(f.removed_at) }), el('td', { text: f.reason }),
      el('td', { class: 'num', text: f.completed_tasks }))));
}

function agentsTable(agents) {
  return table('agents-table', ['ID', 'Host', 'Status', 'Maintenance', 'CPUs used / total', 'Mem used / total',
    'Reserved', 'Tasks', 'Attributes'], agents.map(a => el('tr', { 'data-agent-id': a.id },
    el('td', {}, link('#/agents/' + encodeURIComponent(a.id), a.id)),
    el('td', { text: a.hostname }),
    el('td', {}, el('span', { class: 'state ' + a.status, text: a.status })),
    el('td', { text: a.maintenance === 'NONE' ? '' : a.maintenance }),
    el('td', { class: 'num', text: fmt(a.used_resources.cpus) + ' / ' + fmt(a.resources.cpus) }),
    el('td', { class: 'num', text: mib(a.used_resources.mem) + ' / ' + mib(a.resources.mem) }),
    el('td', { class: 'reserved', text: reservedText(a.reserved) }),
    el('td', { class: 'num', text: a.active_tasks }),
    el('td', { text: Object.entries(a.attributes).map(([k, v]) => k + ':' + v).join(', ') }))));
}

/** An agent's reservations, role by role: "eng/etl: 4 cpus, 8.0 GiB mem". */
function reservedText(reserved) {
  return Object.entries(reserved || {}).map(([role, r]) => role + ': ' + Object.entries(r)
    .map(([name, v]) => typeof v === 'string' ? name + ' ' + v
      : name === 'mem' || name === 'disk' ? mib(v) + ' ' + name : fmt(v) + ' ' + name).join(', '))
    .join('; ');
}

/** What the task's health check last found: healthy, unhealthy, or '' for a task without health checks. */
function health(t) {
  return t.healthy === true ? 'healthy' : t.healthy === false ? 'unhealthy' : '';
}

function tasksTable(tasks) {
  return table('tasks-table', ['ID', 'Name', 'State', 'Health', 'Framework', 'Role', 'Agent', 'CPUs', 'Mem', 'Updated'],
    tasks.map(t => el('tr', { 'data-task-id': t.id, 'data-state': t.state },
      el('td', {}, link(taskHref(t), t.id)),
      el('td', { class: 'task-name', text: t.name }),
      el('td', {}, el('span', { class: 'state ' + t.state, text: t.state })),
      el('td', { class: 'health ' + health(t), text: health(t) }),
      el('td', {}, link('#/frameworks/' + encodeURIComponent(t.framework_id), t.framework_id)),
      el('td', { class: 'role', text: t.role || '' }),
      el('td', {}, link('#/agents/' + encodeURIComponent(t.agent_id), t.agent_id)),
      el('td', { class: 'num', text: fmt(t.resources.cpus) }),
      el('td', { class: 'num', text: mib(t.resources.mem) }),
      el('td', { text: time(t.updated_at) }))));
}

function overview() {
  const c = state.cluster;
  return el('div', { id: 'overview' },
    el('div', { class: 'cards' },
      el('div', { class: 'card' }, el('div', { class: 'label', text: 'agents' }),
        el('div', { class: 'value', id: 'agent-count', text: c.active_agents + ' / ' + c.agents }),
        el('div', { class: 'legend', text: 'in service / known' })),
      el('div', { class: 'card' }, el('div', { class: 'label', text: 'frameworks' }),
        el('div', { class: 'value', id: 'framework-count', text: c.frameworks })),
      el('div', { class: 'card' }, el('div', { class: 'label', text: 'active tasks' }),
        el('div', { class: 'value', id: 'task-count', text: c.active_tasks })),
      el('div', { class: 'card' }, el('div', { class: 'label', text: 'outstanding offers' }),
        el('div', { class: 'value', text: state.offers.length })),
      el('div', { class: 'card' }, el('div', { class: 'label', text: 'fetched URIs' }),
        el('div', { class: 'value', id: 'fetch-count', text: c.fetcher.fetched }),
        el('div', { class: 'legend', id: 'fetch-legend', text: c.fetcher.cache_hits + ' from agents\' caches, '
          + mib(c.fetcher.bytes_downloaded / 1048576) + ' downloaded, ' + c.fetcher.failures + ' failed' }))),
    el('h2', { text: 'Capacity and allocation' }),
    el('div', { class: 'cards' }, capacityChart('cpus'), capacityChart('mem'), capacityChart('disk')),
    el('h2', { text: 'Frameworks by dominant share' }), frameworksTable(state.frameworks),
    el('h2', { text: 'Agents' }), agentsTable(state.agents));
}

function allTasks() {
  return state.tasks.concat(taskFilter.completed ? state.completed_tasks : []);
}

function tasksPage() {
  const tasks = allTasks().filter(t => (!taskFilter.state || t.state === taskFilter.state)
    && (!taskFilter.framework || t.framework_id === taskFilter.framework));
  const states = [...new Set(state.tasks.concat(state.completed_tasks).map(t => t.state))].sort();
  const stateSelect = el('select', { id: 'filter-state', onchange: e => { taskFilter.state = e.target.value; render(); } },
    el('option', { value: '', text: 'all states' }), ...states.map(s => el('option', { value: s, text: s })));
  stateSelect.value = taskFilter.state;
  const fwSelect = el('select', { id: 'filter-framework',
    onchange: e => { taskFilter.framework = e.target.value; render(); } },
    el('option', { value: '', text: 'all frameworks' }),
    ...state.frameworks.map(f => el('option', { value: f.id, text: f.name + ' (' + f.id + ')' })));
  fwSelect.value = taskFilter.framework;
  const completed = el('input', { type: 'checkbox', id: 'filter-completed',
    onchange: e => { taskFilter.completed = e.target.checked; render(); } });
  completed.checked = taskFilter.completed;
  return el('div', {},
    el('div', { class: 'filters' }, el('label', {}, 'State ', stateSelect), el('label', {}, 'Framework ', fwSelect),
      el('label', {}, completed, ' include completed')),
    el('div', { class: 'muted', id: 'task-total', text: tasks.length + ' task(s)' }),
    tasksTable(tasks));
}

function agentPage(id) {
  const a = state.agents.find(x => x.id === id);
  if (!a) return el('p', { class: 'error', text: 'No agent ' + id });
  return el('div', {}, el('h2', { text: 'Agent ' + a.id }),
    fields([['Host', a.hostname + ':' + a.port], ['Status', a.status], ['Maintenance', a.maintenance],
      ['HTTP', a.http_url ? link(a.http_url + 'api/v1/state', a.http_url) : ''],
      ['Registered', time(a.registered_at)],
      ['Resources', JSON.stringify(a.resources)], ['Reserved', reservedText(a.reserved) || 'none'],
      ['Used', JSON.stringify(a.used_resources)],
      ['Offered', JSON.stringify(a.offered_resources)], ['Attributes', JSON.stringify(a.attributes)],
      ['Isolation', (a.isolators || []).join(', ') || 'none']]),
    el('h2', { text: 'Tasks' }), tasksTable(state.tasks.filter(t => t.agent_id === id)));
}

function frameworkPage(id) {
  const f = state.frameworks.find(x => x.id === id)
    || state.completed_frameworks.find(x => x.id === id);
  if (!f) return el('p', { class: 'error', text: 'No framework ' + id });
  return el('div', {}, el('h2', { text: 'Framework ' + f.name }),
    fields([['ID', f.id], ['Roles', el('span', { id: 'framework-roles', text: rolesText(f) })],
      ['Principal', f.principal], ['User', f.user], ['Host', f.hostname],
      ['Active', f.active ? 'yes' : 'no'], ['Registered', time(f.registered_at)],
      ['Removed', f.removed_at ? time(f.removed_at) + ' (' + f.reason + ')' : ''],
      ['Dominant share', fmt((f.dominant_share || 0) * 100, 1) + '%'], ['Used', JSON.stringify(f.used_resources || {})],
      ['Labels', JSON.stringify(f.labels || {})]]),
    el('h2', { text: 'Tasks' }),
    tasksTable(state.tasks.concat(state.completed_tasks).filter(t => t.framework_id === id)));
}

function taskPage(fw, id) {
  const t = state.tasks.concat(state.completed_tasks).find(x => x.framework_id === fw && x.id === id);
  if (!t) return el('p', { class: 'error', text: 'No task ' + fw + '/' + id });
  const agent = state.agents.find(a => a.id === t.agent_id);
  return el('div', { id: 'task' }, el('h2', { text: 'Task ' + t.id }),
    fields([['Name', t.name], ['State', el('span', { class: 'state ' + t.state, id: 'task-state', text: t.state })],
      ['Health', el('span', { class: 'health ' + health(t), id: 'task-health', text: health(t) })],
      ['Framework', link('#/frameworks/' + encodeURIComponent(fw), fw)],
      ['Role', el('span', { id: 'task-role', text: t.role || '' })],
      ['Agent', agent ? link('#/agents/' + encodeURIComponent(agent.id), agent.id + ' (' + agent.hostname + ')')
        : t.agent_id],
      ['Executor', t.executor_id || '(command executor)'], ['Message', t.message], ['Reason', t.reason],
      ['Exit code', t.exit_code], ['Updated', time(t.updated_at)], ['Resources', JSON.stringify(t.resources)]]));
}

// ---- the sandbox and the live log tail (read from the task's agent) ------------------------

function openLogs(fw, id) {
  const box = document.getElementById('logs');
  box.replaceChildren();
  logTail = null;
  const t = state && state.tasks.concat(state.completed_tasks).find(x => x.framework_id === fw && x.id === id);
  const agent = t && state.agents.find(a => a.id === t.agent_id);
  if (!t) return;
  if (!agent || !agent.http_url) {
    box.append(el('p', { class: 'muted', text: 'The agent of this task serves no sandbox API.' }));
    return;
  }
  // Through the master: the page's own origin, where the browser sends its credentials (secured clusters)
  const base = '/api/v1/agents/' + encodeURIComponent(agent.id) + '/proxy/api/v1/';
  const q = new URLSearchParams({ framework: fw, task: id });
  if (t.executor_id) q.set('executor', t.executor_id);
  const files = el('ul', { id: 'sandbox-files' });
  const which = el('select', { id: 'log-file' }, el('option', { value: 'stdout', text: 'stdout' }),
    el('option', { value: 'stderr', text: 'stderr' }));
  const pre = el('pre', { class: 'log', id: 'log-tail' });
  box.append(el('h2', { text: 'Sandbox' }), files, el('h2', {}, 'Log ', which), pre);
  const tail = { base, sandbox: null, file: 'stdout', offset: -1, pre, timer: null, key: fw + '/' + id };
  logTail = tail;
  which.addEventListener('change', () => { tail.file = which.value; tail.offset = -1; pre.textContent = ''; });
  fetch(base + 'sandbox?' + q).then(r => r.ok ? r.json() : r.json().then(e => Promise.reject(e.error)))
    .then(s => {
      tail.sandbox = s.path;
      return fetch(base + 'files/browse?' + new URLSearchParams({ path: s.path })).then(r => r.json());
    })
    .then(list => {
      for (const f of list) {
        const href = base + 'files/download?' + new URLSearchParams({ path: f.path });
        // a link is shown as one (its target as written); only files and links are opened
        const name = f.dir ? f.name + '/' : f.type === 'file' || f.type === 'link'
          ? el('a', { href, 'data-file': f.name }, f.name) : f.name;
        const note = f.dir ? '' : f.type === 'link' ? '  -> ' + f.target
          : f.type === 'file' ? '  ' + fmt(f.size, 0) + ' bytes' : '  (' + f.type + ')';
        files.append(el('li', {}, name, el('span', { class: 'muted', text: note })));
      }
      pollLog(tail);
    })
    .catch(e => box.append(el('p', { class: 'error', text: 'Sandbox: ' + e })));
}

function pollLog(tail) {
  if (logTail !== tail) return;
  const path = tail.sandbox + '/' + tail.file;
  const q = new URLSearchParams({ path, offset: String(tail.offset < 0 ? 0 : tail.offset), length: String(LOG_CHUNK) });
  fetch(tail.base + 'files/read?' + q).then(r => r.ok ? r.json() : null).then(chunk => {
    if (chunk && logTail === tail) {
      if (chunk.data) {
        const atBottom = tail.pre.scrollTop + tail.pre.clientHeight >= tail.pre.scrollHeight - 4;
        tail.pre.append(document.createTextNode(chunk.data));
        if (atBottom) tail.pre.scrollTop = tail.pre.scrollHeight;
      }
      tail.offset = chunk.offset + chunk.length;
    }
  }).catch(() => {}).finally(() => { tail.timer = setTimeout(() => pollLog(tail), LOG_POLL_MS); });
}

// ---- routing and refresh -------------------------------------------------------------------

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(p => p).map(decodeURIComponent);
  return parts;
}

function render() {
  const content = document.getElementById('content');
  const parts = route();
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.route === (parts[0] || 'overview'));
  }
  if (!state) {
    content.replaceChildren(el('p', { class: lastError ? 'error' : 'muted', text: lastError || 'Loading…' }));
    return;
  }
  let page;
  if (parts.length === 0) page = overview();
  else if (parts[0] === 'agents' && parts.length === 1) page = agentsTable(state.agents);
  else if (parts[0] === 'agents') page = agentPage(parts[1]);
  else if (parts[0] === 'frameworks' && parts.length === 1) {
    page = el('div', {}, frameworksTable(state.frameworks), el('h2', { text: 'Completed frameworks' }),
      completedFrameworksTable(state.completed_frameworks));
  }
  else if (parts[0] === 'frameworks') page = frameworkPage(parts[1]);
  else if (parts[0] === 'tasks' && parts.length === 1) page = tasksPage();
  else if (parts[0] === 'tasks' && parts.length >= 3) page = taskPage(parts[1], parts[2]);
  else if (parts[0] === 'roles') page = rolesTable(state.roles || []);
  else page = el('p', { class: 'error', text: 'No such page' });
  content.replaceChildren(page);
  const wantsLogs = parts[0] === 'tasks' && parts.length >= 3;
  const key = wantsLogs ? parts[1] + '/' + parts[2] : null;
  if (!wantsLogs && logTail) {
    logTail = null;
    document.getElementById('logs').replaceChildren();
  } else if (wantsLogs && (!logTail || logTail.key !== key)) {
    openLogs(parts[1], parts[2]);
  }
}

/** Pages that show tasks need the whole state; the others ask for it without the task lists. */
function needsTasks() {
  const parts = route();
  return parts[0] === 'tasks' || parts.length > 1;
}

/** Reads the state once and renders it. */
function load() {
  const tasks = needsTasks();
  const json = url => fetch(url).then(r => {
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  });
  const roles = route()[0] === 'roles' ? json('/api/v1/roles') : Promise.resolve({ roles: [] });
  return Promise.all([json(tasks ? '/api/v1/state' : '/api/v1/state?tasks=false'), roles]).then(([s, r]) => {
    s.withTasks = tasks;
    s.roles = r.roles;
    state = s;
    lastError = null;
    document.getElementById('master-info').textContent =
      'master ' + s.master.address + ' · v' + s.master.version;
    const u = document.getElementById('updated');
    u.textContent = 'updated ' + new Date().toLocaleTimeString();
    u.classList.remove('stale');
    render();
  }).catch(e => {
    lastError = 'Cannot read the master\'s state: ' + e.message;
    const u = document.getElementById('updated');
    u.textContent = lastError;
    u.classList.add('stale');
    if (!state) render();
  });
}

function refresh() {
  load().finally(() => setTimeout(refresh, REFRESH_MS));
}

window.addEventListener('hashchange', () => {
  if (state && route()[0] === 'roles') {
    load(); // the roles are read only for their page
  }
  if (state && needsTasks() && !state.withTasks) {
    state = null; // arrived from a page that read no tasks: read them now
    render();
    load();
    return;
  }
  render();
});
refresh();
