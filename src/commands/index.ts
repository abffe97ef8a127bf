import type { Command } from 'commander';
import type { Ctx } from './context.js';
import { register as login } from './login/index.js';
import { register as logout } from './logout/index.js';
import { register as token } from './token/index.js';
import { register as currentUser } from './current-user/index.js';
import { register as call } from './call/index.js';
import { register as status } from './status/index.js';
import { register as profile } from './profile/index.js';
import { register as serviceAccount } from './service-account/index.js';
import { register as apiKey } from './api-key/index.js';
import { register as pro } from './pro/index.js';
import { register as endpoints } from './endpoints/index.js';
import { register as docs } from './docs/index.js';
import { register as completion } from './completion/index.js';
import { register as exec } from './exec/index.js';
import { register as env } from './env/index.js';

export function registerCommands(program: Command, ctx: Ctx): void {
  login(program, ctx);
  logout(program, ctx);
  token(program, ctx);
  currentUser(program, ctx);
  call(program, ctx);
  status(program, ctx);
  profile(program, ctx);
  serviceAccount(program, ctx);
  apiKey(program, ctx);
  pro(program, ctx);
  endpoints(program, ctx);
  docs(program, ctx);
  completion(program, ctx);
  exec(program, ctx);
  env(program, ctx);
}
