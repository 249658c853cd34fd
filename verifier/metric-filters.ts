/**
 * What a metric filter of a customer stack may take from the audit records.
 * A metric's data points, names and dimensions are read by any principal of
 * the account with cloudwatch:GetMetricData (metrics take no resource-level
 * grant), outside the log's key, so a filter is held to what the
 * component's own filters take: its pattern tests only the fields theirs
 * test, its value is a number or a usage count theirs publish, and its
 * dimensions come only from the fields theirs use. A pattern on a user id
 * or on the prompt's text would count that user's or that text's calls in
 * the clear.
 */
import { auditMetricFilters } from "../contract";
import { blocksOf, mapOf } from "./account-egress";
import { asText, prop, UNKNOWN_VALUE, type StackResource } from "./pulumi-formats";

/** A metric value CloudWatch takes as a constant: a plain decimal number. */
const NUMBER = /^-?\d+(\.\d+)?$/;
/** Characters of a JSON filter pattern outside its quoted strings and `%…%` expressions: selectors, operators, keywords and numbers. */
const PATTERN_CHARS = /^[A-Za-z0-9_\s.$[\]*=!<>&|()+-]*$/;
/** Characters of a selector after its `$`. */
const SELECTOR_CHAR = /[A-Za-z0-9_.[\]*-]/;

/** Fields the component's filter patterns test, the usage counts they publish as values, and the fields their dimensions take. */
export const METRIC_FILTER_ALLOWLIST = deriveAllowlist();

function deriveAllowlist(): { patternFields: ReadonlySet<string>; valueFields: ReadonlySet<string>; dimensionFields: ReadonlySet<string> } {
    const patternFields = new Set<string>();
    const valueFields = new Set<string>();
    const dimensionFields = new Set<string>();
    for (const f of auditMetricFilters()) {
        const read = patternSelectors(f.pattern);
        // The component's own patterns are the allowlist: one the reader cannot take apart is a defect of this file.
        if (typeof read === "string") throw new Error(`the component's metric filter ${f.id} ${read}`);
        read.forEach((s) => patternFields.add(s));
        if (f.value.startsWith("$")) valueFields.add(f.value);
        for (const field of Object.values(f.dimensions ?? {})) dimensionFields.add(field);
    }
    return { patternFields, valueFields, dimensionFields };
}

/**
 * The selectors (`$.a.b`, `$.a[0]`) a JSON filter pattern tests, or why the
 * pattern cannot be read as one. An empty pattern matches every event and
 * tests no field. A term or space-delimited pattern (`"alice"`,
 * `[ip, user, ...]`) matches the text of the whole record, and any text the
 * reader does not know could be a test it cannot see.
 */
export function patternSelectors(pattern: string): string[] | string {
    const text = pattern.trim();
    if (text === "") return [];
    if (!text.startsWith("{") || !text.endsWith("}")) return `has the pattern ${JSON.stringify(pattern)}, which is not a JSON filter pattern ({ $.field … }): a term or space-delimited pattern matches the text of the whole record`;
    const body = text.slice(1, -1);
    const selectors: string[] = [];
    let plain = "";
    let i = 0;
    while (i < body.length) {
        const c = body[i];
        if (c === '"' || c === "%") {
            // A quoted string or a %regular expression%: literal text, whatever it holds; a backslash escapes the next character.
            let j = i + 1;
            while (j < body.length && body[j] !== c) j += body[j] === "\\" ? 2 : 1;
            if (j >= body.length) return `has the pattern ${JSON.stringify(pattern)}, whose ${c === '"' ? "quoted string" : "% expression"} is not closed: what it tests cannot be read`;
            plain += " ";
            i = j + 1;
            continue;
        }
        if (c === "$") {
            let j = i + 1;
            while (j < body.length && SELECTOR_CHAR.test(body[j])) j++;
            selectors.push(body.slice(i, j));
            plain += " ";
            i = j;
            continue;
        }
        plain += c;
        i++;
    }
    if (!PATTERN_CHARS.test(plain) || plain.includes("{") || plain.includes("}")) {
        return `has the pattern ${JSON.stringify(pattern)}, which holds text the proof does not read as a JSON filter pattern: it could test a field the proof does not see`;
    }
    return selectors;
}

/** Why a metric filter takes content of the records into metric data; none for one that takes only what the component's filters take. */
export function metricContentProblems(r: StackResource): string[] {
    const out: string[] = [];
    const { patternFields, valueFields, dimensionFields } = METRIC_FILTER_ALLOWLIST;
    const pattern = prop(r, "pattern") ?? "";
    if (typeof pattern !== "string" || pattern === UNKNOWN_VALUE) out.push(`has the pattern ${asText(pattern)}, which is not text the proof can read: what it tests cannot be proved`);
    else {
        const selectors = patternSelectors(pattern);
        if (typeof selectors === "string") out.push(selectors);
        else {
            for (const field of new Set(selectors.filter((s) => !patternFields.has(s)))) {
                out.push(`tests ${field} in its pattern ${JSON.stringify(pattern)}: which records match, and so the metric's data points, would tell that field's content to any principal of the account with cloudwatch:GetMetricData; a pattern may test only ${[...patternFields].join(", ")}, as the component's filters do`);
            }
        }
    }
    // JSON text and a list of one are read as the block they hold; any other shape could hide a value or a dimension.
    const transformations = blocksOf(prop(r, "metricTransformation"));
    if ("problem" in transformations) return [...out, `${transformations.problem}: which value and dimensions it takes cannot be proved`];
    for (const t of transformations.blocks) {
        const value = t.value;
        if (typeof value !== "string" || !(NUMBER.test(value.trim()) || valueFields.has(value))) {
            out.push(`takes the metric value ${asText(value ?? "(none)")}: a value from a record field publishes that field's content as data points; only a number or ${[...valueFields].join(", ")} may be the value, as the component's filters do`);
        }
        for (const key of ["name", "namespace"]) {
            const name = t[key];
            if (typeof name !== "string" || name === "" || name.includes("$")) out.push(`has the metric ${key} ${asText(name ?? "(none)")}, not a fixed name: a name taken from the records would carry their content`);
        }
        const dimensions = mapOf(t.dimensions);
        if ("problem" in dimensions) {
            out.push(`takes dimensions that ${dimensions.problem}`);
            continue;
        }
        for (const [name, field] of Object.entries(dimensions.map)) {
            if (name.includes("$")) out.push(`has the dimension name ${JSON.stringify(name)}, not a fixed name: a name taken from the records would carry their content`);
            if (typeof field !== "string" || !dimensionFields.has(field)) {
                out.push(`takes the dimension ${name} from ${JSON.stringify(field)}: record content would become metric data, readable by any principal of the account with cloudwatch:GetMetricData; only ${[...dimensionFields].join(", ")} may be a dimension`);
            }
        }
    }
    return out;
}
