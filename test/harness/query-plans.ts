import type { Client } from 'pg';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
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
