import type { Client } from 'pg';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** A scan of one relation in an `EXPLAIN (ANALYZE, FORMAT JSON)` result: how, by which index, how many rows it read. */
export interface ScanNode {
  type: string;
  index: string | null;
  /** Rows the scan produced plus those it read and then dropped (filter, recheck), over all loops. */
  rowsRead: number;
}

/** The scans of `relation` in an `EXPLAIN (FORMAT JSON)` result, by node type (the write itself left out). */
export function planNodes(explained: Array<{ Plan: PlanNode }>, relation: string): string[] {
  const found: string[] = [];
  const visit = (node: PlanNode) => {
    if (node['Relation Name'] === relation && node['Node Type'] !== 'ModifyTable')
      found.push(node['Node Type']);
    node.Plans?.forEach(visit);
  };
  visit(explained[0].Plan);
  return found;
}

/**
 * Statement parameters as SQL literals, for `EXECUTE name(...)` (a utility statement
 * takes no bind parameters). Strings, numbers, null, and flat arrays of those.
 */
export function literalArguments(client: Client, values: readonly unknown[]): string {
  const element = (value: unknown) =>
    value === null ? 'NULL' : `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const literal = (value: unknown) => {
    if (value === null) return 'NULL';
    if (Array.isArray(value)) return client.escapeLiteral(`{${value.map(element).join(',')}}`);
    return client.escapeLiteral(String(value));
  };
  return values.map(literal).join(', ');
}

/** The scans of `relation` in an `EXPLAIN (ANALYZE, FORMAT JSON)` result, with the rows each read. */
export function scanNodes(explained: Array<{ Plan: PlanNode }>, relation: string): ScanNode[] {
  const found: ScanNode[] = [];
  const visit = (node: PlanNode) => {
    if (node['Relation Name'] === relation && node['Node Type'] !== 'ModifyTable') {
      const loops = node['Actual Loops'] ?? 1;
      const read =
        (node['Actual Rows'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0);
      found.push({ type: node['Node Type'], index: node['Index Name'] ?? null, rowsRead: read * loops });
    }
    node.Plans?.forEach(visit);
  };
  visit(explained[0].Plan);
  return found;
}

/** Every node type in a plan, e.g. to assert that it has no `Sort`. */
export function nodeTypes(explained: Array<{ Plan: PlanNode }>): string[] {
  const found: string[] = [];
  const visit = (node: PlanNode) => {
    found.push(node['Node Type']);
    node.Plans?.forEach(visit);
  };
  visit(explained[0].Plan);
  return found;
}
