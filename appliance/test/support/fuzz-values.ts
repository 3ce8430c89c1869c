// Values for the OpenAPI fuzzer (fuzz-openapi.ts): a seeded generator, values that fit a JSON
// schema, and the hostile ones that replace them.

/** A JSON schema as /api/openapi.json writes it (the subset the generator reads). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** mulberry32: small, fast and the same sequence for the same seed on every run. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  uuid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-${this.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
  }
}

const KiB = 1024;

/** Strings an attacker or a broken client sends. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  "' OR '1'='1' --",
  "'; DROP TABLE users; --",
  '"; SELECT pg_sleep(10); --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '/etc/shadow',
  '%00',
  '%E0',
  '%2e%2e%2f',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(64),
  '\u202eevil',
  '\ufeff',
  'ﷺ𒐫',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\r\nX-Injected: 1',
  'a'.repeat(65),
  'a'.repeat(257),
  'a'.repeat(4 * KiB),
  'x'.repeat(200 * KiB),
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
];

/** Values of the wrong type, or at the edges of numbers. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0.5,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  [],
  [null],
  {},
  { __proto__: { admin: true } },
  Array.from({ length: 2000 }, (_, i) => i),
  { nested: { deeper: { deepest: ['x'] } } },
];

/** Raw bodies that are not what the route expects (sent as they are). */
export const HOSTILE_RAW_BODIES: readonly string[] = [
  '',
  'not json',
  '{"a":',
  '{"a":1}}',
  'null',
  '[]',
  '"string"',
  '12345',
  '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  '['.repeat(20_000),
  `{"a":"${'x'.repeat(900 * KiB)}"}`,
  `[${'1,'.repeat(200_000)}1]`,
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '\u0000\u0001\u0002',
];

/** A value that fits `schema` where the generator can tell. */
export function validValue(schema: JsonSchema | undefined, rng: Rng, depth = 0): unknown {
  if (!schema || depth > 6) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return rng.pick(schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return validValue(rng.pick(union), rng, depth + 1);
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1;
      const max = schema.maximum ?? (schema.exclusiveMaximum ?? min + 100) - 1;
      return rng.int(Math.ceil(min), Math.max(Math.ceil(min), Math.floor(max)));
    }
    case 'array': {
      const n = rng.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3));
      return Array.from({ length: n }, () => validValue(schema.items, rng, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(name) || rng.chance(0.5)) out[name] = validValue(prop, rng, depth + 1);
      }
      return out;
    }
    default:
      return validString(schema, rng);
  }
}

function validString(schema: JsonSchema, rng: Rng): string {
  switch (schema.format) {
    case 'uuid':
      return rng.uuid();
    case 'email':
      return `fuzz${rng.int(0, 99999)}@example.com`;
    case 'date-time':
      return new Date(Date.UTC(2026, 0, rng.int(1, 28))).toISOString();
  }
  if (schema.pattern?.startsWith('^/')) return `/tmp/fuzz-${rng.int(0, 99999)}`;
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? 12, 12);
  const length = rng.int(Math.min(min, max), Math.max(min, max));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = rng.pick(['a', 'b', 'z', 'q']);
  while (s.length < length) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

/** A value that breaks `schema` in one way: wrong type, past a bound, or hostile text. */
export function hostileValue(schema: JsonSchema | undefined, rng: Rng): unknown {
  const roll = rng.next();
  if (schema?.maxLength !== undefined && roll < 0.15) return 'b'.repeat(schema.maxLength + 1);
  if (schema?.minLength && roll < 0.2) return 'b'.repeat(schema.minLength - 1);
  if (schema?.maximum !== undefined && roll < 0.25) return schema.maximum + rng.pick([1, 0.5, 1e6]);
  if (schema?.minimum !== undefined && roll < 0.3) return schema.minimum - rng.pick([1, 0.5, 1e6]);
  if (roll < 0.75) return rng.pick(HOSTILE_STRINGS);
  return rng.pick(HOSTILE_VALUES);
}

/** `value` with one field replaced by a hostile value, dropped, or an unknown field added. */
export function mutateObject(value: unknown, schema: JsonSchema | undefined, rng: Rng): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return hostileValue(schema, rng);
  const out = { ...(value as Record<string, unknown>) };
  const names = Object.keys(schema?.properties ?? out);
  const roll = rng.next();
  if (roll < 0.15 && names.length > 0) {
    delete out[rng.pick(names)];
  } else if (roll < 0.3) {
    out[rng.pick(['extra', 'isAdmin', 'role', '__proto__', 'constructor', 'id', 'builtin'])] = hostileValue(
      undefined,
      rng,
    );
  } else if (names.length > 0) {
    const name = rng.pick(names);
    const prop = schema?.properties?.[name];
    out[name] =
      prop?.type === 'object' || prop?.type === 'array'
        ? mutateNested(out[name], prop, rng)
        : hostileValue(prop, rng);
  }
  return out;
}

function mutateNested(value: unknown, schema: JsonSchema, rng: Rng): unknown {
  if (schema.type === 'array') {
    const items = Array.isArray(value) ? [...value] : [];
    items.push(hostileValue(schema.items, rng));
    return items;
  }
  return mutateObject(value ?? {}, schema, rng);
}
