/**
 * The baseline's model call: one chat completion through the same `openai` SDK, SDK retries off, a 429 turned into
 * a Temporal retry after the server's Retry-After. No ledger, cache, budget or schema: what calling the endpoint
 * from a plain Temporal activity costs.
 */
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';

export function rawAgentActivities(baseURL: string) {
  const client = new OpenAI({ apiKey: 'not-needed', baseURL, maxRetries: 0 });
  return {
    async rawModelCall(phase: number): Promise<number> {
      try {
        const completion = await client.chat.completions.create({
          model: 'bench',
          messages: [{ role: 'user', content: `phase ${phase}` }],
          response_format: { type: 'json_schema', json_schema: { name: 'raw-bench', schema: { type: 'object' } } },
        });
        return completion.usage?.total_tokens ?? 0;
      } catch (err) {
        if (err instanceof OpenAI.APIError && err.status === 429) {
          const seconds = Number(err.headers?.get('retry-after') ?? 1);
          throw ApplicationFailure.create({ type: 'RateLimited', message: '429', nextRetryDelay: `${seconds} seconds` });
        }
        throw err;
      }
    },
  };
}

export type RawAgentActivities = ReturnType<typeof rawAgentActivities>;
