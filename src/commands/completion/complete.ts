/**
 * The completion engine behind `zenml-api __complete -- WORD… CURRENT`: walks the live commander
 * program (so commands and flags never drift from what the binary accepts) and completes values
 * from local state only: profile names from config.json, paths, methods and tags from the cached
 * API document. No network, no credentials.
 */
import type { Command, Option } from 'commander';
import { SHELLS } from './spec.js';
import { relativePath } from '../../discovery/match.js';
import { METHOD_ORDER, methodRank, type ApiIndex } from '../../discovery/openapi.js';

export interface Candidate {
  value: string;
  description?: string;
}

export interface CompletionSources {
  profiles(): string[];
  /** The cached API index of a profile (the active one when undefined). */
  index(profile: string | undefined): ApiIndex | undefined;
}

const HTTP_METHODS = METHOD_ORDER.slice(0, 5);

function oneLine(s: string | undefined, max = 70): string | undefined {
  if (!s) return undefined;
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || undefined;
}

function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

function ancestry(cmd: Command): Command[] {
  const out: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) out.push(c);
  return out;
}

/** An option of the command or of a parent (commander parses parents' options anywhere). */
function findOption(cmd: Command, flag: string): Option | undefined {
  for (const c of ancestry(cmd)) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

function findCommand(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

const optionKey = (o: Option) => o.long ?? o.short ?? '';

interface State {
  cmd: Command;
  /** Names from the root: ['endpoints', 'describe']. */
  chain: string[];
  positionals: string[];
  /** Option values seen so far, by long flag. */
  values: Map<string, string>;
  /** An option waiting for its value (the current word). */
  pending?: Option;
  dashdash: boolean;
}

function walk(program: Command, words: string[]): State {
  const st: State = { cmd: program, chain: [], positionals: [], values: new Map(), dashdash: false };
  for (const w of words) {
    if (st.pending) {
      const p = st.pending;
      delete st.pending;
      if (!(p.optional && w.startsWith('-'))) {
        st.values.set(optionKey(p), w);
        continue;
      }
    }
    if (!st.dashdash && w === '--') {
      st.dashdash = true;
      continue;
    }
    if (!st.dashdash && w.startsWith('-') && w.length > 1) {
      const long = w.startsWith('--');
      const eq = long ? w.indexOf('=') : -1;
      const opt = findOption(st.cmd, eq > 0 ? w.slice(0, eq) : long ? w : w.slice(0, 2));
      if (opt && takesValue(opt)) {
        if (eq > 0) st.values.set(optionKey(opt), w.slice(eq + 1));
        else if (!long && w.length > 2) st.values.set(optionKey(opt), w.slice(2));
        else st.pending = opt;
      }
      continue;
    }
    if (st.positionals.length === 0) {
      const sub = findCommand(st.cmd, w);
      if (sub) {
        st.cmd = sub;
        st.chain.push(sub.name());
        continue;
      }
      if (st.cmd === program && w === 'help' && st.chain.length === 0) {
        st.chain.push('help');
        continue;
      }
    }
    st.positionals.push(w);
  }
  return st;
}

function uniquePaths(index: ApiIndex, method: string | undefined): Map<string, { methods: string[]; summary: string }> {
  const m = method?.toUpperCase();
  const byPath = new Map<string, { methods: string[]; summary: string }>();
  for (const op of index.operations) {
    if (m && op.method !== m) continue;
    const e = byPath.get(op.path);
    if (e) e.methods.push(op.method);
    else byPath.set(op.path, { methods: [op.method], summary: op.summary });
  }
  return byPath;
}

const isParam = (seg: string) => /^\{[^{}]*\}$/.test(seg);

/**
 * Documented paths that continue what was typed: relative to /api/v1 unless it starts with '/'.
 * Segments already typed match `{param}` segments by value, and the value is kept:
 * `service_accounts/ci-bot/a` → `service_accounts/ci-bot/api_keys`, ….
 */
export function pathCandidates(index: ApiIndex, cur: string, method?: string): Candidate[] {
  const absolute = cur.startsWith('/');
  const typed = cur.split('/');
  const last = typed.pop() ?? '';
  const out = new Map<string, Candidate>();
  for (const [path, info] of uniquePaths(index, method)) {
    if (!absolute && relativePath(path) === path) continue; // outside /api/v1: only as /…
    const t = (absolute ? path : relativePath(path)).split('/');
    if (t.length < typed.length + 1) continue;
    const rendered: string[] = [];
    let ok = true;
    for (let i = 0; i < typed.length && ok; i++) {
      const seg = t[i]!;
      const u = typed[i]!;
      if (isParam(seg) && u !== '' && !u.includes('{')) rendered.push(u);
      else if (seg === u) rendered.push(seg);
      else ok = false;
    }
    const next = t[typed.length]!;
    if (!ok || (isParam(next) ? last !== '' && last !== next.slice(0, last.length) : !next.startsWith(last))) continue;
    const value = [...rendered, ...t.slice(typed.length)].join('/');
    const methods = [...info.methods].sort((a, b) => methodRank(a) - methodRank(b)).join(' ');
    if (!out.has(value)) out.set(value, { value, description: oneLine(`${methods} · ${info.summary}`) ?? methods });
  }
  return [...out.values()];
}

function positionalCandidates(st: State, cur: string, src: CompletionSources): Candidate[] {
  const key = st.chain.join(' ');
  const n = st.positionals.length;
  const index = () => src.index(st.values.get('--profile'));
  const methodsOf = (ix: ApiIndex | undefined) =>
    ix ? [...new Set(ix.operations.map((o) => o.method))].sort((a, b) => methodRank(a) - methodRank(b)) : [...HTTP_METHODS];
  switch (key) {
    case 'call': {
      const first = st.positionals[0]?.toUpperCase();
      const ix = index();
      if (n === 0) {
        const methods = HTTP_METHODS.map((m) => ({ value: m, description: 'HTTP method' }));
        const method = st.values.get('--method');
        return [...methods, ...(ix ? pathCandidates(ix, cur, method) : [])];
      }
      if (n === 1 && first && (HTTP_METHODS as readonly string[]).includes(first)) return ix ? pathCandidates(ix, cur, first) : [];
      return [];
    }
    case 'endpoints': {
      const ix = n === 0 ? index() : undefined;
      return ix ? pathCandidates(ix, cur, st.values.get('--method')) : [];
    }
    case 'endpoints describe': {
      const ix = index();
      if (n === 0) return methodsOf(ix).map((m) => ({ value: m, description: 'HTTP method' }));
      if (n === 1 && ix) return pathCandidates(ix, cur, st.positionals[0]);
      return [];
    }
    case 'completion':
      return n === 0 ? SHELLS.map((s) => ({ value: s })) : [];
    case 'profile use':
    case 'profile show':
    case 'profile remove':
      return n === 0 ? src.profiles().map((p) => ({ value: p, description: 'profile' })) : [];
    default:
      return [];
  }
}

function optionValueCandidates(st: State, opt: Option, src: CompletionSources): Candidate[] {
  const key = optionKey(opt);
  if (key === '--profile') return src.profiles().map((p) => ({ value: p, description: 'profile' }));
  if (key === '--method') {
    const ix = st.chain[0] === 'endpoints' ? src.index(st.values.get('--profile')) : undefined;
    const methods = ix ? [...new Set(ix.operations.map((o) => o.method))].sort((a, b) => methodRank(a) - methodRank(b)) : [...HTTP_METHODS];
    return methods.map((m) => ({ value: m }));
  }
  if (key === '--tag') {
    const ix = src.index(st.values.get('--profile'));
    return ix ? [...new Set(ix.operations.flatMap((o) => o.tags))].sort().map((t) => ({ value: t, description: 'tag' })) : [];
  }
  return []; // files and free text: the shell's own completion
}

/** Completions for the last word, given all words after the program name (the last may be ''). */
export function complete(program: Command, words: readonly string[], src: CompletionSources): Candidate[] {
  const cur = words.length ? words[words.length - 1]! : '';
  const st = walk(program, words.slice(0, -1));
  const help = program.createHelp();
  const keep = (list: Candidate[]) => list.filter((c) => c.value.startsWith(cur));

  if (st.pending) return keep(optionValueCandidates(st, st.pending, src));
  if (!st.dashdash && cur.startsWith('--') && cur.includes('=')) {
    const flag = cur.slice(0, cur.indexOf('='));
    const opt = findOption(st.cmd, flag);
    if (!opt || !takesValue(opt)) return [];
    return keep(optionValueCandidates(st, opt, src).map((c) => ({ ...c, value: `${flag}=${c.value}` })));
  }
  if (!st.dashdash && cur.startsWith('-')) {
    const out: Candidate[] = [];
    const shortToo = !cur.startsWith('--');
    for (const o of help.visibleOptions(st.cmd)) {
      const description = oneLine(o.description);
      if (o.long) out.push({ value: o.long, ...(description ? { description } : {}) });
      if (shortToo && o.short) out.push({ value: o.short, ...(description ? { description } : {}) });
    }
    return keep(out);
  }
  const out: Candidate[] = [];
  if (st.chain[0] === 'help') {
    if (st.chain.length === 1 && st.positionals.length === 0) {
      for (const c of help.visibleCommands(program)) if (c.name() !== 'help') out.push({ value: c.name() });
    }
    return keep(out);
  }
  if (st.positionals.length === 0) {
    for (const c of help.visibleCommands(st.cmd)) {
      const description = oneLine(c.summary() || c.description());
      out.push({ value: c.name(), ...(description ? { description } : {}) });
    }
  }
  out.push(...positionalCandidates(st, cur, src));
  return keep(out);
}

/** One candidate a line, `value<TAB>description` (bash keeps the value; zsh and fish show both). */
export function formatCandidates(list: readonly Candidate[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  return list.map((c) => (c.description ? `${clean(c.value)}\t${clean(c.description)}` : clean(c.value))).join('\n') + (list.length ? '\n' : '');
}
