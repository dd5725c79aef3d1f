// Starts the sample CMS with the real Rowcast agent attached, on free ports, for end-to-end tests.
// Uses node built-ins only, so the sample's browser test can import it too.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sampleDir = join(repoDir, 'sample-app');
const appJar = join(sampleDir, 'target/rowcast-sample-app.jar');
const agentJar = join(repoDir, 'agent/target/rowcast-agent.jar');

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/**
 * The sample app with `-javaagent`, its rowcast.yml moved to a free realtime port.
 * @param {{outDir: string}} options  where the config and the app's log are written
 */
export async function startSampleWithAgent({ outDir }) {
  for (const [jar, fix] of [[appJar, 'mvn -pl sample-app package'], [agentJar, 'mvn -pl agent -am package']]) {
    if (!existsSync(jar)) throw new Error(`${jar} is missing: build it first (${fix})`);
  }
  mkdirSync(outDir, { recursive: true });
  const [httpPort, realtimePort] = [await freePort(), await freePort()];
  const config = join(outDir, 'rowcast.yml');
  const yaml = readFileSync(join(sampleDir, 'rowcast.yml'), 'utf8');
  // Loopback only, on a free port, so a test never clashes with a running demo.
  // the file's port line is `port: ${ROWCAST_PORT:-3001}` (run.sh's ROWCAST_PORT), with a comment after it
  const moved = yaml.replace(/^([ \t]*)port:[ \t]*\$\{ROWCAST_PORT:-3001\}.*$/m, `$1host: 127.0.0.1\n$1port: ${realtimePort}`);
  if (moved === yaml) throw new Error('sample-app/rowcast.yml no longer has "port: ${ROWCAST_PORT:-3001}" under server');
  writeFileSync(config, moved);

  let log = '';
  const app = spawn('java', [`-javaagent:${agentJar}=config=${config}`, '-jar', appJar], {
    env: { ...process.env, PORT: String(httpPort), HOST: '127.0.0.1', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [app.stdout, app.stderr]) stream.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((r) => app.once('exit', r));

  const sample = {
    pid: app.pid,
    base: `http://127.0.0.1:${httpPort}`,
    realtime: `ws://127.0.0.1:${realtimePort}`,
    log: () => log,
    async stop() {
      if (app.exitCode === null && app.signalCode === null) {
        app.kill('SIGTERM');
        const timer = setTimeout(() => app.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
      writeFileSync(join(outDir, 'sample-app.log'), log);
    },
    /** Calls the REST API; resolves to the JSON body, rejects on a non-2xx status. */
    async api(method, path, token, body) {
      const response = await fetch(sample.base + path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `JWT ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    login: (email, password) => sample.api('POST', '/api/users/login', null, { email, password }),
  };

  // Both servers must answer: the page and API, and the agent's Socket.IO endpoint.
  const deadline = Date.now() + 90000;
  for (;;) {
    if (app.exitCode !== null) throw new Error(`the sample app exited with ${app.exitCode}:\n${log}`);
    const up = await Promise.all([
      fetch(sample.base).then((r) => r.ok, () => false),
      fetch(`http://127.0.0.1:${realtimePort}/socket.io/?EIO=4&transport=polling`).then((r) => r.ok, () => false),
    ]);
    if (up.every(Boolean)) return sample;
    if (Date.now() > deadline) {
      await sample.stop();
      throw new Error(`the sample app (page: ${up[0]}, realtime: ${up[1]}) did not answer within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
