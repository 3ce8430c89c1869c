import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

/** One schema violation, small enough to send back in an INVALID_PARAMS/INVALID_RESULT error. */
export interface SchemaIssue {
  path: string;
  message: string;
}

// Compiling is ~100x slower than checking, so each schema is compiled once, on first use.
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** The compiled checker for a schema (cached per schema object). */
export function checkerFor(schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/** Whether `value` matches `schema`. */
export function matches(schema: TSchema, value: unknown): boolean {
  return checkerFor(schema).Check(value);
}

/** Up to `limit` violations of `schema` by `value`, for error payloads (only called on failure). */
export function issuesOf(schema: TSchema, value: unknown, limit = 5): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const error of checkerFor(schema).Errors(value)) {
    issues.push({ path: error.path || '/', message: error.message });
    if (issues.length >= limit) break;
  }
  return issues;
}
