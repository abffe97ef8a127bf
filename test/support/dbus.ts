/**
 * A private D-Bus session bus with no services at all (no Secret Service can be activated on it),
 * for the "bus without keyring" fallback tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmptyBus {
  address: string;
  close(): void;
}

export function hasTool(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some((p) => p !== '' && existsSync(join(p, name)));
}

export function hasDbusDaemon(): boolean {
  return hasTool('dbus-daemon');
}

export async function startEmptyBus(): Promise<EmptyBus> {
  const dir = mkdtempSync(join(tmpdir(), 'zenml-api-bus-'));
  const conf = join(dir, 'bus.conf');
  writeFileSync(
    conf,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const child: ChildProcess = spawn('dbus-daemon', [`--config-file=${conf}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('dbus-daemon did not start')), 5000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) {
        clearTimeout(t);
        resolve(line.trim());
      }
    });
    child.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
  return {
    address,
    close() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
