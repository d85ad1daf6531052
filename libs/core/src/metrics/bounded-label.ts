/**
 * Keeps a metric label to a bounded set: the first `max` distinct values pass, later
 * ones read `other`. Destinations and types come from code, but a bug that derives
 * them from data must not explode the metric's series count.
 */
export class BoundedLabel {
  static readonly OTHER = 'other';
  private readonly seen = new Set<string>();

  constructor(private readonly max = 100) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return BoundedLabel.OTHER;
    this.seen.add(value);
    return value;
  }
}
