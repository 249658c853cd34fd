/**
 * Estimated cost of a model call. Prices come from a maintained dataset
 * (`@pydantic/genai-prices`, turned into runtime/price-data.ts at build time
 * so the Lambda does not carry every provider's data); they differ by Region
 * and contract, so callers can override them. A model without a price yields
 * `null`, never 0, so a missing price cannot pass for a free call.
 */

import { CROSS_REGION_PROFILE_PREFIX } from "../contract";
import { GENERATED_PRICES } from "./price-data";

/** US dollars per 1,000 tokens. */
export interface ModelPrice {
    input: number;
    output: number;
    /** Tokens read from the prompt cache. @default - the `input` price (a model without one has no prompt cache) */
    cacheRead?: number;
    /** Tokens written to the prompt cache. @default - the `input` price (a model without one has no prompt cache) */
    cacheWrite?: number;
}

/**
 * Model id to its price. A plain foundation model id prices the model in
 * Region and under every cross-Region profile without an entry of its own;
 * `global.<id>` (say) prices that profile alone.
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * On-demand list prices (USD per 1,000 tokens) from the maintained dataset:
 * every Bedrock model it knows, plus `<prefix>.<id>` entries where a
 * cross-Region profile is priced differently (Claude 4.5's `global.`).
 */
export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze(
    Object.fromEntries(
        Object.entries(GENERATED_PRICES).flatMap(([id, { profiles, ...price }]): [string, ModelPrice][] => [
            [id, price],
            ...Object.entries(profiles ?? {}).map(([prefix, p]): [string, ModelPrice] => [`${prefix}.${id}`, p]),
        ]),
    ),
);

export interface TokenUsage {
    inputTokens?: number;
    outputTokens?: number;
    cacheReadInputTokens?: number;
    cacheWriteInputTokens?: number;
}

/**
 * The default table with `overrides` laid over it. Overriding a foundation
 * model id also replaces the default's profile-specific entries for it, so a
 * caller's price applies to every profile unless the caller names one.
 * A price the caller gives by a getter stays one: it is read by each call's
 * lookup (a live price), never here, so a getter that throws costs that
 * call's record rather than the logger's construction.
 */
export function mergePriceTables(overrides: PriceTable | undefined): PriceTable {
    if (!overrides) {
        return DEFAULT_PRICE_TABLE;
    }
    const ids = Object.keys(overrides);
    const overridden = new Set(ids);
    const merged: Record<string, ModelPrice> = Object.fromEntries(
        Object.entries(DEFAULT_PRICE_TABLE).filter(([id]) => {
            const base = id.replace(CROSS_REGION_PROFILE_PREFIX, "");
            return base === id || !overridden.has(base);
        }),
    );
    for (const id of ids) {
        const descriptor = Object.getOwnPropertyDescriptor(overrides, id);
        if (descriptor === undefined) continue;
        // Defined, never assigned: an own "__proto__" id is a price like any other, not the table's prototype.
        Object.defineProperty(merged, id, {
            // Read through the caller's object, so its getter sees the `this` it was written for.
            ...("value" in descriptor ? { value: descriptor.value as ModelPrice, writable: true } : { get: () => overrides[id] }),
            enumerable: true,
            configurable: true,
        });
    }
    return Object.freeze(merged);
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
 * the model has no price or the call reported no token counts. A live price
 * (a getter, read here) that throws or is no price gives `null` too, and
 * `onPriceProblem` is told why: the cost is an estimate, and the call's
 * record must not be lost to it.
 */
export function estimateCostUsd(modelId: string | undefined, usage: TokenUsage, table: PriceTable, onPriceProblem?: (problem: string) => void): number | null {
    if (usage.inputTokens === undefined && usage.outputTokens === undefined) {
        return null;
    }
    let price: ModelPrice | undefined;
    let problem: string | undefined;
    try {
        price = findPrice(modelId, table);
        problem = price === undefined ? undefined : livePriceProblem(price);
    } catch (err) {
        problem = `could not be read (${err instanceof Error ? err.name : typeof err} thrown)`;
    }
    if (problem !== undefined) {
        onPriceProblem?.(`the price of model ${JSON.stringify(modelId)} ${problem}`);
        return null;
    }
    if (!price) {
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

/** A price's fields: `input` and `output` always, the cache ones defaulting to `input`. */
export const PRICE_FIELDS = ["input", "output", "cacheRead", "cacheWrite"] as const;

/** Whether `amount` can be a price's `field`: non-negative US dollars per 1,000 tokens, or absent for a cache field. */
export function isPriceAmount(field: (typeof PRICE_FIELDS)[number], amount: unknown): boolean {
    if (amount === undefined) return field === "cacheRead" || field === "cacheWrite";
    return typeof amount === "number" && Number.isFinite(amount) && amount >= 0;
}

/** Why a price read at call time cannot price a call (the table's own and checked prices always can). */
function livePriceProblem(price: ModelPrice): string | undefined {
    if (typeof price !== "object" || price === null) return `is ${price === null ? "null" : typeof price}, not { input, output }`;
    for (const field of PRICE_FIELDS) {
        const amount: unknown = price[field];
        if (!isPriceAmount(field, amount)) return `has ${field} ${typeof amount === "number" ? amount : typeof amount}, not a non-negative number of US dollars per 1,000 tokens`;
    }
    return undefined;
}
