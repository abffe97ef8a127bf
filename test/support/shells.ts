/** Whether a shell can be run here (fish and pwsh are optional; their tests skip without them). */
import { execFileSync } from 'node:child_process';

export function installed(cmd: string): boolean {
  try {
    execFileSync(cmd, ['-c', 'exit 0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
