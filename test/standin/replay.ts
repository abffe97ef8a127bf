// Comparing a recorded exchange with the stand-in's answer. Recorded ids,
// timestamps, tokens, keys and device codes belong to the recording server:
// they are mapped to the stand-in's own values as they first appear (a
// bijection, so a value that repeats in the recording must repeat here and two
// different recorded values must stay different); everything else must be equal.
import { expect } from 'vitest';
import { jwtPart, nowSec } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;
/** Device and user codes: opaque hex. */
const CODE = /^(?:[0-9a-f]{32}|[0-9a-f]{64})$/;
/** The parts of a free text that differ between servers, in the order tried. */
const VARIABLE = [
  { re: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, pattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' },
  { re: /\b[0-9a-f]{64}\b/, pattern: '[0-9a-f]{64}' },
  { re: /\b[0-9a-f]{32}\b/, pattern: '[0-9a-f]{32}' },
];

/** Recorded value → stand-in value, kept one-to-one. */
export class Mapping {
  private readonly fwd = new Map<string, string>();
  private readonly rev = new Map<string, string>();
  learn(recorded: string, actual: string, what: string): void {
    const have = this.fwd.get(recorded);
    if (have !== undefined) {
      expect(actual, `${what}: ${recorded} was mapped before`).toBe(have);
      return;
    }
    const back = this.rev.get(actual);
    expect(back ?? recorded, `${what}: stand-in value already stands for another recorded value`).toBe(recorded);
    this.fwd.set(recorded, actual);
    this.rev.set(actual, recorded);
  }
  get(recorded: string): string | undefined {
    return this.fwd.get(recorded);
  }
  /** Replaces every known recorded UUID inside a string. */
  subst(s: string): string {
    return s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => this.fwd.get(u) ?? u);
  }
  /** Replaces every known recorded value (longest first) inside a text: for byte-for-byte comparison. */
  substAll(s: string): string {
    const keys = [...this.fwd.keys()].sort((a, b) => b.length - a.length);
    let out = s;
    for (const k of keys) out = out.split(k).join(this.fwd.get(k)!);
    return out;
  }
}

export interface ReplayOptions {
  /** JSON inside a ZENKEY_: Python's default separators (0.58) or compact (0.85). */
  keyJson: 'spaced' | 'compact';
}

export class Replay {
  readonly map = new Mapping();
  /** Seconds the recorded token lifetime at this exchange (for `exp`). */
  expDelta = 0;
  /** Seconds the stand-in's clock was moved forward. */
  clockOffset = 0;

  constructor(private readonly opts: ReplayOptions) {}

  matchToken(recorded: string, actual: unknown, where: string): void {
    expect(typeof actual, where).toBe('string');
    const act = actual as string;
    expect(act, where).toMatch(JWT);
    expect(jwtPart(act, 0), `${where} header`).toEqual(jwtPart(recorded, 0));
    this.match(jwtPart(recorded, 1), jwtPart(act, 1), `${where} claims`);
    this.map.learn(recorded, act, `${where} token`);
  }

  keyText(id: string, secret: string): string {
    return this.opts.keyJson === 'compact' ? JSON.stringify({ id, key: secret }) : `{"id": "${id}", "key": "${secret}"}`;
  }

  encodeKey(id: string, secret: string): string {
    return `ZENKEY_${Buffer.from(this.keyText(id, secret)).toString('base64')}`;
  }

  matchKey(recorded: string, actual: unknown, where: string): void {
    expect(typeof actual, where).toBe('string');
    const act = actual as string;
    const dec = (k: string): string => Buffer.from(k.slice('ZENKEY_'.length), 'base64').toString('utf8');
    const recId = (JSON.parse(dec(recorded)) as { id: string }).id;
    const payload = JSON.parse(dec(act)) as { id: string; key: string };
    expect(payload.key, `${where}: the secret is 64 hex`).toMatch(/^[0-9a-f]{64}$/);
    expect(dec(act), `${where}: ZENKEY_ payload in the ${this.opts.keyJson} JSON format`).toBe(this.keyText(payload.id, payload.key));
    expect(act).toBe(this.encodeKey(payload.id, payload.key));
    this.map.learn(recId, payload.id, `${where} key id`);
    this.map.learn(recorded, act, `${where} key`);
  }

  /** A free text: equal once its ids and codes are mapped (learning those not yet seen). */
  matchText(expected: string, actual: unknown, where: string): void {
    expect(typeof actual, where).toBe('string');
    const parts: Array<{ literal: string } | { recorded: string; pattern: string }> = [];
    let rest = expected;
    for (;;) {
      let best: { index: number; text: string; pattern: string } | null = null;
      for (const v of VARIABLE) {
        const m = v.re.exec(rest);
        if (m && (best === null || m.index < best.index)) best = { index: m.index, text: m[0], pattern: v.pattern };
      }
      if (!best) break;
      parts.push({ literal: rest.slice(0, best.index) }, { recorded: best.text, pattern: best.pattern });
      rest = rest.slice(best.index + best.text.length);
    }
    parts.push({ literal: rest });
    const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`^${parts.map((p) => ('literal' in p ? esc(p.literal) : `(${p.pattern})`)).join('')}$`);
    const m = re.exec(actual as string);
    expect(m, `${where}: ${JSON.stringify(actual)} has the shape of ${JSON.stringify(expected)}`).not.toBeNull();
    let g = 1;
    for (const p of parts) if (!('literal' in p)) this.map.learn(p.recorded, m![g++]!, where);
  }

  /** Compares a recorded value with the stand-in's, learning mapped values. */
  match(expected: unknown, actual: unknown, where: string, partial = false): void {
    if (typeof expected === 'string') {
      if (UUID.test(expected)) {
        expect(typeof actual === 'string' && UUID.test(actual), `${where}: UUID expected, got ${JSON.stringify(actual)}`).toBe(true);
        this.map.learn(expected, actual as string, where);
      } else if (TS.test(expected)) {
        expect(typeof actual === 'string' && TS.test(actual), `${where}: naive timestamp expected, got ${JSON.stringify(actual)}`).toBe(true);
        this.map.learn(expected, actual as string, where);
      } else if (JWT.test(expected)) {
        this.matchToken(expected, actual, where);
      } else if (expected.startsWith('ZENKEY_')) {
        this.matchKey(expected, actual, where);
      } else if (CODE.test(expected)) {
        expect(typeof actual === 'string' && CODE.test(actual) && actual.length === expected.length, `${where}: hex code expected`).toBe(true);
        this.map.learn(expected, actual as string, where);
      } else {
        this.matchText(expected, actual, where);
      }
      return;
    }
    if (Array.isArray(expected)) {
      expect(Array.isArray(actual), `${where}: array expected`).toBe(true);
      const a = actual as unknown[];
      expect(a.length, `${where}: length`).toBe(expected.length);
      expected.forEach((e, i) => this.match(e, a[i], `${where}[${i}]`, partial));
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      expect(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where}: object expected`).toBe(true);
      const a = actual as Record<string, unknown>;
      const e = expected as Record<string, unknown>;
      if (!partial) expect(Object.keys(a), `${where}: keys and their order`).toEqual(Object.keys(e));
      for (const k of Object.keys(e)) {
        if (k === 'exp' && typeof e[k] === 'number') {
          expect(typeof a[k], `${where}.exp`).toBe('number');
          const want = nowSec() + this.clockOffset + this.expDelta;
          expect(Math.abs((a[k] as number) - want), `${where}.exp ≈ now + ${this.expDelta}`).toBeLessThanOrEqual(3);
          continue;
        }
        this.match(e[k], a[k], `${where}.${k}`, partial);
      }
      return;
    }
    expect(actual, where).toBe(expected);
  }
}

/** The same token with one character of its signature changed. */
export function tamper(token: string): string {
  const [h, p, sig] = token.split('.') as [string, string, string];
  const i = 10;
  const c = sig[i] === 'A' ? 'B' : 'A';
  return `${h}.${p}.${sig.slice(0, i)}${c}${sig.slice(i + 1)}`;
}
