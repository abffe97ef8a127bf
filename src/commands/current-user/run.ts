import { printJson } from '../../output/json.js';
import { printRecord } from '../../output/table.js';
import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { CurrentUserOptions } from './spec.js';
import { connect } from '../session.js';

export async function run(_args: NoArgs, opts: CurrentUserOptions, ctx: Ctx): Promise<void> {
  const { client, api } = await connect(ctx, opts);
  try {
    const user = await api.currentUser();
    if (opts.json) return printJson(ctx.io, user);
    const body = (user.body ?? {}) as Record<string, unknown>;
    const meta = (user.metadata ?? {}) as Record<string, unknown>;
    await printRecord(ctx.io, [
      ['name', user.name],
      ['id', user.id],
      ['kind', body.is_service_account ? 'service account' : 'user'],
      ['admin', body.is_admin === undefined ? '' : body.is_admin ? 'yes' : 'no'],
      ['active', body.active === undefined ? '' : body.active ? 'yes' : 'no'],
      ['email', (meta.email as string | null) ?? ''],
      ['created', (body.created as string | undefined) ?? ''],
    ]);
  } finally {
    await client.close();
  }
}
