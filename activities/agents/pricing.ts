/**
 * What a model call costs, in USD per million tokens (input / output). The built-in table covers common hosted
 * models at list price; MFO_LLM_PRICES adds or corrects entries. Self-hosted models (Ollama, vLLM, llama.cpp)
 * have no list price: their calls are recorded with cost 0 and say so in the ledger's detail.
 */
export interface ModelPrice {
  input: number;
  output: number;
}

const LIST_PRICES: Record<string, ModelPrice> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

export class LlmPriceList {
  private readonly prices: Record<string, ModelPrice>;

  constructor(overrides: Record<string, ModelPrice> = {}) {
    this.prices = { ...LIST_PRICES, ...overrides };
  }

  /** Exact name first, then the longest listed prefix: dated snapshots ("gpt-4o-2024-08-06") cost what their family costs. */
  priceOf(model: string): ModelPrice | null {
    if (this.prices[model]) return this.prices[model];
    const family = Object.keys(this.prices)
      .filter((name) => model.startsWith(`${name}-`))
      .sort((a, b) => b.length - a.length)[0];
    return family ? this.prices[family] : null;
  }

  cost(model: string, tokensIn: number, tokensOut: number): number {
    const price = this.priceOf(model);
    return price ? (tokensIn * price.input + tokensOut * price.output) / 1_000_000 : 0;
  }
}
