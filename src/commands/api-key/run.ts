/** The work of `api-key create | list | describe | activate | deactivate | delete | rotate`. */
import { canonicalUuid, secretOf, withoutSecret, type ApiKey } from '../../api/accounts.js';
import { candidateProfiles, updateProfilesAfterRotation, type ProfileUpdate } from '../../auth/rotate.js';
import { holdRenewLocks } from '../../auth/token-session.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { printRecord, printTable } from '../../output/table.js';
import type { Ctx } from '../context.js';
import type { KeyArgs, KeyCreateArgs, KeyCreateOptions, KeyDeleteOptions, KeyListArgs, KeyRequestOptions, KeyRotateOptions } from './spec.js';
import {
  confirmOrDecline,
  KEY_HEAD,
  keyRecord,
  keyRow,
  keySink,
  openAccounts,
  PartialFailure,
  requireYesOrTerminal,
  withAccounts,
  type KeySink,
} from '../service-account/common.js';

type KeyOutputOptions = KeyCreateOptions | KeyRotateOptions;

/**
 * Hands a new key to its one destination: the --output-file, else stdout (the key alone, or the
 * key object with --json). The sink was claimed before the request.
 */
function deliver(ctx: Ctx, opts: KeyOutputOptions, sink: KeySink, key: ApiKey, secret: string, extra: Record<string, unknown> = {}): void {
  const toFile = sink.target !== 'stdout';
  if (toFile) sink.deliver(secret);
  if (opts.json) printJson(ctx.io, { api_key: toFile ? withoutSecret(key) : key, ...extra, ...(toFile ? { output_file: sink.target } : {}) });
  else if (!toFile) sink.deliver(secret);
}

/** Runs the request that makes a key; gives the claimed file back when it fails. */
async function claimed<T>(sink: KeySink, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    sink.abort();
    throw e;
  }
}

type CreateOptions = KeyCreateOptions;

export async function create({ serviceAccount: saArg, name }: KeyCreateArgs, opts: CreateOptions, ctx: Ctx): Promise<void> {
  if (name.trim() === '') throw new UsageError('the API key name is empty');
  const sink = keySink(ctx, opts);
  const { client, accounts } = await claimed(sink, () => openAccounts(ctx, opts));
  let key: ApiKey;
  let secret: string;
  try {
    [key, secret] = await claimed(sink, async () => {
      const saId = await accounts.serviceAccountId(saArg);
      const k = await accounts.createApiKey(saId, { name, ...(opts.description !== undefined ? { description: opts.description } : {}) });
      return [k, secretOf(k)] as const;
    });
  } finally {
    await client.close();
  }
  ctx.net(opts).secrets!.push(secret);
  deliver(ctx, opts, sink, key, secret);
  const sa = (key.body as Record<string, unknown> | null)?.service_account as { name?: string } | undefined;
  ctx.warn(`Created API key "${key.name}" for service account "${sa?.name ?? saArg}".`);
  ctx.warn(sink.target === 'stdout' ? 'The key is printed on stdout: store it now, it cannot be shown again.' : `Wrote the key to ${sink.target} (mode 0600).`);
}

export async function list({ serviceAccount }: KeyListArgs, opts: KeyRequestOptions, ctx: Ctx): Promise<void> {
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const saId = await accounts.serviceAccountId(serviceAccount);
    const keys = await accounts.listApiKeys(saId);
    if (opts.json) return printJson(ctx.io, keys);
    if (keys.length === 0) {
      ctx.warn(`Service account "${serviceAccount}" has no API keys: add one with \`zenml-api api-key create ${serviceAccount} NAME\`.`);
      return;
    }
    await printTable(ctx.io, KEY_HEAD, keys.map(keyRow));
  });
}

export async function describe(args: KeyArgs, opts: KeyRequestOptions, ctx: Ctx): Promise<void> {
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const key = await accounts.getApiKey(await accounts.serviceAccountId(args.serviceAccount), args.key);
    if (opts.json) return printJson(ctx.io, key);
    await printRecord(ctx.io, keyRecord(key));
  });
}

async function setActive(args: KeyArgs, opts: KeyRequestOptions, ctx: Ctx, active: boolean): Promise<void> {
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const key = await accounts.updateApiKey(await accounts.serviceAccountId(args.serviceAccount), args.key, { active });
    if (opts.json) printJson(ctx.io, key);
    ctx.warn(
      active
        ? `Activated API key "${key.name}": it can log in again, and the tokens it issued work again.`
        : `Deactivated API key "${key.name}": it and the tokens it issued are rejected until it is activated again.`,
    );
  });
}

export const activate = (args: KeyArgs, opts: KeyRequestOptions, ctx: Ctx) => setActive(args, opts, ctx, true);
export const deactivate = (args: KeyArgs, opts: KeyRequestOptions, ctx: Ctx) => setActive(args, opts, ctx, false);

type DeleteOptions = KeyDeleteOptions;

export async function remove({ serviceAccount: saArg, key: keyArg }: KeyArgs, opts: DeleteOptions, ctx: Ctx): Promise<void> {
  requireYesOrTerminal(ctx, opts.yes, `delete API key "${keyArg}"`);
  await withAccounts(ctx, opts, async ({ accounts }) => {
    const saId = await accounts.serviceAccountId(saArg);
    const key = await accounts.getApiKey(saId, keyArg);
    await confirmOrDecline(ctx, opts.yes, `Delete API key "${key.name}" (${key.id}) of service account "${saArg}"?`);
    await accounts.deleteApiKey(saId, key.id);
    if (opts.json) printJson(ctx.io, { deleted: { id: key.id, name: key.name } });
    ctx.warn(`Deleted API key "${key.name}".`);
  });
}

type RotateOptions = KeyRotateOptions;

function parseRetain(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n > 5_256_000) {
    throw new UsageError(`--retain must be a whole number of minutes (0 or more), not ${JSON.stringify(v.slice(0, 40))}`);
  }
  return n;
}

export async function rotate({ serviceAccount: saArg, key: keyArg }: KeyArgs, opts: RotateOptions, ctx: Ctx): Promise<void> {
  const retain = parseRetain(opts.retain);
  const sink = keySink(ctx, opts);
  const { session, client, accounts } = await claimed(sink, () => openAccounts(ctx, opts));
  let key: ApiKey;
  let saId: string;
  let secret: string;
  const store = ctx.store();
  // The profiles that may log in with this key keep their renewal locks from before the rotation
  // until they hold the new key: a renewal in between would log in with the key being replaced.
  let releaseRenewals: () => void = () => undefined;
  try {
    [saId, key, secret] = await claimed(sink, async () => {
      const id = await accounts.serviceAccountId(saArg);
      await session.validToken(); // renewed, if it must be, before its lock may be held here
      const server = { url: session.server, id: session.profile.settings.serverId };
      releaseRenewals = await holdRenewLocks(store, candidateProfiles(store.profiles.read(), { server, serviceAccountId: canonicalUuid(id) }));
      const k = await accounts.rotateApiKey(id, keyArg, retain);
      return [id, k, secretOf(k)] as const;
    });
  } catch (e) {
    releaseRenewals();
    throw e;
  } finally {
    await client.close();
  }
  ctx.net(opts).secrets!.push(secret);

  // Profiles that log in with this key get the new one in the same step (their tokens stay valid).
  const sa = (key.body as Record<string, unknown> | null)?.service_account as { id?: string; name?: string } | undefined;
  let updates: ProfileUpdate[] = [];
  let unchecked: string | null = null;
  try {
    updates = await updateProfilesAfterRotation(ctx.store(), {
      server: { url: session.server, id: session.profile.settings.serverId },
      serviceAccountId: sa?.id ?? canonicalUuid(saId),
      keyId: key.id,
      newKey: secret,
    });
  } catch (e) {
    unchecked = e instanceof Error ? e.message : String(e);
  } finally {
    releaseRenewals();
  }

  deliver(ctx, opts, sink, key, secret, { profiles: updates.map((u) => ({ profile: u.profile, updated: u.outcome === 'updated' })) });
  ctx.warn(
    `Rotated API key "${key.name}" of service account "${sa?.name ?? saArg}"; the old key ${retain > 0 ? `keeps working for ${retain} min` : 'no longer works'} (tokens it issued stay valid).`,
  );
  for (const u of updates) if (u.outcome === 'updated') ctx.warn(`Profile "${u.profile}" now uses the new key.`);
  if (sink.target !== 'stdout') ctx.warn(`Wrote the new key to ${sink.target} (mode 0600).`);
  const where = sink.target === 'stdout' ? 'printed on stdout' : `written to ${sink.target}`;
  if (unchecked !== null) {
    throw new PartialFailure(`the stored profiles could not be checked for the old key (${unchecked}); the new key was ${where}`, {
      hint: 'Save it now, then run `zenml-api login --profile NAME --api-key -` with it for each profile that used the old key.',
    });
  }
  const failed = updates.filter((u) => u.outcome === 'failed');
  if (failed.length) {
    for (const u of failed.slice(1)) ctx.warn(`zenml-api: profile "${u.profile}" could not be updated with the new key (${u.reason})`);
    const f = failed[0]!;
    throw new PartialFailure(
      `profile "${f.profile}" could not be updated with the new key (${f.reason}); the new key was ${where}`,
      { hint: `Save it now, then run \`zenml-api login --profile ${f.profile} --api-key -\` with it.` },
    );
  }
  if (sink.target === 'stdout' && !opts.json) ctx.warn('The new key is printed on stdout: store it wherever the old one was used.');
}
