import { type TSchema, Type } from '@sinclair/typebox';

/** A UUID path parameter or reference. */
export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });

/** Object schemas refuse unknown properties so a typo is a 422, not silently ignored. */
export const Strict = { additionalProperties: false } as const;

/** `{ id }` path parameters. */
export const IdParams = Type.Object({ id: Uuid }, Strict);

// Query strings carry text: Elysia coerces `Number` (not `Integer`) in queries, so integers are
// numbers with multipleOf 1.
const QueryInt = (min: number, max: number) => Type.Number({ minimum: min, maximum: max, multipleOf: 1 });

/** The query string of every list endpoint; `filters` adds the per-list equality filters. */
export function ListQuery<F extends Record<string, TSchema>>(filters: F) {
  return Type.Object(
    {
      page: Type.Optional(QueryInt(1, 1_000_000)),
      pageSize: Type.Optional(QueryInt(1, 500)),
      sort: Type.Optional(Type.String({ pattern: '^[a-zA-Z]+(:(asc|desc))?$', maxLength: 64 })),
      q: Type.Optional(Type.String({ maxLength: 200 })),
      ...filters,
    },
    Strict,
  );
}

/** A page of `item`. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

/** The error envelope, for documentation. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});
