// Public types shared by the stand-ins.
import type { VersionRowId } from '../../../src/api/versions.js';

/** A row of src/api/versions.ts: the stand-in answers as that server version. */
export type ServerVersion = VersionRowId;
export type AuthScheme = 'OAUTH2_PASSWORD_BEARER' | 'EXTERNAL' | 'NO_AUTH' | 'HTTP_BASIC';

/** A ZenML Pro user as returned by Pro `GET /users/me` (docs §8). */
export interface ProUser {
  password: null;
  password_expired: null;
  name: string;
  avatar_url: string | null;
  company: string | null;
  job_title: string | null;
  metadata: Record<string, unknown>;
  id: string;
  username: string;
  email: string;
  oauth_provider: string | null;
  oauth_id: string | null;
  is_active: boolean;
  is_superuser: boolean;
  is_service_account: boolean;
  organization_id: string | null;
}
