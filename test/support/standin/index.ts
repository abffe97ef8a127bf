// Test stand-ins for a ZenML server (0.58 / 0.9x) and the ZenML Pro API.
// See README.md in this folder.
export type { Fault, LoggedRequest } from './core.js';
export type { AuthScheme, ProUser, ServerVersion } from './types.js';
export {
  startStandin,
  ZenmlStandinServer,
  type DeviceInfo,
  type SeededItem,
  type Standin,
  type StandinDevices,
  type StandinOptions,
} from './zenml.js';
export {
  startProStandin,
  ProStandinServer,
  type ProOrganization,
  type ProStandin,
  type ProStandinOptions,
  type ProWorkspace,
  type WorkspaceStatus,
} from './pro.js';
export { decodeJwtPayload, signJwt } from './jwt.js';

import { startStandin, type Standin } from './zenml.js';
import type { ProStandin } from './pro.js';

/**
 * A ZenML Pro workspace: a 0.9x cloud server with EXTERNAL auth whose tokens `pro` verifies,
 * listed by `pro` as an available workspace called `name`; its tokens last an hour.
 */
export async function startProWorkspace(pro: ProStandin, name: string): Promise<Standin> {
  const workspace = await startStandin({
    version: '0.9x',
    authScheme: 'EXTERNAL',
    deploymentType: 'cloud',
    tokenLifetimeSeconds: 3600,
    proApi: { url: pro.url, verifyToken: (t) => pro.verifyToken(t) },
  });
  pro.addWorkspace({ name, serverUrl: workspace.url, status: 'available' });
  return workspace;
}
