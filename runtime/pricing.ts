/**
 * Estimated cost of a model call. Prices change and differ by Region and
 * contract, so the table is a documented starting point that callers
 * override; a model without a price yields `null`, never 0, so a missing price
 * cannot pass for a free call.
 */

import { CROSS_REGION_PROFILE_PREFIX } from "../contract";

/** US dollars per 1,000 tokens. */
export interface ModelPrice {
    input: number;
    output: number;
    /** Tokens read from the prompt cache. @default - the `input` price */
    cacheRead?: number;
    /** Tokens written to the prompt cache. @default - the `input` price */
    cacheWrite?: number;
}

/** Model id (without a cross-Region prefix such as `us.`) to its price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * On-demand list prices in us-east-1 (USD per 1,000 tokens) for commonly used
 * models. Override or extend with the `prices` option; entries you pass
 * replace entries here with the same id.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze({
    "anthropic.claude-3-haiku-20240307-v1:0": { input: 0.00025, output: 0.00125 },
    "anthropic.claude-3-5-haiku-20241022-v1:0": { input: 0.0008, output: 0.004, cacheRead: 0.00008, cacheWrite: 0.001 },
    "anthropic.claude-3-5-sonnet-20240620-v1:0": { input: 0.003, output: 0.015 },
    "anthropic.claude-3-5-sonnet-20241022-v2:0": { input: 0.003, output: 0.015, cacheRead: 0.0003, cacheWrite: 0.00375 },
    "anthropic.claude-3-7-sonnet-20250219-v1:0": { input: 0.003, output: 0.015, cacheRead: 0.0003, cacheWrite: 0.00375 },
    "anthropic.claude-sonnet-4-20250514-v1:0": { input: 0.003, output: 0.015, cacheRead: 0.0003, cacheWrite: 0.00375 },
    "amazon.nova-micro-v1:0": { input: 0.000035, output: 0.00014, cacheRead: 0.00000875 },
    "amazon.nova-lite-v1:0": { input: 0.00006, output: 0.00024, cacheRead: 0.000015 },
    "amazon.nova-pro-v1:0": { input: 0.0008, output: 0.0032, cacheRead: 0.0002 },
    "meta.llama3-1-8b-instruct-v1:0": { input: 0.00022, output: 0.00022 },
    "meta.llama3-1-70b-instruct-v1:0": { input: 0.00072, output: 0.00072 },
});


export interface TokenUsage {
    inputTokens?: number;
    outputTokens?: number;
    cacheReadInputTokens?: number;
    cacheWriteInputTokens?: number;
}

/** The default table with `overrides` laid over it. */
export function mergePriceTables(overrides: PriceTable | undefined): PriceTable {
    return overrides ? Object.freeze({ ...DEFAULT_PRICE_TABLE, ...overrides }) : DEFAULT_PRICE_TABLE;
}

/** The price of `modelId`, looked up with and then without a cross-Region prefix. */
export function findPrice(modelId: string | undefined, table: PriceTable): ModelPrice | undefined {
    if (!modelId) {
        return undefined;
    }
    return table[modelId] ?? table[modelId.replace(CROSS_REGION_PROFILE_PREFIX, "")];
}

/**
 * Estimated cost in US dollars, rounded to a millionth of a cent; `null` when
 * the model has no price or the call reported no token counts.
 */
export function estimateCostUsd(modelId: string | undefined, usage: TokenUsage, table: PriceTable): number | null {
    const price = findPrice(modelId, table);
    if (!price || (usage.inputTokens === undefined && usage.outputTokens === undefined)) {
        return null;
    }
    // Bedrock's inputTokens excludes cache reads and writes, which are billed separately.
    const cost =
        ((usage.inputTokens ?? 0) * price.input +
            (usage.outputTokens ?? 0) * price.output +
            (usage.cacheReadInputTokens ?? 0) * (price.cacheRead ?? price.input) +
            (usage.cacheWriteInputTokens ?? 0) * (price.cacheWrite ?? price.input)) /
        1000;
    return Math.round(cost * 1e8) / 1e8;
}
