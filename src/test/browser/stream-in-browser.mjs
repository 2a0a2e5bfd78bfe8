// Follows progress streams with EventSource in the system Chromium, from a page on another origin
// than the service, through a proxy that the script cuts mid-stream; prints what the page saw, and
// what went over the wire, as one JSON document on stdout. Run by BrowserStreamTest, which starts
// the service, checks the result, and passes the settings as a JSON file:
//   {service, chromium, pagePort, project, worker, sessions, user, scenarios: [{name, origin, operation, credential}]}
// worker and sessions are the backend's API keys; credential is "ticket" (the page's backend asks for
// one), "cookie" (the page's backend opens a session and forwards the service's cd_session cookie), or
// "cookie-cross-site" (the cookie is held, but the page is of another site).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { chromium } from 'playwright-core';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const service = new URL(settings.service);
const STEPS = 6;
const CUT_AFTER_STEP = 3;
const TIMEOUT_MS = 20000;
const log = (...parts) => console.error('[browser-test]', ...parts);

/** Calls the service as the application backend does, with its API key. */
async function backend(method, path, body) {
  const answer = await fetch(new URL(path, service), {
    method,
    headers: { Authorization: `Bearer ${settings.worker}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (answer.status >= 300) {
    throw new Error(`${method} ${path} answered ${answer.status}: ${await answer.text()}`);
  }
  return answer.json();
}

const progressPath = (operation) => `/v1/projects/${settings.project}/progress/${operation}`;

/**
 * The page's own origin, as the application's backend: the page, a ticket for an operation, and a
 * login that hands the browser the session cookie, as a backend forwards the service's cookie.
 */
const pages = http.createServer(async (request, response) => {
  const url = new URL(request.url, 'http://page');
  try {
    if (url.pathname === '/ticket') {
      const issued = await backend('POST', `${progressPath(url.searchParams.get('operation'))}/tickets`);
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify({ ticket: issued.ticket, eventsUrl: issued.eventsUrl }));
    } else if (url.pathname === '/login') {
      // After its own login, the backend opens a session and forwards the service's cookie as it came.
      const opened = await fetch(new URL('/v1/sessions', service), {
        method: 'POST',
        headers: { Authorization: `Bearer ${settings.sessions}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: settings.user, projectAccess: [settings.project] }),
      });
      if (opened.status !== 201) {
        throw new Error(`POST /v1/sessions answered ${opened.status}: ${await opened.text()}`);
      }
      response.writeHead(204, { 'Set-Cookie': opened.headers.getSetCookie() });
      response.end();
    } else {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>progress</title><p>following progress</p>');
    }
  } catch (failure) {
    log('page server:', failure.message);
    response.writeHead(500);
    response.end();
  }
});

/**
 * A TCP proxy in front of the service, as a network between browser and service: it records the
 * event stream requests and the statuses answered, and can cut every connection at once.
 */
function proxy() {
  const sockets = new Set();
  const wire = { requests: [], statuses: [] };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(service.port), service.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const forget = () => { sockets.delete(client); sockets.delete(upstream); };
    client.on('close', forget);
    upstream.on('close', forget);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk) => {
      for (const line of chunk.toString('latin1').matchAll(/^GET (\S+) HTTP\/1\.1\r\n[\s\S]*?\r\n\r\n/gm)) {
        const target = line[1];
        if (target.includes('/events')) {
          const lastEventId = /\r\nlast-event-id: *(\S+)/i.exec(line[0]);
          wire.requests.push({
            path: target.replace(/ticket=[^&]*/, 'ticket=…'),
            lastEventId: lastEventId ? lastEventId[1] : null,
            cookie: /\r\ncookie:[^\r]*cd_session=/i.test(line[0]),
          });
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      for (const status of chunk.toString('latin1').matchAll(/^HTTP\/1\.1 (\d{3})/gm)) {
        wire.statuses.push(Number(status[1]));
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  return {
    server,
    wire,
    reset() { wire.requests = []; wire.statuses = []; },
    cut() { for (const socket of sockets) socket.destroy(); },
  };
}

const listening = (server, port, host) => new Promise((resolve) => server.listen(port, host, () => resolve(server.address().port)));

async function until(what, check, page) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      const seen = page ? await page.evaluate(() => window.follow).catch(() => null) : null;
      throw new Error(`timed out waiting until ${what}; the page saw ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** In the page: subscribes with EventSource and records every event, open and error. */
function subscribe({ url, withCredentials }) {
  const follow = { events: [], opens: 0, errors: 0, readyState: null };
  window.follow = follow;
  const source = new EventSource(url, { withCredentials });
  for (const type of ['snapshot', 'started', 'progress', 'completed', 'failed', 'stalled']) {
    source.addEventListener(type, (event) => {
      const data = JSON.parse(event.data);
      follow.events.push({ id: Number(event.lastEventId), type, step: type === 'snapshot' ? data.currentStep : data.step });
      follow.readyState = source.readyState;
    });
  }
  source.onopen = () => { follow.opens += 1; follow.readyState = source.readyState; };
  source.onerror = () => { follow.errors += 1; follow.readyState = source.readyState; };
}

const saw = (page, predicate) => page.evaluate(`(${predicate})(window.follow)`);

async function scenario(context, network, proxyUrl, { name, origin, operation, credential }) {
  const { wire } = network;
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (line) => consoleLines.push(line.text()));
  await page.goto(`${origin}/page.html`);
  let url;
  if (credential === 'ticket') {
    const { ticket, eventsUrl } = await page.evaluate(async (op) => (await fetch(`/ticket?operation=${op}`)).json(), operation);
    url = `${proxyUrl}${eventsUrl}?ticket=${encodeURIComponent(ticket)}`;
  } else {
    await page.evaluate(async () => { await fetch('/login', { method: 'POST' }); });
    url = `${proxyUrl}${progressPath(operation)}/events`;
  }
  network.reset();
  await page.evaluate(subscribe, { url, withCredentials: credential === 'cookie' });

  const stepsSeen = (n) => saw(page, `(f) => f.events.some((e) => e.type === 'progress' && e.step >= ${n})`);
  await until(`${name}: the page follows`, () => saw(page, '(f) => f.events.length > 0'), page);
  for (let step = 1; step <= CUT_AFTER_STEP; step += 1) {
    await backend('POST', `${progressPath(operation)}/steps`, { message: `step ${step}` });
  }
  await until(`${name}: the page saw step ${CUT_AFTER_STEP}`, () => stepsSeen(CUT_AFTER_STEP), page);

  // The network fails mid-stream; the steps recorded meanwhile must reach the page after it reconnects.
  network.cut();
  const cutAt = await page.evaluate(() => window.follow.events.length);
  for (let step = CUT_AFTER_STEP + 1; step <= STEPS; step += 1) {
    await backend('POST', `${progressPath(operation)}/steps`, { message: `step ${step}` });
  }
  await until(`${name}: the page resumed to step ${STEPS}`, () => stepsSeen(STEPS), page);
  await backend('POST', `${progressPath(operation)}/complete`, { message: 'done' });
  await until(`${name}: the page saw the terminal event`, () => saw(page, "(f) => f.events.some((e) => e.type === 'completed')"), page);
  // After the terminal event the stream ends; the EventSource reconnects once, gets 204, and closes.
  await until(`${name}: the EventSource closed`, () => saw(page, '(f) => f.readyState === 2'), page);
  // Long enough for several reconnects at the service's retry hint, had the browser not stopped.
  await new Promise((r) => setTimeout(r, 2000));
  const follow = await page.evaluate(() => window.follow);
  await page.close();
  return { name, origin, credential, cutAt, follow, wire: { requests: [...wire.requests], statuses: [...wire.statuses] }, console: consoleLines };
}

/**
 * The browser holds the session cookie (set on the service's site, 127.0.0.1), but the page is of
 * another site: SameSite=Strict keeps the cookie home, the stream answers 401, the EventSource closes.
 */
async function crossSiteCookie(context, network, proxyUrl, { origin, operation }) {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${settings.pagePort}/page.html`);
  await page.evaluate(async () => { await fetch('/login', { method: 'POST' }); });
  const held = (await context.cookies(`${proxyUrl}/v1/`)).some((cookie) => cookie.name === 'cd_session');
  await page.goto(`${origin}/page.html`);
  network.reset();
  await page.evaluate(subscribe, { url: `${proxyUrl}${progressPath(operation)}/events`, withCredentials: true });
  await until('the cross-site EventSource closed', () => saw(page, '(f) => f.readyState === 2'), page);
  const follow = await page.evaluate(() => window.follow);
  await page.close();
  return { name: 'cookie-cross-site', origin, held, follow, wire: { requests: [...network.wire.requests], statuses: [...network.wire.statuses] } };
}

let browser;
try {
  const pagePort = await listening(pages, settings.pagePort, '127.0.0.1');
  const network = proxy();
  const proxyPort = await listening(network.server, 0, '127.0.0.1');
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  log(`page server on ${pagePort}, proxy on ${proxyPort} to ${service.host}`);
  // As root Chromium needs --no-sandbox; the rest keep it from calling out of this closed network.
  browser = await chromium.launch({
    executablePath: settings.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const results = [];
  for (const s of settings.scenarios) {
    // A context of its own for each: no cookie, cache or connection is shared between them.
    const context = await browser.newContext();
    try {
      results.push(s.credential === 'cookie-cross-site'
        ? await crossSiteCookie(context, network, proxyUrl, s)
        : await scenario(context, network, proxyUrl, s));
    } finally {
      await context.close();
    }
  }
  process.stdout.write(`${JSON.stringify({ chromium: browser.version(), results })}\n`);
  await browser.close();
  network.server.close();
  pages.close();
  process.exit(0);
} catch (failure) {
  log(failure.stack || String(failure));
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
