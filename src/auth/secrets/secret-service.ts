/**
 * Reading one secret from the Secret Service over D-Bus directly, without the native binding.
 *
 * Why: the binding opens its D-Bus connection synchronously, in its constructor, on the main
 * thread. On a session bus that accepts connections and never answers (a hung bus or keyring
 * daemon) that blocks the whole process, so no deadline can fire: measured, `token` hung until
 * the test's silent bus went away a minute later. This reader's deadline really stops it (a
 * socket can be closed): the same case ends in one error line at the deadline. It was also
 * meant to be faster than starting the binding; measured, it is not (both ~20 ms for a cached
 * `token` in-process, 88.1 vs 89.3 ms whole-process in bench/details/RESULTS.md): the cost moved from
 * loading the native module to loading node:net and the stream machinery.
 *
 * It answers only what it is sure of: the one unlocked item matching the attributes, or that no
 * item matches. Anything else (no usable bus address, no Secret Service, a locked item, several
 * matches, an unexpected reply) returns `undefined` and the caller asks the native binding, whose
 * errors and unlock prompts stay the reference behaviour. The session is "plain": the secret
 * crosses the user's own bus socket unencrypted, as the Secret Service specification allows
 * (any process of the same user may ask the service for it anyway).
 */
import { DbusConnection, sessionBusSocket } from './dbus.js';
import type { DbusValue, Message } from './dbus-wire.js';

const SERVICE = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE_IFACE = 'org.freedesktop.Secret.Service';

export class SecretServiceTimeout extends Error {}

function expect(m: Message, sig: string): DbusValue[] {
  if (m.signature !== sig) throw new Error(`unexpected reply signature ${m.signature}`);
  return m.body;
}

async function lookup(conn: DbusConnection, attributes: Record<string, string>): Promise<string | null | undefined> {
  const hello = conn.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' });
  const session = conn.call({
    destination: SERVICE,
    path: SERVICE_PATH,
    interface: SERVICE_IFACE,
    member: 'OpenSession',
    signature: 'sv',
    body: ['plain', { sig: 's', value: '' }],
  });
  const search = conn.call({
    destination: SERVICE,
    path: SERVICE_PATH,
    interface: SERVICE_IFACE,
    member: 'SearchItems',
    signature: 'a{ss}',
    body: [Object.entries(attributes)],
  });
  // Settle all three before looking at any, so that no rejection goes unhandled.
  const [h, s, found] = await Promise.allSettled([hello, session, search]);
  if (h.status === 'rejected' || s.status === 'rejected' || found.status === 'rejected') return undefined;
  const [unlocked, locked] = expect(found.value, 'aoao') as [string[], string[]];
  if (unlocked.length === 0 && locked.length === 0) return null;
  if (unlocked.length !== 1 || locked.length !== 0) return undefined;
  const sessionPath = expect(s.value, 'vo')[1] as string;
  const reply = await conn.call({
    destination: SERVICE,
    path: unlocked[0]!,
    interface: 'org.freedesktop.Secret.Item',
    member: 'GetSecret',
    signature: 'o',
    body: [sessionPath],
  });
  const [secret] = expect(reply, '(oayays)') as [[string, Buffer, Buffer, string]];
  const value = secret[2];
  // Encrypted sessions put an IV in the parameters; a plain one has none.
  if (secret[1].length !== 0) return undefined;
  try {
    // ignoreBOM: a secret that starts with U+FEFF keeps it, as the binding returns it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(value);
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` on a new connection to the session bus under a deadline, and closes it. Undefined
 * when there is no bus address this client can use.
 */
async function onSessionBus<T>(opts: { env: NodeJS.ProcessEnv; timeoutMs: number }, work: (conn: DbusConnection) => Promise<T>): Promise<T | undefined> {
  const socketPath = sessionBusSocket(opts.env);
  if (!socketPath) return undefined;
  const conn = DbusConnection.open(socketPath);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SecretServiceTimeout(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
  });
  try {
    return await Promise.race([work(conn), timeout]);
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}

/**
 * The secret stored under `attributes`: a string, null when no item matches, or undefined when
 * this reader cannot tell (ask the native binding). Throws SecretServiceTimeout when the bus or
 * the service does not answer within `timeoutMs`.
 */
export async function readSecret(attributes: Record<string, string>, opts: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string | null | undefined> {
  return onSessionBus(opts, (conn) => lookup(conn, attributes).catch(() => undefined));
}

/**
 * Whether the session bus and the Secret Service answer at all, within `timeoutMs`: a Peer.Ping
 * to the service. Throws SecretServiceTimeout when they do not; resolves in every other case (no
 * usable bus address, no service, an error reply), where the native binding fails quickly and
 * says why. Called before the binding's writes: its constructor blocks the whole process on a bus
 * that accepts connections and never answers (measured: until the bus went away, a minute later),
 * where no deadline can fire. Only buses this client can reach (unix:path=, unix:abstract=) are
 * covered; on others the binding is on its own.
 */
export async function pingSecretService(opts: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<void> {
  await onSessionBus(opts, async (conn) => {
    const hello = conn.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' });
    const peer = conn.call({ destination: SERVICE, path: SERVICE_PATH, interface: 'org.freedesktop.DBus.Peer', member: 'Ping' });
    await Promise.allSettled([hello, peer]);
  });
}
