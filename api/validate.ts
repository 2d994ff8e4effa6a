import type { z } from 'zod';
import { badRequest, zodIssues } from './problems';

/** Parses a request part, turning zod issues into a 400 that names `where.field`. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw badRequest(zodIssues(result.error, where));
  return result.data;
}
