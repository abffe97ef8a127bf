/**
 * --jq against the real jq: each expression runs through output/jq.ts (jq 1.7.1 in WebAssembly)
 * and through Debian's /usr/bin/jq (`jq -r`) on ZenML response bodies; stdout, exit code and
 * error kind must agree. Debian 12 ships jq 1.6: expressions whose result changed in 1.7 are
 * listed apart, with the 1.7 result written out (checked against jq 1.7.1's documentation).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jq, jqErrorLine } from '../../src/output/jq.js';

const JQ = '/usr/bin/jq';
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/zenml-0.85-responses.json'), 'utf8'));
const body = (name: string) => JSON.stringify(fixtures[name]);
const realJqVersion = existsSync(JQ) ? execFileSync(JQ, ['--version'], { encoding: 'utf8' }).trim() : null;

/** [input, expression]: same stdout and exit code as `jq -r`. */
const SAME: Array<[string, string]> = [
  ['info', '.'],
  ['info', '.version'],
  ['info', '.id'],
  ['info', '.deployment_type, .auth_scheme'],
  ['info', 'keys'],
  ['info', 'keys_unsorted'],
  ['info', 'to_entries | map("\\(.key)=\\(.value)") | .[]'],
  ['info', '.metadata'],
  ['info', '.version | split(".") | map(tonumber)'],
  ['info', '.version | test("^0\\\\.8")'],
  ['info', '{version, id}'],
  ['info', '[.[] | type] | unique'],
  ['info', 'has("version"), has("nope")'],
  ['info', '.nope'],
  ['info', '.nope // "default"'],
  ['info', 'length'],
  ['info', 'paths | join(".")'],
  ['info', '[paths] | length'],
  ['info', 'with_entries(select(.value | type == "string")) | keys'],
  ['info', '.version | ascii_upcase'],
  ['info', '@json'],
  ['info', '.version | @base64'],
  ['info', '.version | @base64 | @base64d'],
  ['info', '[.version, .id] | @csv'],
  ['info', '[.version, .id] | @tsv'],
  ['info', '.version | @sh'],
  ['info', '.version | @uri'],
  ['info', '"\\(.version) on \\(.deployment_type)"'],
  ['current_user', '.name'],
  ['current_user', '.body.active'],
  ['current_user', '.body | keys[]'],
  ['current_user', '.id | length'],
  ['current_user', 'if .body.active then "active" else "inactive" end'],
  ['current_user', '.body.created | sub("T.*"; "")'],
  ['current_user', '.body.created | capture("(?<y>\\\\d{4})-(?<m>\\\\d\\\\d)")'],
  ['current_user', '[.name, .id] | join(" ")'],
  ['current_user', '.body | to_entries[] | select(.value == null) | .key'],
  ['current_user', '.metadata == null'],
  ['current_user', 'del(.body) | keys'],
  ['current_user', '.body.full_name | length > 0'],
  ['service_accounts', '.items[].name'],
  ['service_accounts', '.items | length'],
  ['service_accounts', '.items | map(.name)'],
  ['service_accounts', '.items[] | select(.body.active) | .id'],
  ['service_accounts', '.items[] | {name, active: .body.active}'],
  ['service_accounts', '.total, .total_pages, .max_size'],
  ['service_accounts', '.items | first | .name'],
  ['service_accounts', '[.items[] | .name] | sort | reverse'],
  ['service_accounts', '.items | group_by(.body.active) | map(length)'],
  ['service_accounts', 'reduce .items[] as $i (0; . + 1)'],
  ['service_accounts', '.items[0].body | to_entries | map(.key) | @csv'],
  ['service_accounts', '.items | map(select(.name | startswith("cli"))) | length'],
  ['service_accounts', '[limit(1; .items[])] | length'],
  ['service_accounts', '.items | any(.body.active), all(.body.active)'],
  ['service_accounts', '.items[] | "\\(.id)\\t\\(.name)"'],
  ['service_accounts', 'getpath(["items", 0, "name"])'],
  ['service_accounts', '[.. | numbers] | add'],
  ['service_accounts', '.items[0] | tojson | fromjson | .name'],
  ['api_keys', '.items[] | .name, .body.service_account.name'],
  ['api_keys', '.items[] | select(.body.active | not) | .name'],
  ['api_keys', '.items[].body.key'],
  ['api_keys', '.items | map({(.name): .id}) | add'],
  ['api_keys', '.items[0] | path(..) | length' ],
  ['api_key', '.body.last_login // "never"'],
  ['api_key', '.body | [.created, .updated] | max'],
  ['api_key', '.body.created | .[0:19] | strptime("%Y-%m-%dT%H:%M:%S") | mktime' ],
  ['api_key', 'empty'],
  ['api_key', '.name, "  indented and trailing  "'],
  ['api_key', '"", .name, ""'],
  ['api_key', '.name | ascii_downcase | ltrimstr("key")'],
  ['api_key', '.id | .[0:8]'],
  ['api_key', '.body | del(.service_account) | map_values(type)'],
  ['api_key', '[.body.created, .body.updated] | map(length)'],
  ['api_key', 'true, false, null'],
  ['api_key', '"é ✓ 日本"'],
  ['api_key', '"tab\\there", "line\\nbreak"'],
];

/** Errors: the same exit code (3: does not compile, 5: fails on this input) and one line. */
const ERRORS: Array<[string, string, number]> = [
  ['info', '.version[', 3],
  ['info', '.[] | ', 3],
  ['info', 'nosuchfunction', 3],
  ['info', '{a: }', 3],
  ['info', '.version | tonumber', 5],
  ['info', '.version + 1', 5],
  ['info', '.version | error("custom failure")', 5],
  ['info', 'error({"code": 1})', 5],
  ['info', '.version[0]', 5],
  ['service_accounts', '.items[] | .name | error', 5],
  ['service_accounts', '.items | .foo', 5],
  ['service_accounts', '.items[0].name, (.total / 0)', 5],
  ['api_key', '.body.created | fromjson', 5],
  ['api_key', '{} | keys[0] | ascii_downcase', 5],
];

/**
 * Known difference from `jq -r`, from the jq-wasm wrapper trimming jq's output: leading whitespace
 * of the very first output is lost (later outputs, and trailing whitespace, are kept).
 */
describe('--jq: the one known difference', () => {
  it('leading whitespace of the first output is dropped', async () => {
    expect((await jq('{}', '"  a", "  b"')).out).toBe('a\n  b\n');
  });
});

/** Results that differ between jq 1.6 (Debian) and 1.7: the 1.7 output, as jq 1.7.1 prints it. */
const SEVENTEEN: Array<[string, string, string]> = [
  ['api_key', 'pick(.name)', '{\n  "name": "key1"\n}\n'],
  ['api_key', 'if .body.active then "on" end', 'on\n'],
  ['api_key', '$__loc__.line', '1\n'],
  ['api_key', '[1.000, 100000000000000000001] | tojson', '[1.000,100000000000000000001]\n'],
  ['api_key', '[splits("-")] | length', ''], // an object: error below
  ['api_key', '.name | [limit(0; 1, 2)]', '[]\n'],
  ['api_key', '.name | ltrimstr(1)', 'key1\n'],
  ['api_key', '[.name | splits("e")]', '[\n  "k",\n  "y1"\n]\n'],
  // Number literals print as written (1.6: 1000, 0, 100000000000000000).
  ['api_key', '1, 2.5, 1e3, -0, 100000000000000000', '1\n2.5\n1E+3\n-0\n100000000000000000\n'],
  ['api_key', '"x" | ascii', ''],
];

function realJq(input: string, expr: string) {
  const r = spawnSync(JQ, ['-r', expr], { input, encoding: 'utf8' });
  return { out: r.stdout, exitCode: r.status ?? -1, stderr: r.stderr };
}

describe.runIf(realJqVersion !== null)(`--jq matches ${realJqVersion ?? 'jq'} (jq -r)`, () => {
  it(`has at least 50 expressions`, () => expect(SAME.length + ERRORS.length).toBeGreaterThanOrEqual(50));

  for (const [input, expr] of SAME) {
    it(`${input}: ${expr}`, async () => {
      const want = realJq(body(input), expr);
      expect(want.exitCode, want.stderr).toBe(0);
      const got = await jq(body(input), expr);
      expect({ out: got.out, exitCode: got.exitCode }).toEqual({ out: want.out, exitCode: 0 });
    });
  }

  for (const [input, expr, code] of ERRORS) {
    it(`${input}: ${expr} fails with exit ${code}, one line`, async () => {
      const want = realJq(body(input), expr);
      const got = await jq(body(input), expr);
      expect(want.exitCode).toBe(code);
      expect(got.exitCode).toBe(code);
      // What jq printed before the error is kept.
      expect(got.out).toBe(want.out);
      const line = jqErrorLine(got.stderr);
      expect(line).not.toMatch(/\n|^jq:/);
      expect(line.length).toBeGreaterThan(3);
      // Runtime messages read the same in 1.6 and 1.7; parser messages were reworded in 1.7.
      if (code === 5) expect(line).toBe(jqErrorLine(want.stderr));
    });
  }
});

describe('--jq: jq 1.7 results', () => {
  for (const [input, expr, out] of SEVENTEEN) {
    it(`${input}: ${expr}`, async () => {
      const got = await jq(body(input), expr);
      if (out === '') expect(got.exitCode).not.toBe(0);
      else expect(got).toMatchObject({ out, exitCode: 0 });
    });
  }
});
