/**
 * The chain's canonical JSON is RFC 8785's: byte for byte what
 * json-canonicalize (an RFC 8785 implementation) writes, for the JSON the
 * checker reads and the values the runtime hands over.
 */
import { strict as assert } from "assert";
import { canonicalize } from "json-canonicalize";
import { chainCanonicalJson, chainHash } from "../../contract";
import { generator, value } from "../support/json-values";

describe("the chain's canonical JSON", () => {
    it("is json-canonicalize's text for 5,000 generated JSON values", () => {
        const next = generator(8785);
        for (let i = 0; i < 5000; i++) {
            const parsed: unknown = JSON.parse(JSON.stringify(value(next, 0)));
            assert.equal(chainCanonicalJson(parsed), canonicalize(parsed), `value ${i}: ${JSON.stringify(parsed)}`);
        }
    });

    it("is json-canonicalize's text for 5,000 generated values whose keys are already in canonical order, as a record line reads back", () => {
        /** Keys in UTF-16 order as enumerated; an integer-like key still enumerates first, and is then out of order. */
        const sortedKeys = (v: unknown): unknown => {
            if (Array.isArray(v)) return v.map(sortedKeys);
            if (typeof v !== "object" || v === null) return v;
            return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
        };
        const next = generator(8786);
        let stringified = 0;
        for (let i = 0; i < 5000; i++) {
            const parsed = JSON.parse(JSON.stringify(sortedKeys(value(next, 0)))) as unknown;
            const text = chainCanonicalJson(parsed);
            assert.equal(text, canonicalize(parsed), `value ${i}: ${JSON.stringify(parsed)}`);
            if (text === JSON.stringify(parsed)) stringified++;
        }
        // Most of them take the short way; the check above holds either way.
        assert.ok(stringified > 2500, `only ${stringified} of 5,000 read back in canonical order`);
    });

    it("is RFC 8785's own example (section 3.2.2) and sorts keys by UTF-16 code units (section 3.2.3)", () => {
        const example = JSON.parse('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}');
        assert.equal(chainCanonicalJson(example), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
        const sorting = JSON.parse('{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}');
        const sorted: Array<[string, string]> = [
            ["\r", "Carriage Return"],
            ["1", "One"],
            ["\u0080", "Control"],
            ["ö", "Latin Small Letter O With Diaeresis"],
            ["€", "Euro Sign"],
            ["😀", "Emoji: Grinning Face"],
            ["\ufb33", "Hebrew Letter Dalet With Dagesh"],
        ];
        // Written out pair by pair: parsing the text back would put the integer-like key first.
        assert.equal(chainCanonicalJson(sorting), `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);
    });

    it("drops undefined members and writes an undefined list element as null, as json-canonicalize does", () => {
        const value = { a: undefined, b: [undefined, 1], c: { d: undefined } };
        assert.equal(chainCanonicalJson(value), canonicalize(value));
        assert.equal(chainCanonicalJson(value), '{"b":[null,1],"c":{}}');
    });

    it("throws where RFC 8785 has no text, so nothing is hashed in its place", () => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        for (const [what, bad] of [
            ["a non-finite number", { n: JSON.parse("1e999") as number }],
            ["NaN", [NaN]],
            ["a bigint", { n: 1n }],
            ["a cycle", cycle],
            ["a function", () => 1],
            ["undefined", undefined],
        ] as const) {
            assert.throws(() => chainCanonicalJson(bad), Error, what);
            assert.throws(() => chainHash(bad), Error, what);
        }
    });
});
