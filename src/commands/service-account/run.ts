/** The work of `service-account create | list | describe | activate | deactivate | delete`. */
import { withoutSecret, secretOf, type ApiKey, type ServiceAccount } from '../../api/accounts.js';
import { sameServer, validateProfileName, type StorageKind } from '../../auth/profiles.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { printRecord, printTable } from '../../output/table.js';
import type { CommonOptions, Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { SaArgs, SaCreateArgs, SaCreateOptions, SaDeleteOptions, SaRequestOptions } from './spec.js';
import {
  confirmOrDecline,
  keySink,
  openAccounts,
  PartialFailure,
  requireYesOrTerminal,
  SA_HEAD,
  saRecord,
  saRow,
  withAccounts,
  withHint,
  type KeySink,
} from './common.js';

/** The name of the API key that `service-account create` makes with the account. */
export const DEFAULT_KEY_NAME = 'default';

type CreateOptions = SaCreateOptions;

export async function create({ name }: SaCreateArgs, opts: CreateOptions, ctx: Ctx): Promise<void> {
  if (name.trim() === '') throw new UsageError('the service account name is empty');
  const withKey = opts.apiKey !== false;
  if (!withKey && (opts.login || opts.outputFile !== undefined || opts.force)) {
    throw new UsageError('--no-api-key cannot go with --login, --output-file or --force: there is no key');
  }
  if (opts.force && !opts.login && opts.outputFile === undefined) throw new UsageError('--force goes with --output-file or --login');

  // With --login, --profile names the profile that gets the key; the request uses the current one.
  let target: string | undefined;
  let connectOpts: CommonOptions = opts;
  if (opts.login) {
    target = opts.profile ?? name;
    try {
      validateProfileName(target);
    } catch (e) {
      throw opts.profile === undefined ? new UsageError(`"${name}" cannot be a profile name: choose one with --profile NAME`) : e;
    }
    const existing = ctx.store().profiles.read().profiles[target];
    if (existing?.auth && !opts.force) {
      throw new UsageError(`profile "${target}" already has credentials`, { hint: 'Choose another with --profile NAME, or pass --force to replace them.' });
    }
    connectOpts = { ...opts, profile: undefined };
  }
  // The key's destination is settled before anything is created on the server.
  const sink: KeySink | null = !withKey ? null : opts.outputFile !== undefined || !opts.login ? keySink(ctx, opts) : null;

  let sa: ServiceAccount;
  let key: ApiKey | null = null;
  let secret = '';
  const { session, client, accounts } = await openAccounts(ctx, connectOpts).catch((e) => {
    sink?.abort();
    throw e;
  });
  try {
    try {
      sa = await accounts.createServiceAccount({ name, ...(opts.description !== undefined ? { description: opts.description } : {}), active: true });
    } catch (e) {
      sink?.abort();
      throw e;
    }
    if (withKey) {
      try {
        key = await accounts.createApiKey(sa.id, { name: DEFAULT_KEY_NAME });
        secret = secretOf(key);
      } catch (e) {
        sink?.abort();
        throw withHint(e, `The service account "${sa.name}" was created without a key: add one with \`zenml-api api-key create ${sa.name} ${DEFAULT_KEY_NAME}\`.`);
      }
    }
  } finally {
    await client.close();
  }

  if (!key) {
    if (opts.json) printJson(ctx.io, { service_account: sa, api_key: null });
    ctx.warn(`Created service account "${sa.name}" (${sa.id}), without an API key.`);
    return;
  }
  ctx.net(opts).secrets!.push(secret);

  // --login: store the key in a profile, checked against the server like `zenml-api login --api-key`.
  let stored: { profile: string; storage: StorageKind } | null = null;
  let storeFailure: unknown = null;
  if (opts.login) {
    try {
      const { performLogin } = await import('../../auth/login.js');
      const settings = session.profile.settings;
      const result = await performLogin(
        {
          profile: target!,
          server: session.server,
          settings: { ...(settings.caCert ? { caCert: settings.caCert } : {}), ...(settings.verifySsl === false || opts.verifySsl === false ? { verifySsl: false } : {}) },
          method: { kind: 'api-key', apiKey: secret },
          forceFile: false,
          makeCurrent: false,
        },
        { store: ctx.store(), net: ctx.net(opts), now: ctx.now, warn: ctx.warn },
      );
      stored = { profile: result.profile, storage: result.storage };
    } catch (e) {
      storeFailure = e;
    }
  }

  // The key goes to exactly one place: the profile, else the file, else stdout (plain or in --json).
  const keyShown = !stored && (sink === null || sink.target === 'stdout');
  const fileSinkUsed = sink !== null && sink.target !== 'stdout' ? sink : null;
  if (fileSinkUsed) fileSinkUsed.deliver(secret);
  if (opts.json) {
    printJson(ctx.io, {
      service_account: sa,
      api_key: keyShown ? key : withoutSecret(key),
      ...(stored ? { profile: stored.profile } : {}),
      ...(fileSinkUsed ? { output_file: fileSinkUsed.target } : {}),
    });
  } else if (keyShown) {
    ctx.io.out(`${secret}\n`);
  }

  ctx.warn(`Created service account "${sa.name}" (${sa.id}) with API key "${key.name}".`);
  if (stored) {
    ctx.warn(`Stored the key in profile "${stored.profile}" (${stored.storage === 'keychain' ? 'OS keychain' : 'file'}): use it with \`--profile ${stored.profile}\` or \`zenml-api profile use ${stored.profile}\`.`);
  } else if (fileSinkUsed) {
    ctx.warn(`Wrote the key to ${fileSinkUsed.target} (mode 0600).`);
  } else if (!opts.login) {
    ctx.warn(`The key is printed on stdout${opts.json ? ' (api_key.body.key)' : ''}: store it now, it cannot be shown again.`);
  }
  if (storeFailure !== null) {
    const why = storeFailure instanceof Error ? storeFailure.message : String(storeFailure);
    throw new PartialFailure(
      `the key could not be stored in profile "${target}" (${why}); it was ${fileSinkUsed ? `written to ${fileSinkUsed.target}` : 'printed on stdout'} instead`,
      { hint: `Save it now: it cannot be shown again. Retry with \`zenml-api login --profile ${target} --api-key -\`.`, cause: storeFailure },
    );
  }
}

export async function list(_args: NoArgs, opts: SaRequestOptions, ctx: Ctx): Promise<void> {
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const all = await accounts.listServiceAccounts();
    if (opts.json) return printJson(ctx.io, all);
    if (all.length === 0) {
      ctx.warn('No service accounts yet: create one with `zenml-api service-account create NAME`.');
      return;
    }
    await printTable(ctx.io, SA_HEAD, all.map(saRow));
  });
}

export async function describe(args: SaArgs, opts: SaRequestOptions, ctx: Ctx): Promise<void> {
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const sa = await accounts.getServiceAccount(args.nameOrId);
    if (opts.json) return printJson(ctx.io, sa);
    await printRecord(ctx.io, saRecord(sa));
  });
}

async function setActive(args: SaArgs, opts: SaRequestOptions, ctx: Ctx, active: boolean): Promise<void> {
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const sa = await accounts.updateServiceAccount(args.nameOrId, { active });
    if (opts.json) printJson(ctx.io, sa);
    ctx.warn(
      active
        ? `Activated service account "${sa.name}": its API keys can log in again.`
        : `Deactivated service account "${sa.name}": its tokens and API keys are rejected until it is activated again.`,
    );
  });
}

export const activate = (args: SaArgs, opts: SaRequestOptions, ctx: Ctx) => setActive(args, opts, ctx, true);
export const deactivate = (args: SaArgs, opts: SaRequestOptions, ctx: Ctx) => setActive(args, opts, ctx, false);

type DeleteOptions = SaDeleteOptions;

export async function remove({ nameOrId }: SaArgs, opts: DeleteOptions, ctx: Ctx): Promise<void> {
  requireYesOrTerminal(ctx, opts.yes, `delete service account "${nameOrId}"`);
  await withAccounts(ctx, opts, async ({ session, accounts }) => {
    const sa = await accounts.getServiceAccount(nameOrId);
    await confirmOrDecline(ctx, opts.yes, `Delete service account "${sa.name}" (${sa.id}) and all its API keys?`);
    await accounts.deleteServiceAccount(sa.id);
    if (opts.json) printJson(ctx.io, { deleted: { id: sa.id, name: sa.name } });
    ctx.warn(`Deleted service account "${sa.name}" and its API keys.`);
    const users = Object.entries(ctx.store().profiles.read().profiles)
      .filter(([, p]) => p.user?.id === sa.id && sameServer(p, session.profile.settings))
      .map(([n]) => n);
    for (const n of users) ctx.warn(`note: profile "${n}" logs in as this service account: its credentials no longer work`);
  });
}
