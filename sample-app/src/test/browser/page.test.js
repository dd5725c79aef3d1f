// The sample page in headless Chromium, with the real agent attached to the real sample app:
// what two people see in two browser windows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSampleWithAgent } from '../../../../client-js/test/support/sample-app.js';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../target/browser-test');
const CHROMIUM = '/usr/bin/chromium';
const SHOWS_WITHIN = 1000; // ms: how soon a notification must show on its recipient's page

let sample;
let browser;
const pageErrors = [];

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  // A fresh machine: install Debian's chromium (the build runs as root).
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}

async function openAs(email, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${email}: ${error.message}`));
  await page.goto(`${sample.base}/?realtime=${encodeURIComponent(sample.realtime)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#status[data-state=online]').waitFor({ timeout: 15000 });
  return page;
}

before(async () => {
  ensureChromium();
  sample = await startSampleWithAgent({ outDir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await sample?.stop();
});

test('two users see their notifications, the posts, the chat and each other live', async () => {
  const alice = await openAs('alice@example.com', 'alice');
  const bob = await openAs('bob@example.com', 'bob');
  const aliceLogin = await sample.login('alice@example.com', 'alice');
  const bobId = (await sample.login('bob@example.com', 'bob')).user.id;

  // Presence: Alice sees Bob online in the chat.
  await alice.locator('#presence li', { hasText: 'Bob' }).waitFor({ timeout: 5000 });

  // A notification for Bob, created through the REST API, shows on his page within 1 s ...
  const sent = Date.now();
  await sample.api('POST', '/api/notifications', aliceLogin.token, { user: bobId, message: 'Your invoice is ready' });
  await bob.locator('#notifications li', { hasText: 'Your invoice is ready' }).waitFor({ timeout: SHOWS_WITHIN });
  const latency = Date.now() - sent;

  // ... a post shows on both pages, and by then Alice's page would have had Bob's notification.
  await sample.api('POST', '/api/posts', aliceLogin.token, { title: 'Launch day', body: 'We are live.' });
  await alice.locator('#posts li', { hasText: 'Launch day' }).waitFor({ timeout: 5000 });
  await bob.locator('#posts li', { hasText: 'Launch day' }).waitFor({ timeout: 5000 });
  assert.equal(await alice.locator('#notifications li', { hasText: 'Your invoice is ready' }).count(), 0,
    "Bob's notification must never reach Alice's page");

  // A chat message typed by Alice shows for Bob.
  await alice.locator('#chat-content').fill('Hi Bob, are you there?');
  await alice.getByRole('button', { name: 'Send', exact: true }).click();
  await bob.locator('#messages li', { hasText: 'Hi Bob, are you there?' }).waitFor({ timeout: 5000 });

  // Alice edits it, then deletes it, through the REST API: its UPDATE and DELETE name only the
  // message's id, and still reach Bob's page in the chat's room.
  const [mine] = (await sample.api('GET', '/api/messages?sort=-id&limit=1', aliceLogin.token)).docs;
  assert.equal(mine.content, 'Hi Bob, are you there?');
  await sample.api('PATCH', `/api/messages/${mine.id}`, aliceLogin.token, { content: 'Hi Bob, anyone there?' });
  await bob.locator('#messages li', { hasText: 'Hi Bob, anyone there?' }).waitFor({ timeout: 5000 });
  await sample.api('DELETE', `/api/messages/${mine.id}`, aliceLogin.token);
  await bob.locator('#messages li', { hasText: 'Hi Bob, anyone there?' }).waitFor({ state: 'detached', timeout: 5000 });

  await bob.screenshot({ path: join(outDir, 'sample-page.png'), fullPage: true });

  // Bob closes his page: he disappears from Alice's list of who is online.
  await bob.context().close();
  await alice.locator('#presence li', { hasText: 'Bob' }).waitFor({ state: 'detached', timeout: 10000 });
  assert.deepEqual(pageErrors, [], 'no script errors on the pages');
  console.log(`notification shown on Bob's page ${latency} ms after the REST call`);
});

test('a page that comes back without its missed events reads its lists anew', async () => {
  const alice = await openAs('alice@example.com', 'alice');
  const login = await sample.login('alice@example.com', 'alice');
  // Realtime off (the agent's own command): the page loses its connection, and the sessions kept
  // for recovery go, so what is written meanwhile can reach the page only through its API.
  agent('disable');
  await alice.locator('#status[data-state=online]').waitFor({ state: 'detached', timeout: 15000 });
  await sample.api('POST', '/api/notifications', login.token, { user: login.user.id, message: 'Written while offline' });
  agent('enable');
  await alice.locator('#status[data-state=online]').waitFor({ timeout: 30000 });
  await alice.locator('#notifications li', { hasText: 'Written while offline' }).waitFor({ timeout: 5000 });
  assert.deepEqual(pageErrors, [], 'no script errors on the page');
});

/** Runs the agent's command line against the sample app: status, disable or enable. */
function agent(command) {
  execFileSync('java', ['-jar', resolve(dirname(fileURLToPath(import.meta.url)), '../../../../agent/target/rowcast-agent.jar'),
    command, String(sample.pid)], { stdio: 'pipe' });
}
