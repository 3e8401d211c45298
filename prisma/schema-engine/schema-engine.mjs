#!/usr/bin/env node
// Stands in for Prisma's native `schema-engine` binary, which the CLI would otherwise download
// (impossible offline). It drives the official wasm build of the same engine
// (@prisma/schema-engine-wasm, pinned to match the prisma CLI) over @prisma/adapter-pg, and speaks
// the protocol the CLI expects from the binary:
//   * `--version`
//   * `--datasource JSON cli <command>`        one-shot database commands
//   * `--datamodels FILE… --datasource JSON`   JSON-RPC 2.0, one object per line on stdin/stdout
// Point PRISMA_SCHEMA_ENGINE_BINARY at this file (the root scripts do).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-V') out.version = true;
    else if (a === '--datamodels') out.datamodels.push(argv[++i]);
    else if (a === '--datasource') out.datasource = JSON.parse(argv[++i]);
    else if (a === '--enabled-preview-features' || a === '--extension-types') i++;
    else if (a === 'cli') out.cli = argv.slice(i + 1);
  }
  return out;
}

// The CLI parses `cli` mode stderr as JSON lines after skipping the first line, with no trailing
// newline (so the last line must be the error).
function logCliError(message, errorCode) {
  const info = { level: 'INFO', target: 'schema_engine::logger', fields: { message: 'gantry wasm schema engine' } };
  const error = { level: 'ERROR', target: 'schema_engine::logger', fields: { message, error_code: errorCode } };
  process.stderr.write(JSON.stringify(info) + '\n' + JSON.stringify(error));
}

function logError(message, errorCode) {
  process.stderr.write(
    JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields: { message, error_code: errorCode } }) + '\n',
  );
}

function urlWithDatabase(url, database) {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

// adapter-pg refuses Postgres `"char"` (oid 18) and `name` (oid 19) columns, which the engine's
// catalog queries return; their text form is exact, so report them as `text` (oid 25).
const TEXT_OID = 25;
function fixCatalogTypes(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of r?.fields ?? []) if (f.dataTypeID === 18 || f.dataTypeID === 19) f.dataTypeID = TEXT_OID;
  }
  return result;
}
function wrapQuery(target) {
  const query = target.query.bind(target);
  target.query = (...args) => {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    const p = query(...args).then(fixCatalogTypes);
    if (!cb) return p;
    p.then((r) => cb(null, r), (e) => cb(e));
    return undefined;
  };
  return target;
}
class CatalogSafePool extends pg.Pool {
  constructor(config) {
    super(config);
    wrapQuery(this);
  }
  async connect(...args) {
    if (args.length) return super.connect(...args);
    const client = await super.connect();
    if (!client.__gantryWrapped) {
      wrapQuery(client);
      client.__gantryWrapped = true;
    }
    return client;
  }
}

// adapter-pg's own shadow database keeps the main connection string, whose database name wins
// over the one it sets, so the "shadow" would be the main database. Create a real one instead.
// adapter-pg's executeScript splits a migration at every `;`, which breaks `$$` function bodies,
// DO blocks and comments. Postgres' simple query protocol runs a whole script in one round trip.
function wholeScripts(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

class ShadowAwarePg extends PrismaPg {
  constructor(url) {
    super(new CatalogSafePool({ connectionString: url }), { disposeExternalPool: true });
    this.url = url;
  }
  async connect() {
    return wholeScripts(await super.connect());
  }
  async connectToShadowDb() {
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const shadow = new PrismaPg(new CatalogSafePool({ connectionString: urlWithDatabase(this.url, name) }), {
      disposeExternalPool: true,
    });
    const adapter = wholeScripts(await shadow.connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const c = new pg.Client({ connectionString: this.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
    return adapter;
  }
}

async function loadEngine() {
  const dir = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/schema_engine_bg\.js$/, '');
  const glue = await import(dir + 'schema_engine_bg.js');
  const bytes = readFileSync(dir + 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return glue;
}

async function runCli(datasource, args) {
  const [command] = args;
  const url = datasource?.url;
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.slice(1)) || 'postgres';
  const admin = () => new pg.Client({ connectionString: urlWithDatabase(url, 'postgres') });
  try {
    if (command === 'can-connect-to-database') {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.end();
    } else if (command === 'create-database') {
      const c = admin();
      await c.connect();
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      await c.end();
    } else if (command === 'drop-database') {
      const c = admin();
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${database.replaceAll('"', '""')}" WITH (FORCE)`);
      await c.end();
    } else {
      logCliError(`Unsupported cli command: ${command}`, 'P1000');
      process.exit(1);
    }
    process.exit(0);
  } catch (e) {
    const code = e?.code === '3D000' ? 'P1003' : 'P1001';
    logCliError(String(e?.message ?? e), code);
    process.exit(1);
  }
}

function rpcError(err) {
  const message = String(err?.message ?? err);
  const isPanic = Boolean(globalThis.PRISMA_WASM_PANIC_REGISTRY?.__lastPanic) || /panicked/i.test(message);
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: isPanic, message, error_code: err?.error_code ?? err?.code ?? undefined, meta: err?.meta ?? {} },
  };
}

async function runServer(opts) {
  const glue = await loadEngine();
  const datamodels = opts.datamodels.map((p) => [p, readFileSync(p, 'utf8')]);
  const url = opts.datasource?.url;
  const factory = bindMigrationAwareSqlAdapterFactory(new ShadowAwarePg(url));
  const engine = await glue.SchemaEngine.new(
    { datamodels: datamodels.length ? datamodels : undefined },
    (log) => process.stderr.write(String(log) + '\n'),
    factory,
  );

  let nextOwnId = 1_000_000_000;
  const pendingOwn = new Map();
  const send = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
  // The engine's `diff` returns text meant for stdout; the CLI prints it when asked via `print`.
  const askToPrint = (content) =>
    new Promise((resolve) => {
      const id = nextOwnId++;
      pendingOwn.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  const inflight = new Set();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    const msg = JSON.parse(line);
    if (msg.method === undefined && pendingOwn.has(msg.id)) {
      pendingOwn.get(msg.id)(msg.result);
      pendingOwn.delete(msg.id);
      return;
    }
    const task = (async () => {
      try {
        const method = msg.method === 'getDatabaseVersion' ? 'version' : msg.method;
        if (typeof engine[method] !== 'function') throw new Error(`Unknown method ${msg.method}`);
        let result = await engine[method](msg.params ?? {});
        if (msg.method === 'diff' && result && typeof result.stdout === 'string') {
          await askToPrint(result.stdout);
          const { stdout: _printed, ...rest } = result;
          result = rest;
        }
        send({ jsonrpc: '2.0', id: msg.id, result: result ?? null });
      } catch (err) {
        send({ jsonrpc: '2.0', id: msg.id, error: rpcError(err) });
      }
    })();
    inflight.add(task);
    task.finally(() => inflight.delete(task));
  });
  rl.on('close', async () => {
    await Promise.allSettled([...inflight]);
    process.exit(0);
  });
}

const opts = parseArgs(process.argv.slice(2));
process.on('unhandledRejection', (e) => {
  logError(String(e?.stack ?? e), 'P1000');
  process.exit(101);
});
if (opts.version) {
  const glue = await loadEngine();
  process.stdout.write(`schema-engine-cli ${glue.version?.() ?? 'wasm'}\n`);
} else if (opts.cli) {
  await runCli(opts.datasource, opts.cli);
} else {
  try {
    await runServer(opts);
  } catch (e) {
    logError(String(e?.stack ?? e), 'P1000');
    process.exit(101);
  }
}
