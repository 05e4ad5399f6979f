'use strict';
// A real Quire for the app's tests: bin/quire serve on 127.0.0.1 at a free port, with a fresh data
// directory, a site owner and an API token made with the command line (README, "Command line").
// The binary is QUIRE_BIN, else ../bin/quire (make zapier-test builds it).

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const BIN = process.env.QUIRE_BIN || path.resolve(__dirname, '..', '..', 'bin', 'quire');
const OWNER = 'ada@example.com';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

// supportsFlag says whether this Quire's serve command has a flag (help serve lists it).
const supportsFlag = (flag) => execFileSync(BIN, ['help', 'serve'], { encoding: 'utf8' }).includes(flag);

// HOOKS_READY: this Quire can deliver REST hooks to loopback. It is false until the hooks
// branch (hooks/subscribe and --hooks-allow-private) is merged; the tests that need it say so.
const HOOKS_READY = fs.existsSync(BIN) && supportsFlag('--hooks-allow-private');

const cli = (data, ...args) => execFileSync(BIN, [...args, '--data', data], { encoding: 'utf8' }).trim();

const waitHealthy = async (base, child, log) => {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`quire serve exited (${child.exitCode}):\n${log()}`);
    }
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) {
        return;
      }
    } catch (e) {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`quire serve did not answer /healthz within 30 s:\n${log()}`);
};

// start runs a Quire and answers {base, token, authData, api(method, path, body), stop()}.
const start = async () => {
  if (!fs.existsSync(BIN)) {
    throw new Error(`no Quire binary at ${BIN}: run "make build" or set QUIRE_BIN`);
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-zapier-'));
  cli(data, 'user', 'create', '--email', OWNER, '--name', 'Ada Lovelace', '--password', 'correct horse battery', '--owner');
  const token = cli(data, 'token', 'create', '--email', OWNER, '--name', 'zapier-test').split('\n').pop().trim();
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const base = `http://${addr}`;
  const args = ['serve', '--addr', addr, '--data', data, '--rate', '100000/1s', '--mail-poll', '1h', '--password-cost', '4'];
  if (HOOKS_READY) {
    args.push('--hooks-allow-private=true');
  }
  let output = '';
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  await waitHealthy(base, child, () => output);

  // api calls Quire directly (not through the app), to set up and to read back what the app did.
  const api = async (method, p, body, { site = base } = {}) => {
    const r = await fetch(`${site}/api/v1/${p}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) {
      throw new Error(`${method} ${p}: ${r.status} ${text}`);
    }
    return text === '' ? null : JSON.parse(text);
  };

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(data, { recursive: true, force: true });
  };

  // token makes another token for the owner, with the command line's flags (--scopes, --rate).
  const newToken = (...flags) =>
    cli(data, 'token', 'create', '--email', OWNER, '--name', `zapier-test-${Date.now()}`, ...flags).split('\n').pop().trim();

  return { base, token, authData: { base_url: base, api_key: token }, api, newToken, stop, log: () => output };
};

module.exports = { start, HOOKS_READY, OWNER };
