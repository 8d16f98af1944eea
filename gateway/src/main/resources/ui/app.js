// Bastion's web console: a small page over the JSON API (/v1/sandboxes...) and the WebSocket
// terminal. No framework and no build step of its own: the browser loads this module, and
// xterm.js from vendor/ (bundled into the jar from npm at build time).
import { Terminal } from './vendor/xterm.mjs';
import { FitAddon } from './vendor/addon-fit.mjs';

const TOKEN_KEY = 'bastion.token';
const WORKSPACE = '/workspace';
const $ = (selector) => document.querySelector(selector);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  selected: null, // the sandbox whose details are open
  terminal: null, // { term, fit, socket, observer } while a terminal is open
  running: false, // whether a cell of the code panel is running
};

// ---- talking to the server -------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(`${code}: ${message}`);
    this.status = status;
  }
}

async function api(method, path, { json, body, raw } = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers, body });
  if (!response.ok) {
    let code = `HTTP ${response.status}`;
    let message = response.statusText;
    try {
      const error = await response.json();
      code = error.code;
      message = error.message;
    } catch {
      // Not one of the API's JSON errors (a proxy's page, say): the status says enough.
    }
    if (response.status === 401) {
      signOut('That token is not valid here (or no longer is).');
    }
    throw new ApiError(response.status, code, message);
  }
  return raw ? response : response.json();
}

const sandboxPath = (id, rest = '') => `/v1/sandboxes/${encodeURIComponent(id)}${rest}`;

// ---- status line -----------------------------------------------------------------------

function say(message, isError = false) {
  const status = $('#status');
  status.textContent = message;
  status.classList.toggle('error', isError);
}

async function attempt(what, action) {
  try {
    say(`${what}…`);
    await action();
    say('');
  } catch (error) {
    say(`${what} failed: ${error.message}`, true);
  }
}

// ---- signing in and out ----------------------------------------------------------------

function showSignedIn(signedIn) {
  $('#sign-in').hidden = signedIn;
  $('#workspace').hidden = !signedIn;
  $('#sign-out').hidden = !signedIn;
}

async function signIn(token) {
  state.token = token;
  try {
    await refreshSandboxes();
  } catch (error) {
    state.token = null;
    throw error;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  showSignedIn(true);
  $('#who').textContent = 'signed in';
  $('#create-name').focus();
}

function signOut(reason = '') {
  closeDetails();
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $('#who').textContent = '';
  $('#token').value = '';
  showSignedIn(false);
  say(reason, reason !== '');
  $('#token').focus();
}

// ---- the sandbox list ------------------------------------------------------------------

function age(seconds) {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, onClick, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

async function refreshSandboxes() {
  const { sandboxes } = await api('GET', '/v1/sandboxes');
  const body = $('#sandboxes tbody');
  body.replaceChildren(...sandboxes.map(sandboxRow));
  $('#no-sandboxes').hidden = sandboxes.length > 0;
  if (state.selected && !sandboxes.some((s) => s.id === state.selected.id)) {
    closeDetails();
  }
}

function sandboxRow(sandbox) {
  const row = document.createElement('tr');
  row.dataset.sandboxId = sandbox.id;
  row.classList.toggle('selected', state.selected?.id === sandbox.id);
  const name = document.createElement('td');
  name.append(button(sandbox.id, () => openDetails(sandbox)));
  name.firstChild.title = 'Show files and audit decisions';
  row.append(
    name,
    cell(sandbox.phase, `phase-${sandbox.phase.toLowerCase()}`),
    cell(age(sandbox.age_seconds)),
    cell(sandbox.warm_pool ? `${sandbox.template} (pool ${sandbox.warm_pool})` : sandbox.template),
  );
  const actions = document.createElement('td');
  actions.className = 'actions';
  if (sandbox.phase === 'READY') {
    actions.append(
      button('Terminal', () => openDetails(sandbox, { terminal: true })),
      button('Suspend', () =>
        attempt(`Suspending ${sandbox.id}`, async () => {
          await api('POST', sandboxPath(sandbox.id, '/suspend'));
          await refreshSandboxes();
        })),
    );
  }
  if (sandbox.phase === 'SUSPENDED') {
    actions.append(
      button('Resume', () =>
        attempt(`Resuming ${sandbox.id}`, async () => {
          await api('POST', sandboxPath(sandbox.id, '/resume'));
          await refreshSandboxes();
        })),
    );
  }
  actions.append(
    button(
      'Delete',
      () => {
        if (!confirm(`Delete sandbox ${sandbox.id} and its files?`)) return;
        attempt(`Deleting ${sandbox.id}`, async () => {
          await api('DELETE', sandboxPath(sandbox.id));
          await refreshSandboxes();
        });
      },
      'danger',
    ),
  );
  row.append(actions);
  return row;
}

// ---- one sandbox: files, audit, terminal -----------------------------------------------

function openDetails(sandbox, { terminal = false } = {}) {
  const sameSandbox = state.selected?.id === sandbox.id;
  if (!sameSandbox) {
    closeTerminal();
  }
  state.selected = sandbox;
  for (const row of document.querySelectorAll('#sandboxes tbody tr')) {
    row.classList.toggle('selected', row.dataset.sandboxId === sandbox.id);
  }
  $('#details-id').textContent = sandbox.id;
  $('#details').hidden = false;
  if (!sameSandbox) $('#cells').replaceChildren();
  attempt('Loading files, contexts and audit decisions', () =>
    Promise.all([refreshFiles(), refreshAudit(), refreshContexts()]));
  if (terminal) {
    openTerminal(sandbox.id);
  } else {
    $('#refresh-files').focus();
  }
}

function closeDetails() {
  closeTerminal();
  state.selected = null;
  $('#details').hidden = true;
  for (const row of document.querySelectorAll('#sandboxes tbody tr.selected')) {
    row.classList.remove('selected');
  }
}

async function refreshFiles() {
  const id = state.selected.id;
  const { files } = await api('GET', sandboxPath(id, `/files/list?path=${encodeURIComponent(WORKSPACE)}`));
  const rows = files
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((file) => {
      const row = document.createElement('tr');
      const isFile = file.type === 'file';
      row.append(
        cell(file.type === 'directory' ? `${file.name}/` : file.name),
        cell(isFile ? String(file.size) : ''),
        cell(file.modified_at ? new Date(file.modified_at).toLocaleString() : ''),
      );
      const actions = document.createElement('td');
      if (isFile) {
        actions.append(button('Download', () => attempt(`Downloading ${file.name}`, () => download(id, file))));
      }
      row.append(actions);
      return row;
    });
  $('#files tbody').replaceChildren(...rows);
}

// The API wants the bearer token in a header, which a plain link cannot send: fetch the file,
// then hand the browser the bytes to save.
async function download(id, file) {
  const response = await api('GET', sandboxPath(id, `/files?path=${encodeURIComponent(file.path)}`), { raw: true });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function upload(file) {
  const id = state.selected.id;
  const path = `${WORKSPACE}/${file.name}`;
  await api('PUT', sandboxPath(id, `/files?path=${encodeURIComponent(path)}`), { body: file });
  $('#upload-file').value = '';
  await refreshFiles();
}

async function refreshAudit() {
  const id = state.selected.id;
  const result = await api('GET', sandboxPath(id, '/audit?limit=50'));
  const note = $('#audit-note');
  note.hidden = result.audit_log && result.decisions.length > 0;
  note.textContent = result.audit_log ? 'No decisions about this sandbox in the recent audit log.' : result.message;
  const rows = result.decisions.map((d) => {
    const row = document.createElement('tr');
    const detail = [JSON.stringify(d.args ?? {}), d.message ?? ''].filter((s) => s && s !== '{}').join(' — ');
    row.append(
      cell(new Date(d.time).toLocaleString()),
      cell(d.tool),
      cell(d.decision, `decision-${d.decision}`),
      cell(d.rule),
      cell(detail),
    );
    return row;
  });
  $('#audit tbody').replaceChildren(...rows);
}

// ---- the code panel --------------------------------------------------------------------

// Cells run in a code context (a Jupyter kernel in the sandbox). The panel makes a context of its
// own on the first run unless the person picks one the sandbox already has (an agent's, say), so
// Interrupt always knows which kernel to stop.
const NEW_CONTEXT = '';
// IPython colours its tracebacks for a terminal; a page shows them plain.
const TERMINAL_COLOURS = /\u001b\[[0-9;]*m/g;
// Figures the page draws as images; any other type (SVG included) is shown as its text.
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif'];

const contextPath = (id, context, rest = '') =>
  sandboxPath(id, `/contexts/${encodeURIComponent(context)}${rest}`);

async function refreshContexts(select = $('#context').value) {
  const { contexts } = await api('GET', sandboxPath(state.selected.id, '/contexts'));
  const options = contexts.map((context) => {
    const option = document.createElement('option');
    option.value = context.id;
    option.textContent = `${context.id} (${context.language}${context.alive ? '' : ', kernel died: restart it'})`;
    return option;
  });
  const fresh = document.createElement('option');
  fresh.value = NEW_CONTEXT;
  fresh.textContent = 'new Python context (made on the first run)';
  $('#context').replaceChildren(...options, fresh);
  $('#context').value = contexts.some((c) => c.id === select) ? select : (contexts[0]?.id ?? NEW_CONTEXT);
  showContextState();
}

function showContextState() {
  const chosen = $('#context').value !== NEW_CONTEXT;
  $('#restart').disabled = !chosen || state.running;
  $('#interrupt').disabled = !chosen || !state.running;
  $('#run-cell').disabled = state.running;
  $('#context-state').textContent = state.running ? 'running…' : '';
}

async function chosenContext(id) {
  if ($('#context').value !== NEW_CONTEXT) return $('#context').value;
  const context = await api('POST', sandboxPath(id, '/contexts'), { json: { language: 'python' } });
  await refreshContexts(context.id);
  return context.id;
}

function pre(text, className) {
  const block = document.createElement('pre');
  block.textContent = text;
  if (className) block.className = className;
  return block;
}

// One result as the richest type the page can show safely: an image, HTML in a frame that runs
// no script (the sandbox wrote it: it must never run as this page, which holds the token), or text.
function resultElement(data) {
  const image = IMAGE_TYPES.find((type) => type in data);
  if (image) {
    const img = document.createElement('img');
    img.alt = data['text/plain'] ?? 'figure';
    img.src = `data:${image};base64,${data[image].replace(/[^A-Za-z0-9+/=]/g, '')}`;
    return img;
  }
  if ('text/html' in data) {
    const frame = document.createElement('iframe');
    // No allow-scripts: nothing in it runs. allow-same-origin only lets this page measure it.
    frame.setAttribute('sandbox', 'allow-same-origin');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.title = 'HTML result';
    frame.srcdoc = data['text/html'];
    frame.addEventListener('load', () => {
      const height = (frame.contentDocument?.body?.scrollHeight ?? 130) + 20;
      frame.style.height = `${Math.min(height, 600)}px`;
    });
    return frame;
  }
  return pre(data['text/plain'] ?? Object.keys(data).join(', '));
}

function drawCell(box, answer) {
  const outputs = [];
  for (const event of answer.events) {
    if ('stdout' in event) outputs.push(pre(event.stdout, 'stdout'));
    else if ('stderr' in event) outputs.push(pre(event.stderr, 'stderr'));
    else if ('result' in event) outputs.push(resultElement(event.result.data));
    else if ('error' in event) {
      const traceback = event.error.traceback.join('\n').replace(TERMINAL_COLOURS, '');
      outputs.push(pre(traceback || `${event.error.name}: ${event.error.value}`, 'error'));
      box.classList.add('failed');
    }
  }
  const notes = [];
  if (answer.timed_out) notes.push('timed out: the cell was interrupted');
  if (answer.truncated) notes.push('output past the cap was dropped');
  notes.push(`${answer.duration_ms} ms`);
  box.querySelector('.prompt').textContent = `In [${answer.execution_count}] · ${notes.join(' · ')}`;
  box.append(...outputs);
}

async function runCell() {
  const code = $('#cell-code').value;
  if (!code.trim() || state.running) return;
  const id = state.selected.id;
  const box = document.createElement('div');
  box.className = 'cell running';
  box.append(pre('In [ ]', 'prompt'), pre(code, 'input'));
  $('#cells').append(box);
  state.running = true;
  showContextState();
  try {
    const context = await chosenContext(id);
    showContextState();
    const answer = await api('POST', sandboxPath(id, '/code'), { json: { code, context_id: context } });
    drawCell(box, answer);
    $('#cell-code').value = '';
  } catch (error) {
    box.classList.add('failed');
    box.append(pre(error.message, 'error'));
  } finally {
    box.classList.remove('running');
    state.running = false;
    if (state.selected?.id === id) await refreshContexts().catch(() => {});
    $('#cell-code').focus();
  }
}

// ---- the terminal ----------------------------------------------------------------------

function openTerminal(id) {
  closeTerminal();
  $('#terminal-panel').hidden = false;
  const stateLabel = $('#terminal-state');
  stateLabel.textContent = 'connecting…';
  stateLabel.classList.remove('exited');
  const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open($('#terminal'));
  fit.fit();
  // Browsers cannot put headers on a WebSocket: the token travels as the subprotocol
  // bearer.<token>, which the server echoes back when it accepts it.
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(
    `${scheme}//${location.host}${sandboxPath(id, '/terminal')}?cols=${term.cols}&rows=${term.rows}`,
    [`bearer.${state.token}`],
  );
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  const send = (data) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(data);
  };
  socket.addEventListener('open', () => {
    stateLabel.textContent = 'connected';
    term.focus();
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') {
      term.write(new Uint8Array(event.data));
      return;
    }
    const control = JSON.parse(event.data);
    if (control.type === 'exit') {
      stateLabel.textContent = `exited with code ${control.code}`;
      stateLabel.classList.add('exited');
    }
  });
  socket.addEventListener('close', (event) => {
    if (!stateLabel.classList.contains('exited')) {
      stateLabel.textContent = event.reason ? `closed: ${event.reason}` : `closed (${event.code})`;
      stateLabel.classList.add('exited');
    }
  });
  // Keystrokes go out as binary frames (raw terminal bytes); a new size as a JSON text frame.
  term.onData((data) => send(encoder.encode(data)));
  term.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
  // A hidden panel measures 0x0: the gateway refuses sizes outside 1..1000 (and closes), so those
  // are not sent; the next visible fit sends the real size.
  term.onResize(({ cols, rows }) => {
    if (cols >= 1 && rows >= 1 && cols <= 1000 && rows <= 1000) {
      send(JSON.stringify({ type: 'resize', cols, rows }));
    }
  });
  const observer = new ResizeObserver(() => fit.fit());
  observer.observe($('#terminal'));
  state.terminal = { term, socket, observer };
}

function closeTerminal() {
  if (!state.terminal) return;
  const { term, socket, observer } = state.terminal;
  state.terminal = null;
  observer.disconnect();
  socket.close(1000, 'closed by the user');
  term.dispose();
  $('#terminal-panel').hidden = true;
}

// ---- wiring ----------------------------------------------------------------------------

$('#sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('#token').value.trim();
  attempt('Signing in', () => signIn(token));
});
$('#sign-out').addEventListener('click', () => signOut());
$('#refresh').addEventListener('click', () => attempt('Refreshing', refreshSandboxes));
$('#create').addEventListener('submit', (event) => {
  event.preventDefault();
  const kind = $('#create-kind').value;
  const name = $('#create-name').value.trim();
  attempt(`Creating a sandbox from ${kind === 'template' ? 'template' : 'warm pool'} ${name}`, async () => {
    const sandbox = await api('POST', '/v1/sandboxes', { json: { [kind]: name } });
    await refreshSandboxes();
    openDetails(sandbox);
  });
});
$('#close-details').addEventListener('click', closeDetails);
$('#close-terminal').addEventListener('click', () => {
  closeTerminal();
  $('#refresh-files').focus();
});
$('#refresh-files').addEventListener('click', () => attempt('Listing files', refreshFiles));
$('#refresh-audit').addEventListener('click', () => attempt('Reading the audit log', refreshAudit));
$('#upload').addEventListener('submit', (event) => {
  event.preventDefault();
  const file = $('#upload-file').files[0];
  if (file) attempt(`Uploading ${file.name}`, () => upload(file));
});
$('#cell-form').addEventListener('submit', (event) => {
  event.preventDefault();
  runCell();
});
$('#cell-code').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && event.shiftKey) {
    event.preventDefault();
    runCell();
  }
});
$('#context').addEventListener('change', showContextState);
$('#new-context').addEventListener('click', () => {
  $('#context').value = NEW_CONTEXT;
  showContextState();
  $('#cell-code').focus();
});
$('#interrupt').addEventListener('click', () =>
  attempt('Interrupting the cell', () =>
    api('POST', contextPath(state.selected.id, $('#context').value, '/interrupt'))));
$('#restart').addEventListener('click', () => {
  const context = $('#context').value;
  if (!confirm(`Restart context ${context}? Its variables are lost.`)) return;
  attempt(`Restarting ${context}`, async () => {
    await api('POST', contextPath(state.selected.id, context, '/restart'));
    $('#cells').append(pre(`— context ${context} restarted: its state is gone —`, 'prompt'));
    await refreshContexts(context);
  });
});
// Esc closes the innermost panel, except inside the terminal, where it belongs to the program
// running there (vi, less...).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.target.closest?.('#terminal')) return;
  if (state.terminal) {
    closeTerminal();
    $('#refresh-files').focus();
  } else if (state.selected) {
    closeDetails();
    $('#refresh').focus();
  }
});

if (state.token) {
  attempt('Signing in', () => signIn(state.token)).then(() => {
    if (!state.token) showSignedIn(false);
  });
} else {
  showSignedIn(false);
}
