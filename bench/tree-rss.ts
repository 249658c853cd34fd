/**
 * Peak resident memory of a process and all its descendants at once, sampled
 * from /proc (Linux). `/usr/bin/time` reports only the largest single process,
 * which understates a run whose workers overlap; a sample every 100 ms can
 * miss a spike shorter than that, so the figure is a lower bound.
 */
import * as fs from "fs";

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process ended between listing and reading
    }
}

/** Resident kB of `root` and every descendant process now (threads share their process's RSS). */
export function treeRssKb(root: number): number {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const stat = read(`/proc/${entry}/stat`);
        // The command name is in parentheses and may hold spaces: fields resume after the last ")".
        const ppid = stat && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (!ppid) continue;
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
    }
    let total = 0;
    for (const stack = [root]; stack.length > 0; ) {
        const pid = stack.pop()!;
        total += Number(/VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? "")?.[1] ?? 0);
        stack.push(...(children.get(pid) ?? []));
    }
    return total;
}

/** Samples `root`'s tree until `stop()`, which returns the peak in MiB. */
export function sampleTreeRss(root: number, everyMs = 100): { stop(): number } {
    let peakKb = 0;
    const sample = () => (peakKb = Math.max(peakKb, treeRssKb(root)));
    const timer = setInterval(sample, everyMs);
    return {
        stop() {
            clearInterval(timer);
            return Math.round(peakKb / 1024);
        },
    };
}
