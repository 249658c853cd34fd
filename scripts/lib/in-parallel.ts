import * as os from "os";

/**
 * Runs `work` on every item, one per core at a time (the work is a CPU-bound
 * worker process), and hands each result to `take` in item order, whichever
 * finished first; each result is dropped once taken.
 */
export async function inParallel<I, O>(items: readonly I[], work: (item: I) => Promise<O>, take: (result: O, item: I) => void): Promise<void> {
    const results = new Map<number, O>();
    let next = 0;
    let taken = 0;
    const lane = async (): Promise<void> => {
        for (let i = next++; i < items.length; i = next++) {
            results.set(i, await work(items[i]));
            for (let r = results.get(taken); r !== undefined; r = results.get(taken)) {
                results.delete(taken);
                take(r, items[taken++]);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(items.length, cores()) }, lane));
}

export function cores(): number {
    return Math.max(1, os.availableParallelism());
}
