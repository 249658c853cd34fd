/**
 * The Pulumi SDK and its mock monitor talk through protobuf messages even in
 * one process: every registration encodes its inputs into a `Struct` and the
 * monitor decodes them, then the same again for the state it returns. In a
 * 5,000-tenant plan that encoding, and the garbage it leaves, was a quarter of
 * the plan worker's time, and nothing reads the encoded form: both sides call
 * `toJavaScript()` on it. So the plan worker can carry the plain value instead.
 *
 * The one thing the encoding does to a value is sort object keys (a Struct is a
 * map): {@link sortedKeys} is applied where that order reaches the plan, the
 * monitor's inputs and a component's registered outputs. The plan test runs
 * both ways on the shipped stacks and a synthetic fleet and requires the same
 * records.
 */

interface StructModule {
    Struct: { new (): object; fromJavaScript(value: unknown): object };
}

const structs = require("google-protobuf/google/protobuf/struct_pb") as StructModule;
const encode = structs.Struct.fromJavaScript;

class PlainStruct extends structs.Struct {
    constructor(private readonly plain: unknown) {
        super();
    }
    toJavaScript(): unknown {
        return this.plain;
    }
}

/**
 * `plain`: makes `Struct.fromJavaScript` return a carrier whose `toJavaScript()`
 * is the value itself; `protobuf`: the SDK's own encoding. A worker plans one
 * stack after another, so each plan sets the carrier it was asked for.
 */
export function carryStructs(carrier: "plain" | "protobuf"): void {
    structs.Struct.fromJavaScript = carrier === "plain" ? (value) => new PlainStruct(value) : encode;
}

/** Plain objects with their keys in the order a protobuf `Struct` gives them back; class instances (assets, archives) as they are. */
export function sortedKeys<T>(value: T): T {
    if (Array.isArray(value)) return value.map(sortedKeys) as T;
    if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
    return out as T;
}
