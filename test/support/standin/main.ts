// Runs the stand-in(s) as a process (for demos and benchmarks, after bundling
// with scripts/build.mjs). Prints one JSON line, then serves until SIGTERM/SIGINT.
//
//   node build/standin.js [--version 0.58|0.85|0.9x] [--latency MS] [--token-lifetime S]
//     [--port N] [--host H] [--seed RESOURCE=N]... [--pro] [--pro-port N]
//     [--auth-scheme SCHEME] [--deployment-type T] [--service-account NAME]
//
// Output: {"url":…,"proUrl":…|null,"serverId":…,"version":…,
//          "apiKey"?:…(with --service-account),"proApiKey"?:…,"workspaceId"?:…(with --pro)}
import { randomUUID } from 'node:crypto';
import { VERSION_ROWS } from '../../../src/api/versions.js';
import { startProStandin, startStandin, type AuthScheme, type ProStandin, type ServerVersion } from './index.js';

interface Args {
  version: ServerVersion;
  latency: number;
  tokenLifetime: number | null;
  port: number;
  host: string;
  seeds: Array<[string, number]>;
  pro: boolean;
  proPort: number;
  authScheme: AuthScheme | undefined;
  deploymentType: string | undefined;
  serviceAccount: string | undefined;
}

function fail(msg: string): never {
  process.stderr.write(`standin: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    version: '0.58',
    latency: 0,
    tokenLifetime: null,
    port: 0,
    host: '127.0.0.1',
    seeds: [],
    pro: false,
    proPort: 0,
    authScheme: undefined,
    deploymentType: undefined,
    serviceAccount: undefined,
  };
  const num = (flag: string, v: string | undefined): number => {
    if (v === undefined || !/^\d+$/.test(v)) fail(`${flag} needs a non-negative integer`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const next = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--version': {
        const v = next();
        const row = VERSION_ROWS.find((r) => r.id === v);
        if (!row) fail(`--version must be ${VERSION_ROWS.map((r) => r.id).join(', ')}`);
        a.version = row.id;
        break;
      }
      case '--latency':
        a.latency = num(flag, next());
        break;
      case '--token-lifetime':
        a.tokenLifetime = num(flag, next());
        break;
      case '--port':
        a.port = num(flag, next());
        break;
      case '--pro-port':
        a.proPort = num(flag, next());
        break;
      case '--host':
        a.host = next() ?? fail('--host needs a value');
        break;
      case '--seed': {
        const v = next();
        const m = /^([a-z_]+)=(\d+)$/.exec(v ?? '');
        if (!m) fail('--seed needs RESOURCE=N, e.g. pipelines=95');
        a.seeds.push([m[1]!, Number(m[2])]);
        break;
      }
      case '--pro':
        a.pro = true;
        break;
      case '--auth-scheme': {
        const v = next();
        if (v !== 'OAUTH2_PASSWORD_BEARER' && v !== 'EXTERNAL' && v !== 'NO_AUTH' && v !== 'HTTP_BASIC') fail('bad --auth-scheme');
        a.authScheme = v;
        break;
      }
      case '--deployment-type':
        a.deploymentType = next() ?? fail('--deployment-type needs a value');
        break;
      case '--service-account':
        a.serviceAccount = next() ?? fail('--service-account needs a name');
        break;
      case '-h':
      case '--help':
        process.stdout.write(
          'usage: standin [--version 0.58|0.85|0.9x] [--latency MS] [--token-lifetime S] [--port N] [--host H] [--seed RESOURCE=N]... [--pro] [--pro-port N] [--auth-scheme S] [--deployment-type T] [--service-account NAME]\n',
        );
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${arg}`);
    }
  }
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let pro: ProStandin | null = null;
  const workspaceId = randomUUID();
  if (args.pro) {
    pro = await startProStandin({ host: args.host, port: args.proPort });
    pro.latencyMs = args.latency;
  }
  const proRef = pro;
  const zen = await startStandin({
    version: args.version,
    host: args.host,
    port: args.port,
    tokenLifetimeSeconds: args.tokenLifetime,
    ...(args.authScheme ? { authScheme: args.authScheme } : {}),
    ...(args.deploymentType ? { deploymentType: args.deploymentType } : {}),
    ...(proRef
      ? {
          proApi: { url: proRef.url, verifyToken: (t: string) => proRef.verifyToken(t) },
          proInfo: {
            organizationId: proRef.organization.id,
            organizationName: proRef.organization.name,
            workspaceId,
            workspaceName: 'standin-workspace',
          },
        }
      : {}),
  });
  zen.latencyMs = args.latency;
  for (const [resource, n] of args.seeds) zen.seedItems(resource, n);
  const out: Record<string, unknown> = { url: zen.url, proUrl: pro?.url ?? null, serverId: zen.serverId, version: zen.version };
  if (args.serviceAccount) {
    zen.createServiceAccount(args.serviceAccount);
    out.apiKey = zen.createApiKey(args.serviceAccount, 'default').key;
  }
  if (pro) {
    pro.addWorkspace({ id: workspaceId, name: 'standin-workspace', serverUrl: zen.url, status: 'available' });
    out.workspaceId = workspaceId;
    out.proApiKey = pro.createApiKey();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.all([zen.close(), pro?.close()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`standin: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
