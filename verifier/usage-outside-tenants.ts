/**
 * What an alarm or budget counts of a tenant's usage, read in every form it
 * can take: a single metric's dimensions, a metric query's, an expression
 * that selects metrics itself, and a budget's filters on a cost tag. Outside
 * the tenant's own component such a watcher is tied to no tenant's quota,
 * and its actions can tell anyone one tenant's token use or spend.
 */
import { isRecord } from "../contract";
import { lastPart } from "./metering-values";

/**
 * Metric math that fetches metrics of its own rather than the alarm's other
 * queries: SEARCH and a Lambda data source can reach any namespace, and a
 * Metrics Insights SELECT reaches the namespace its FROM names.
 */
const ANY_NAMESPACE = ["SEARCH", "LAMBDA"];
const INSIGHTS = "SELECT";
const BEDROCK = "BEDROCK";

/** Whether an expression can select AWS/Bedrock metrics by itself: the proof does not read what it selects, so one that can is taken to. */
export function expressionReachesBedrock(expression: string): boolean {
    const text = expression.toUpperCase();
    return ANY_NAMESPACE.some((f) => text.includes(f)) || (text.includes(INSIGHTS) && text.includes(BEDROCK));
}

/** Characters of a profile id or ARN; any other ends a word of an expression. */
function idChar(c: string): boolean {
    return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || ".:/_-".includes(c);
}

/** The words of a text, as one pass: each a candidate profile id or ARN. */
export function wordsOf(text: string): string[] {
    const out: string[] = [];
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
        const inWord = i < text.length && idChar(text[i]);
        if (inWord && start < 0) start = i;
        if (!inWord && start >= 0) {
            out.push(text.slice(start, i));
            start = -1;
        }
    }
    return out;
}

/** A profile's owner by its id, or by the id at the end of its ARN. */
export function ownerByIdOrArn<T>(owner: ReadonlyMap<string, T>, value: string): T | undefined {
    return owner.get(value) ?? (value.startsWith("arn:") ? owner.get(lastPart(value)) : undefined);
}

/** A value a budget's filter matches, and how (Budgets' `matchOptions`; none is an exact match). */
export interface BudgetFilterTerm {
    /** `user:<key>$<value>` for a tag term, or the value as written (a profile's id or ARN, a dimension's value). */
    text: string;
    /** Of a tag term of a `filterExpression`. */
    tag?: { key: string; value: string; options: string[] };
}

/**
 * Every term a budget's filters hold: `costFilters` and `costFilter` values
 * as they are (Budgets names a tag filter there `user:<key>$<value>`), and
 * each `tags` term of a `filterExpression`, at any depth, with its match
 * options.
 */
export function budgetFilterTerms(filters: unknown[]): BudgetFilterTerm[] {
    const out: BudgetFilterTerm[] = [];
    const walk = (v: unknown): void => {
        if (typeof v === "string") out.push({ text: v });
        else if (Array.isArray(v)) v.forEach(walk);
        else if (isRecord(v)) {
            const values = Array.isArray(v.values) ? v.values : [];
            if (typeof v.key === "string") {
                const key = v.key.startsWith("user:") ? v.key : `user:${v.key}`;
                const options = (Array.isArray(v.matchOptions) ? v.matchOptions : []).filter((o): o is string => typeof o === "string");
                for (const x of values) if (typeof x === "string") out.push({ text: `${key}$${x}`, tag: { key, value: x, options } });
            }
            Object.values(v).forEach(walk);
        }
    };
    filters.forEach(walk);
    return out;
}

/**
 * How each option matches a value, once case is settled (`CASE_INSENSITIVE`
 * and `CASE_SENSITIVE` only say how to compare); any option not known here
 * is taken to match every value.
 */
const MATCHES: Readonly<Record<string, (given: string, tagged: string) => boolean>> = {
    EQUALS: (given, tagged) => given === tagged,
    STARTS_WITH: (given, tagged) => tagged.startsWith(given),
    ENDS_WITH: (given, tagged) => tagged.endsWith(given),
    CONTAINS: (given, tagged) => tagged.includes(given),
    ABSENT: () => false,
};

/** Whether a term of a budget's filters counts spend tagged `key` = `value` (`key` as Budgets writes it, `user:<key>`). */
export function termCountsTag(term: BudgetFilterTerm, key: string, value: string): boolean {
    if (!term.tag) return term.text === `${key}$${value}`;
    if (term.tag.key !== key) return false;
    const insensitive = term.tag.options.includes("CASE_INSENSITIVE");
    const [given, tagged] = insensitive ? [term.tag.value.toLowerCase(), value.toLowerCase()] : [term.tag.value, value];
    const kinds = term.tag.options.filter((o) => o !== "CASE_INSENSITIVE" && o !== "CASE_SENSITIVE");
    if (kinds.length === 0) return given === tagged;
    return kinds.some((o) => (MATCHES[o] ?? (() => true))(given, tagged));
}
