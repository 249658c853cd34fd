/**
 * The chain's canonical JSON is RFC 8785's: byte for byte what
 * json-canonicalize (an RFC 8785 implementation) writes, for the JSON the
 * checker reads and the values the runtime hands over.
 */
import { strict as assert } from "assert";
import { canonicalize } from "json-canonicalize";
import { chainCanonicalJson, chainHash } from "../../contract";

/** A small seeded generator, so a failure names a value that can be made again. */
function generator(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Characters that sort, escape or encode differently: ASCII, controls, quotes, Latin-1, BMP, astral and lone surrogates. */
const CHARACTERS = ["a", "B", "z", "0", "9", "_", " ", '"', "\\", "/", "\n", "\t", "\u0000", "\u0001", "\u001f", "\u007f", "é", "€", "\u2028", "\ufeff", "\uffff", "😀", "\ud800", "\udfff", "10", "1", "__proto__"];
const NUMBERS = [0, -0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1e21, 1e-7, 1e-6, 123456789012345680000, 5e-324, 1.7976931348623157e308, 2 ** 53, -(2 ** 53) - 2, 4.5, 0.002, 1e30, 333333333.3333333, 1e-27, -1e-27];

function value(next: () => number, depth: number): unknown {
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
    const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(CHARACTERS)).join("");
    const kind = depth >= 4 ? Math.floor(next() * 5) : Math.floor(next() * 7);
    switch (kind) {
        case 0:
            return text();
        case 1:
            return next() < 0.5 ? pick(NUMBERS) : (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
        case 2:
            return next() < 0.5;
        case 3:
            return null;
        case 4:
            return Math.floor(next() * 2 ** 31);
        case 5:
            return Array.from({ length: Math.floor(next() * 5) }, () => value(next, depth + 1));
        default: {
            const members = Array.from({ length: Math.floor(next() * 7) }, () => [text(), value(next, depth + 1)] as const);
            // Through JSON text, as the checker reads a line: "__proto__" becomes an own member there.
            return JSON.parse(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);
        }
    }
}

describe("the chain's canonical JSON", () => {
    it("is json-canonicalize's text for 5,000 generated JSON values", () => {
        const next = generator(8785);
        for (let i = 0; i < 5000; i++) {
            const parsed: unknown = JSON.parse(JSON.stringify(value(next, 0)));
            assert.equal(chainCanonicalJson(parsed), canonicalize(parsed), `value ${i}: ${JSON.stringify(parsed)}`);
        }
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
