/** Network side of Pro logins (lazy: loads the HTTP stack). */
import { ProApi } from '../api/pro.js';
import { makeProClient } from './connect.js';
import { loginRejected, tokenFromLogin } from './flows.js';
import type { NetOptions } from './net.js';
import type { StoredToken } from './tokens.js';

export async function exchangeProKey(baseUrl: string, key: string, net: NetOptions, now: () => number, warn: (l: string) => void): Promise<StoredToken> {
  const client = makeProClient(baseUrl, { ...net, timeoutMs: net.timeoutMs ?? 10_000 }, undefined, warn);
  try {
    const t0 = now();
    const res = await new ProApi(client).login(key);
    return tokenFromLogin(res, t0);
  } catch (e) {
    return loginRejected(e, 'ZenML Pro API key');
  } finally {
    await client.close();
  }
}
