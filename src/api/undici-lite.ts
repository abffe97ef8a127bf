/**
 * The three pieces of undici this tool uses, imported from their own files instead of undici's
 * index, which loads everything (fetch, WebSocket, caches, mocks…). Measured: the bundled chunk
 * went from ~1 MB to ~0.5 MB and its import from ~105 ms to ~50 ms, which was most of what a
 * one-request command spent beyond Node's own start-up (bench/details/RESULTS.md).
 *
 * These are undici's internal paths (it has no "exports" map), pinned by the ^7 range in
 * package.json; a change of layout fails the build, and every e2e test goes through here.
 */
import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';
// @ts-expect-error -- no type declarations for undici's internal files; typed below.
import AgentImpl from 'undici/lib/dispatcher/agent.js';
// @ts-expect-error -- see above
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js';
// @ts-expect-error -- see above
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
// @ts-expect-error -- see above
import apiRequest from 'undici/lib/api/api-request.js';
// @ts-expect-error -- see above
import apiConnect from 'undici/lib/api/api-connect.js';

// What undici's index does, for the two methods this tool uses: they live on Dispatcher.prototype
// (`request`; ProxyAgent's CONNECT tunnel uses `connect`). Not undici's api/index.js, which also
// loads stream, pipeline and upgrade: little code (measured: -0.5% of the instructions of
// `current-user --json`), but none of it is used.
Object.assign((DispatcherImpl as { prototype: object }).prototype, { request: apiRequest, connect: apiConnect });

export const Agent = AgentImpl as typeof AgentType;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as typeof EnvHttpProxyAgentType;

export function request(
  dispatcher: Dispatcher,
  url: URL,
  opts: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>,
): Promise<Dispatcher.ResponseData> {
  return dispatcher.request({ ...opts, origin: url.origin, path: `${url.pathname}${url.search}` });
}
