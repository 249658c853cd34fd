/** Policy sizes are counted as IAM counts them, the length of the compact JSON, without building the text. */
import * as assert from "assert";
import { jsonLength } from "../../verifier/account-checks";

describe("policy length", () => {
    it("equals the length of JSON.stringify for every kind of value, escapes and lone surrogates included", () => {
        const values: unknown[] = [null, true, false, 0, -1.5, 1e21, "", "a\"b\\c\n\t\u0001é😀\ud800x\udc00", [], [1, [2, {}]], { a: 1, b: undefined, c: [null, "x"] }, { "k\"ey": { n: [1, 2, 3] } },
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["bedrock:InvokeModel"], Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": ["us-east-1"] } } }] }];
        for (const v of values) assert.strictEqual(jsonLength(v), JSON.stringify(v).length, JSON.stringify(v));
    });
});
