/**
 * Ids seen lately, in two generations: the newest `capacity` at least and
 * `2 × capacity` at most. Forgetting a whole generation at once costs O(1)
 * per id; evicting the oldest member of one insertion-ordered `Set` costs a
 * scan over every deleted slot ahead of it, microseconds a call once a few
 * thousand ids have passed.
 */
export class RecentIds {
    private current = new Set<string>();
    private previous = new Set<string>();

    constructor(private readonly capacity: number) {}

    add(id: string): void {
        this.current.add(id);
        if (this.current.size >= this.capacity) {
            this.previous = this.current;
            this.current = new Set();
        }
    }

    /** Forgets `id`; true if it was remembered. */
    delete(id: string): boolean {
        return this.current.delete(id) || this.previous.delete(id);
    }
}
