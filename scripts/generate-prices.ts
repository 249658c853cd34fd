/**
 * Writes runtime/price-data.ts from the maintained price dataset
 * @pydantic/genai-prices (a devDependency): the on-demand price of every
 * Bedrock model id the dataset knows and every model of the catalogue, in
 * region and under each cross-Region profile prefix whose price differs.
 * The runtime ships this table, not the library: the library bundles every
 * provider's data (bench: bundle section), far more than the Lambda needs.
 *
 * `npx ts-node --transpile-only scripts/generate-prices.ts` after upgrading
 * the library; tests/runtime/pricing.test.ts fails while the file is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { renderPriceData } from "./lib/price-data";

const target = path.resolve(__dirname, "..", "runtime", "price-data.ts");
fs.writeFileSync(target, renderPriceData());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
