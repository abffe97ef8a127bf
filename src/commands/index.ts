import type { Command } from 'commander';
import type { Ctx } from './context.js';
import { register as login } from './login/index.js';
import { register as logout } from './logout/index.js';
import { register as token } from './token/index.js';
import { register as currentUser } from './current-user/index.js';
import { register as call } from './call/index.js';
import { register as status } from './status/index.js';
import { register as profile } from './profile/index.js';
import { register as pro } from './pro/index.js';

export function registerCommands(program: Command, ctx: Ctx): void {
  login(program, ctx);
  logout(program, ctx);
  token(program, ctx);
  currentUser(program, ctx);
  call(program, ctx);
  status(program, ctx);
  profile(program, ctx);
  pro(program, ctx);
}
