import { SCRAPE_LABELS, type SeriesName } from './metric-catalog';

/**
 * A deliberately small reader of PromQL, enough for the expressions in ops/: it finds the
 * series names an expression selects, the label names it matches or groups on, and which
 * series sit under rate()-like functions or histogram_quantile(). It is not a parser: it
 * relies on the expressions being well formed, which Prometheus and Grafana check.
 */

const IDENTIFIER = /(?<![\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*/g;
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);
/** Functions whose argument must be a cumulative series. */
const COUNTER_FUNCTIONS = ['rate', 'irate', 'increase'];

export interface PromqlReferences {
  series: string[];
  labels: string[];
}

/** Replaces string literals with "" so that their contents are not read as names. */
function withoutStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/** The argument text of every call of `fn` in `expr`, with balanced parentheses. */
export function callArguments(expr: string, fn: string): string[] {
  const args: string[] = [];
  const call = new RegExp(`(?<![\\w:])${fn}\\s*\\(`, 'g');
  for (let match = call.exec(expr); match; match = call.exec(expr)) {
    let depth = 1;
    let i = match.index + match[0].length;
    const start = i;
    for (; i < expr.length && depth > 0; i++) {
      if (expr[i] === '(') depth++;
      if (expr[i] === ')') depth--;
    }
    args.push(expr.slice(start, i - 1));
  }
  return args;
}

/** Series names and label names an expression refers to. */
export function references(expr: string): PromqlReferences {
  let rest = withoutStrings(expr);
  const labels = new Set<string>();
  // Grouping and vector matching: by (a, b), without (…), on (…), ignoring (…), group_left (…).
  rest = rest.replace(
    /(?<![\w:])(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
    (_, _keyword: string, names: string) => {
      for (const name of names.split(',')) if (name.trim()) labels.add(name.trim());
      return ' ';
    },
  );
  // Label matchers: {job=~"…", outcome!="…"}.
  rest = rest.replace(/\{([^}]*)\}/g, (_, matchers: string) => {
    for (const m of matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.add(m[1]);
    return ' ';
  });
  // Ranges and subqueries ([5m], [$__rate_interval], [1h:1m]) and offsets.
  rest = rest.replace(/\[[^\]]*\]/g, ' ').replace(/\boffset\s+\S+/g, ' ');
  const series = new Set<string>();
  for (const m of rest.matchAll(IDENTIFIER)) {
    const name = m[0];
    const after = rest.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(name.toLowerCase())) continue;
    series.add(name);
  }
  return { series: [...series], labels: [...labels] };
}

/** The expression with every rate()/irate()/increase() call cut out. */
function outsideCounterFunctions(expr: string): string {
  let rest = expr;
  for (const fn of COUNTER_FUNCTIONS) {
    for (const arg of callArguments(rest, fn)) rest = rest.replace(arg, ' ');
  }
  return rest;
}

/**
 * What is wrong with an expression, measured against the series the code defines: series
 * nobody defines, labels none of its series carries, counters read without rate(), gauges
 * under rate(), and histogram_quantile() over anything but `_bucket` series grouped by `le`.
 * An empty list means no problem was found.
 */
export function problemsOf(expr: string, catalog: ReadonlyMap<string, SeriesName>): string[] {
  const problems: string[] = [];
  const refs = references(expr);
  if (refs.series.length === 0) problems.push('selects no series');
  const known = refs.series.flatMap((name) => {
    const series = catalog.get(name);
    if (!series) problems.push(`unknown series ${name}`);
    return series ? [series] : [];
  });
  const allowed = new Set([...SCRAPE_LABELS, ...known.flatMap((series) => [...series.labels])]);
  for (const label of refs.labels) {
    if (!allowed.has(label)) problems.push(`label ${label} is not a label of ${refs.series.join(', ')}`);
  }
  for (const fn of COUNTER_FUNCTIONS) {
    for (const arg of callArguments(expr, fn)) {
      for (const name of references(arg).series) {
        if (catalog.get(name)?.cumulative === false)
          problems.push(`${fn}() of ${name}, which is not cumulative`);
      }
    }
  }
  for (const name of references(outsideCounterFunctions(expr)).series) {
    if (catalog.get(name)?.cumulative)
      problems.push(`${name} is cumulative but read without rate()/increase()`);
  }
  for (const arg of callArguments(expr, 'histogram_quantile')) {
    const inner = references(arg);
    for (const name of inner.series) {
      if (catalog.get(name)?.bucket === false)
        problems.push(`histogram_quantile() over ${name}, not a _bucket series`);
    }
    if (!inner.labels.includes('le')) problems.push('histogram_quantile() without grouping by le');
  }
  return problems;
}
