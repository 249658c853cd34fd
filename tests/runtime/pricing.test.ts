import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { KNOWN_MODEL_IDS } from "../../components/bedrock-tenant-fleet/known-models";
import { DEFAULT_PRICE_TABLE, estimateCostUsd, findPrice, mergePriceTables } from "../../runtime/pricing";
import { UNPRICED_IN_DATASET } from "../../runtime/price-data";
import { catalogueModelIds, renderPriceData } from "../../scripts/lib/price-data";

const USAGE = { inputTokens: 1000, outputTokens: 1000, cacheReadInputTokens: 1000, cacheWriteInputTokens: 1000 };

describe("prices from the maintained dataset", () => {
    it("prices every model and profile of the catalogue, or lists it as absent from the dataset", () => {
        const missing = [...KNOWN_MODEL_IDS].filter((id) => estimateCostUsd(id, USAGE, DEFAULT_PRICE_TABLE) === null && !UNPRICED_IN_DATASET.includes(id.replace(/^[a-z-]+\.(?=[a-z0-9-]+\.)/, "")));
        assert.deepEqual(missing, []);
        const priced = catalogueModelIds().filter((id) => !UNPRICED_IN_DATASET.includes(id));
        assert.ok(priced.length >= 34, `${priced.length} of ${catalogueModelIds().length} catalogue models priced`);
    });

    it("prices the Claude 4.x family with cache reads and writes, and the global profile at its own price", () => {
        for (const id of [...KNOWN_MODEL_IDS].filter((m) => /claude-(sonnet|opus|haiku)-4/.test(m))) {
            const price = findPrice(id, DEFAULT_PRICE_TABLE);
            assert.ok(price && price.cacheRead! > 0 && price.cacheWrite! > 0, `${id}: ${JSON.stringify(price)}`);
            assert.ok(estimateCostUsd(id, USAGE, DEFAULT_PRICE_TABLE)! > 0, id);
        }
        const regional = findPrice("us.anthropic.claude-sonnet-4-5-20250929-v1:0", DEFAULT_PRICE_TABLE)!;
        const global = findPrice("global.anthropic.claude-sonnet-4-5-20250929-v1:0", DEFAULT_PRICE_TABLE)!;
        assert.ok(regional.input > global.input, "Bedrock's regional profiles cost 10% more than global for Claude 4.5");
    });

    it("lets a caller's price replace the dataset's, for every profile of that model", () => {
        const table = mergePriceTables({ "anthropic.claude-sonnet-4-5-20250929-v1:0": { input: 1, output: 2 } });
        assert.equal(estimateCostUsd("global.anthropic.claude-sonnet-4-5-20250929-v1:0", { inputTokens: 1000, outputTokens: 1000 }, table), 3);
        assert.equal(estimateCostUsd("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", { inputTokens: 1000, outputTokens: 1000 }, table), 3);
        const perProfile = mergePriceTables({ "global.anthropic.claude-sonnet-4-5-20250929-v1:0": { input: 5, output: 5 } });
        assert.equal(estimateCostUsd("global.anthropic.claude-sonnet-4-5-20250929-v1:0", { inputTokens: 1000, outputTokens: 0 }, perProfile), 5);
    });

    it("ships the table the installed dataset generates (run scripts/generate-prices.ts after upgrading it)", () => {
        const shipped = fs.readFileSync(path.join(__dirname, "..", "..", "runtime", "price-data.ts"), "utf8");
        assert.equal(shipped, renderPriceData());
    });
});
