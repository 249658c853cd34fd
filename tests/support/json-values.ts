/** Generated JSON values that sort, escape and encode in every way RFC 8785 cares about. */

/** A small seeded generator, so a failure names a value that can be made again. */
export function generator(seed: number): () => number {
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

export function value(next: () => number, depth: number): unknown {
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
