/**
 * Evaluates the JSON subset of CloudWatch Logs filter-pattern syntax, as
 * described in "Filter pattern syntax for metric filters"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * `{ SELECTOR OP VALUE }` with `=`, `!=`, `<`, `<=`, `>`, `>=`; `IS TRUE`,
 * `IS FALSE`, `IS NULL`; `NOT EXISTS`; `&&`, `||` and parentheses, with
 * `()` > `&&` > `||`; `*` as a wildcard in string values. Space-delimited
 * and plain-term patterns are out of scope: the component uses neither.
 */

type Node =
    | { kind: "and" | "or"; left: Node; right: Node }
    | { kind: "compare"; path: Step[]; op: string; value: Literal }
    | { kind: "is"; path: Step[]; what: "TRUE" | "FALSE" | "NULL" }
    | { kind: "notExists"; path: Step[] };
type Step = string | number;
type Literal = { type: "string"; glob: RegExp } | { type: "number"; value: number };

const TOKEN = /\s*(\|\||&&|!=|<=|>=|[=<>()]|"(?:[^"\\]|\\.)*"|\$[^\s=!<>()&|]*|[^\s=!<>()&|"]+)/y;

function tokenize(body: string): string[] {
    const tokens: string[] = [];
    let at = 0;
    while (body.slice(at).trim() !== "") {
        TOKEN.lastIndex = at;
        const m = TOKEN.exec(body);
        if (!m) {
            throw new SyntaxError(`cannot read filter pattern at ${JSON.stringify(body.slice(at))}`);
        }
        tokens.push(m[1]);
        at = TOKEN.lastIndex;
    }
    return tokens;
}

function parseSelector(token: string): Step[] {
    if (!token.startsWith("$")) throw new SyntaxError(`expected a selector starting with $, got ${JSON.stringify(token)}`);
    const steps: Step[] = [];
    const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]/y;
    re.lastIndex = 1;
    while (re.lastIndex < token.length) {
        const m = re.exec(token);
        if (!m) throw new SyntaxError(`unsupported selector ${JSON.stringify(token)}`);
        steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
    }
    return steps;
}

function parseLiteral(token: string): Literal {
    const quoted = token.startsWith('"');
    const text = quoted ? JSON.parse(token) as string : token;
    if (!quoted && /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
        return { type: "number", value: Number(text) };
    }
    const escaped = text.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return { type: "string", glob: new RegExp(`^${escaped.join(".*")}$`, "s") };
}

class Parser {
    private i = 0;
    constructor(private readonly tokens: string[]) {}

    parse(): Node {
        const node = this.or();
        if (this.i !== this.tokens.length) throw new SyntaxError(`unexpected ${JSON.stringify(this.tokens[this.i])}`);
        return node;
    }
    private peek(): string | undefined {
        return this.tokens[this.i];
    }
    private next(): string {
        const t = this.tokens[this.i++];
        if (t === undefined) throw new SyntaxError("unexpected end of filter pattern");
        return t;
    }
    private or(): Node {
        return this.chain("||", "or", () => this.and());
    }
    private and(): Node {
        return this.chain("&&", "and", () => this.primary());
    }
    /** Left-associative run of `operand (token operand)*`. */
    private chain(token: string, kind: "and" | "or", operand: () => Node): Node {
        let left = operand();
        while (this.peek() === token) {
            this.i++;
            left = { kind, left, right: operand() };
        }
        return left;
    }
    private primary(): Node {
        if (this.peek() === "(") {
            this.i++;
            const inner = this.or();
            if (this.next() !== ")") throw new SyntaxError("expected )");
            return inner;
        }
        const path = parseSelector(this.next());
        const op = this.next();
        if (op === "IS") {
            const what = this.next();
            if (what !== "TRUE" && what !== "FALSE" && what !== "NULL") throw new SyntaxError(`IS ${what} is not supported`);
            return { kind: "is", path, what };
        }
        if (op === "NOT") {
            if (this.next() !== "EXISTS") throw new SyntaxError("expected NOT EXISTS");
            return { kind: "notExists", path };
        }
        if (!["=", "!=", "<", "<=", ">", ">="].includes(op)) throw new SyntaxError(`unsupported operator ${JSON.stringify(op)}`);
        return { kind: "compare", path, op, value: parseLiteral(this.next()) };
    }
}

/** Parses a JSON filter pattern (`{ ... }`). Throws `SyntaxError` on anything outside the subset. */
export function parseFilterPattern(pattern: string): Node {
    const m = /^\s*\{(.*)\}\s*$/s.exec(pattern);
    if (!m) throw new SyntaxError(`not a JSON filter pattern: ${JSON.stringify(pattern)}`);
    return new Parser(tokenize(m[1])).parse();
}

const MISSING = Symbol("missing");

function resolve(event: unknown, path: Step[]): unknown {
    let current: unknown = event;
    for (const step of path) {
        if (typeof step === "number" ? !Array.isArray(current) : typeof current !== "object" || current === null || Array.isArray(current)) {
            return MISSING;
        }
        const container = current as Record<string | number, unknown>;
        if (!(step in container)) return MISSING;
        current = container[step];
    }
    return current;
}

function evaluate(node: Node, event: unknown): boolean {
    switch (node.kind) {
        case "and":
            return evaluate(node.left, event) && evaluate(node.right, event);
        case "or":
            return evaluate(node.left, event) || evaluate(node.right, event);
        case "notExists":
            return resolve(event, node.path) === MISSING;
        case "is": {
            const v = resolve(event, node.path);
            return node.what === "NULL" ? v === null : v === (node.what === "TRUE");
        }
        case "compare": {
            const v = resolve(event, node.path);
            // A selector that lands on an object, an array or nothing never matches.
            if (v === MISSING || v === null || typeof v === "object") return false;
            if (node.value.type === "number") {
                if (typeof v !== "number") return false;
                const n = node.value.value;
                return { "=": v === n, "!=": v !== n, "<": v < n, "<=": v <= n, ">": v > n, ">=": v >= n }[node.op] ?? false;
            }
            if (typeof v !== "string") return false;
            const hit = node.value.glob.test(v);
            return node.op === "=" ? hit : node.op === "!=" ? !hit : false;
        }
    }
}

/** Whether `pattern` matches the log event `message` (JSON patterns match only JSON events). */
export function matchesFilterPattern(pattern: string, message: string): boolean {
    const tree = parseFilterPattern(pattern);
    let event: unknown;
    try {
        event = JSON.parse(message);
    } catch {
        return false;
    }
    return typeof event === "object" && event !== null && evaluate(tree, event);
}

/**
 * The value a metric filter publishes for a matching event: a literal number,
 * or the number a `$.path` value selector points to (undefined when it is not a number).
 */
export function metricValue(valueSpec: string, message: string): number | undefined {
    if (!valueSpec.startsWith("$")) return Number(valueSpec);
    const v = resolve(JSON.parse(message), parseSelector(valueSpec));
    return typeof v === "number" ? v : undefined;
}

/** The dimension values a metric filter publishes for a matching event. */
export function dimensionValues(dimensions: Record<string, string> | undefined, message: string): Record<string, unknown> {
    const event = JSON.parse(message);
    return Object.fromEntries(Object.entries(dimensions ?? {}).map(([name, path]) => [name, resolve(event, parseSelector(path))]));
}
