/**
 * Just enough Markdown reading for the documentation tests: GitHub tables,
 * `<!-- args: Name -->` markers, links and heading anchors. Pure functions,
 * no dependencies.
 */
import * as fs from "fs";
import * as path from "path";
import { withoutCode } from "../../scripts/lib/package-contents";

/** The repository root (this file is tests/docs/markdown.ts). */
export const ROOT = path.resolve(__dirname, "..", "..");

/** README.md and every .md file under docs/, as absolute paths. */
export function documentationFiles(root: string = ROOT): string[] {
    const files = [path.join(root, "README.md")];
    const walk = (dir: string): void => {
        if (!fs.existsSync(dir)) return;
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".md")) files.push(full);
        }
    };
    walk(path.join(root, "docs"));
    return files;
}

export { withoutCode };

/** Cells of one table row: split on unescaped `|`, outer pipes dropped, `\|` unescaped, trimmed. */
export function tableCells(line: string): string[] {
    let text = line.trim();
    if (text.startsWith("|")) text = text.slice(1);
    if (text.endsWith("|") && !text.endsWith("\\|")) text = text.slice(0, -1);
    return text.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, "|").trim());
}

const DELIMITER_ROW = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

export interface MarkdownTable {
    /** 1-based line of the header row. */
    line: number;
    header: string[];
    rows: string[][];
}

/** The table whose header row is at `lines[start]`, or undefined when there is none. */
export function tableAt(lines: string[], start: number): MarkdownTable | undefined {
    if (start + 1 >= lines.length || !lines[start].trim().startsWith("|") || !DELIMITER_ROW.test(lines[start + 1].trim())) {
        return undefined;
    }
    const rows: string[][] = [];
    for (let i = start + 2; i < lines.length && lines[i].trim().startsWith("|"); i++) {
        rows.push(tableCells(lines[i]));
    }
    return { line: start + 1, header: tableCells(lines[start]), rows };
}

export interface ArgsTable {
    /** The interface the marker names. */
    name: string;
    /** 1-based line of the marker. */
    markerLine: number;
    /** The table directly below the marker (blank lines allowed in between), if any. */
    table?: MarkdownTable;
}

const ARGS_MARKER = /^<!--\s*args:\s*([A-Za-z_$][\w$]*)\s*-->$/;

/** Every `<!-- args: Name -->` marker of a document, with the table below it. */
export function argsTables(markdown: string): ArgsTable[] {
    const lines = markdown.split("\n");
    const found: ArgsTable[] = [];
    lines.forEach((line, i) => {
        const marker = ARGS_MARKER.exec(line.trim());
        if (!marker) return;
        let next = i + 1;
        while (next < lines.length && lines[next].trim() === "") next++;
        found.push({ name: marker[1], markerLine: i + 1, table: tableAt(lines, next) });
    });
    return found;
}

export interface MarkdownLink {
    /** 1-based line. */
    line: number;
    target: string;
}

/** Inline links and images, reference definitions and `href`/`src` attributes, outside code. */
export function links(markdown: string): MarkdownLink[] {
    const found: MarkdownLink[] = [];
    withoutCode(markdown)
        .split("\n")
        .forEach((line, i) => {
            const patterns = [/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g, /\b(?:href|src)="([^"]+)"/g];
            for (const pattern of patterns) {
                for (const match of line.matchAll(pattern)) found.push({ line: i + 1, target: match[1] });
            }
        });
    return found;
}

/** GitHub's anchor for a heading text: lowercase, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
    return heading
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

/** Every anchor a document defines: its headings (duplicates suffixed -1, -2, …) and `id`/`name` attributes. */
export function anchors(markdown: string): Set<string> {
    const result = new Set<string>();
    const seen = new Map<string, number>();
    const lines = markdown.split("\n");
    let fence = false;
    for (const line of lines) {
        if (/^\s*(```|~~~)/.test(line)) {
            fence = !fence;
            continue;
        }
        if (fence) continue;
        const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (heading) {
            const base = slug(heading[1]);
            const n = seen.get(base) ?? 0;
            seen.set(base, n + 1);
            result.add(n === 0 ? base : `${base}-${n}`);
        }
        for (const match of line.matchAll(/\b(?:id|name)="([^"]+)"/g)) result.add(match[1]);
    }
    return result;
}
