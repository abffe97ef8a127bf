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
