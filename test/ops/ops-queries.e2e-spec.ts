import {
  defaultFamilies,
  LIB_METRICS,
  libFamilies,
  seriesCatalog,
  type MetricFamily,
  type SeriesName,
} from './metric-catalog';
import { list, markdownAnchors, readJson, readText, readYaml, record, text, type Data } from './ops-files';
import { callArguments, problemsOf, references } from './promql';

// Every PromQL expression in the Grafana dashboard and the Prometheus alerting rules is checked
// against the metrics the code defines: the libs' metric providers (whose names are the public
// *MetricNames constants), prom-client's default metrics, and `up`, which Prometheus adds.

const DASHBOARD = 'ops/grafana/dashboards/courier.json';
const ALERTS = 'ops/prometheus/alerts.yml';

let catalog: Map<string, SeriesName>;
let families: MetricFamily[];

beforeAll(async () => {
  families = [...LIB_METRICS.flatMap(libFamilies), ...(await defaultFamilies())];
  catalog = seriesCatalog(families);
});

describe('the metric catalogue the checks rely on', () => {
  it.each(LIB_METRICS.map((lib) => [lib.lib, lib] as const))(
    '%s registers exactly the metrics its *MetricNames constant lists',
    (_, lib) => {
      expect(
        libFamilies(lib)
          .map((family) => family.name)
          .sort(),
      ).toEqual(Object.values(lib.names).sort());
    },
  );

  it('knows the types and labels the libs declare', () => {
    const family = (name: string) => families.find((f) => f.name === name);
    expect(family('courier_inbox_handled_total')).toMatchObject({
      type: 'counter',
      labels: ['handler_key', 'outcome', 'reason'],
    });
    expect(family('courier_inbox_handler_duration_seconds')).toMatchObject({ type: 'histogram' });
    expect(family('courier_outbox_backlog_messages')).toMatchObject({ type: 'gauge', labels: [] });
    expect(family('courier_consumer_settled_total')).toMatchObject({ labels: ['queue', 'outcome'] });
    expect(family('process_cpu_seconds_total')).toMatchObject({ type: 'counter' });
    expect(family('nodejs_eventloop_lag_seconds')).toMatchObject({ type: 'gauge' });
  });

  it('finds the series, labels and misuses of an expression (the checker is not vacuous)', () => {
    const good =
      'histogram_quantile(0.99, sum by (job, le) (rate(courier_inbox_handler_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))';
    expect(references(good)).toEqual({
      series: ['courier_inbox_handler_duration_seconds_bucket'],
      labels: ['job', 'le'],
    });
    expect(problemsOf(good, catalog)).toEqual([]);
    expect(problemsOf('courier_inbox_handled', catalog)).toEqual(['unknown series courier_inbox_handled']);
    expect(problemsOf('sum by (handlerKey) (rate(courier_inbox_handled_total[5m]))', catalog)).toEqual([
      'label handlerKey is not a label of courier_inbox_handled_total',
    ]);
    expect(problemsOf('rate(courier_outbox_backlog_messages[5m])', catalog)).toEqual([
      'rate() of courier_outbox_backlog_messages, which is not cumulative',
    ]);
    expect(problemsOf('courier_outbox_published_total', catalog)).toEqual([
      'courier_outbox_published_total is cumulative but read without rate()/increase()',
    ]);
    expect(
      problemsOf('histogram_quantile(0.5, rate(courier_inbox_handler_duration_seconds_sum[5m]))', catalog),
    ).toEqual([
      'histogram_quantile() over courier_inbox_handler_duration_seconds_sum, not a _bucket series',
      'histogram_quantile() without grouping by le',
    ]);
  });
});

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: unknown;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ refId: string; expr: string; datasource?: unknown }>;
}

describe(DASHBOARD, () => {
  const dashboard = record(readJson(DASHBOARD), 'dashboard');
  const uid = text(
    record(
      list(
        record(readYaml('ops/grafana/provisioning/datasources/prometheus.yml'), 'file').datasources,
        'datasources',
      )[0],
      'datasource',
    ).uid,
    'uid',
  );
  // Rows may be collapsed, holding their panels inside.
  const allPanels = list(dashboard.panels, 'panels').flatMap((raw, i) => {
    const panel = record(raw, `panels[${i}]`);
    return [
      panel,
      ...list(panel.panels ?? [], `panels[${i}].panels`).map((p, j) => record(p, `panels[${i}][${j}]`)),
    ];
  }) as unknown as Panel[];
  const panels = allPanels.filter((panel) => panel.type !== 'row');
  const byTitle = (title: string): Panel => {
    const panel = panels.find((candidate) => candidate.title === title);
    if (!panel) throw new Error(`no panel titled "${title}"`);
    return panel;
  };
  const exprs = (panel: Panel) => panel.targets.map((target) => target.expr);
  const variables = list(record(dashboard.templating, 'templating').list, 'templating.list').map((v, i) =>
    record(v, `templating.list[${i}]`),
  );

  it('is the "Courier" dashboard, with a stable uid', () => {
    expect(dashboard.title).toBe('Courier');
    expect(text(dashboard.uid, 'uid')).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  it('uses the provisioned Prometheus datasource, by uid, in every panel, query and variable', () => {
    const used = [
      ...panels.map((panel) => panel.datasource),
      ...panels.flatMap((panel) => panel.targets.map((target) => target.datasource)),
      ...variables.map((variable) => variable.datasource),
    ];
    expect(used.length).toBeGreaterThan(0);
    for (const datasource of used) expect(datasource).toEqual({ type: 'prometheus', uid });
  });

  it('has unique panel ids, panels inside the 24-column grid, and a query in every panel', () => {
    const ids = allPanels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of allPanels) expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    for (const panel of panels) {
      expect({ title: panel.title, queries: panel.targets.filter((t) => t.expr).length }).toEqual({
        title: panel.title,
        queries: panel.targets.length,
      });
      expect(panel.targets.length).toBeGreaterThan(0);
    }
  });

  it('queries only series and labels the code defines, each the way its type allows', () => {
    const found = panels.flatMap((panel) =>
      exprs(panel).flatMap((expr) =>
        problemsOf(expr, catalog).map((problem) => `${panel.title}: ${problem}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('selects services with a $job variable whose values come from a defined series', () => {
    const job = variables.find((variable) => variable.name === 'job');
    expect(job).toBeDefined();
    const query = text(record(job!.query, 'job.query').query, 'job.query.query');
    const match = /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*job\s*\)$/.exec(query);
    expect(match).not.toBeNull();
    expect(catalog.has(match![1])).toBe(true);
    for (const panel of panels) {
      for (const expr of exprs(panel))
        expect({ panel: panel.title, expr, filtered: expr.includes('job=~"$job"') }).toMatchObject({
          filtered: true,
        });
    }
  });

  // Each required panel, and what it must query.
  const groupedBy = (expr: string) => references(expr).labels;

  it('shows the outbox backlog and lag (oldest pending age)', () => {
    expect(references(exprs(byTitle('Outbox backlog')).join(' ')).series).toEqual([
      'courier_outbox_backlog_messages',
    ]);
    expect(references(exprs(byTitle('Outbox lag (oldest pending age)')).join(' ')).series).toEqual([
      'courier_outbox_oldest_pending_age_seconds',
    ]);
  });

  it('shows the publish rate by destination and outcome (confirmed, and each failure reason)', () => {
    const [confirmed, failed] = exprs(byTitle('Outbox publish rate by destination and outcome'));
    expect(references(confirmed).series).toEqual(['courier_outbox_published_total']);
    expect(groupedBy(confirmed)).toEqual(expect.arrayContaining(['destination']));
    expect(references(failed).series).toEqual(['courier_outbox_publish_failures_total']);
    expect(groupedBy(failed)).toEqual(expect.arrayContaining(['destination', 'reason']));
  });

  it('shows inbox handler outcomes by handler key and outcome', () => {
    const [expr] = exprs(byTitle('Inbox handler outcomes'));
    expect(references(expr).series).toEqual(['courier_inbox_handled_total']);
    expect(groupedBy(expr)).toEqual(expect.arrayContaining(['handler_key', 'outcome']));
    expect(callArguments(expr, 'rate')).toHaveLength(1);
  });

  it('shows inbox handler durations as p50 and p99 from the _bucket series', () => {
    const queries = exprs(byTitle('Inbox handler duration p50 / p99'));
    const quantiles = queries.map((expr) =>
      callArguments(expr, 'histogram_quantile')[0]?.split(',')[0].trim(),
    );
    expect(quantiles).toEqual(['0.5', '0.99']);
    for (const expr of queries) {
      expect(references(expr).series).toEqual(['courier_inbox_handler_duration_seconds_bucket']);
      expect(groupedBy(expr)).toEqual(expect.arrayContaining(['handler_key', 'le']));
    }
  });

  it('shows dead counts: outbox dead messages and inbox dead handlers', () => {
    expect(references(exprs(byTitle('Outbox dead messages')).join(' ')).series).toEqual([
      'courier_outbox_dead_messages',
    ]);
    expect(references(exprs(byTitle('Inbox dead handlers')).join(' ')).series).toEqual([
      'courier_inbox_dead_handlers',
    ]);
  });

  it('shows consumer settled outcomes by queue and outcome', () => {
    const [expr] = exprs(byTitle('Consumer settled outcomes'));
    expect(references(expr).series).toEqual(['courier_consumer_settled_total']);
    expect(groupedBy(expr)).toEqual(expect.arrayContaining(['queue', 'outcome']));
  });

  it('shows process CPU and event-loop lag', () => {
    expect(references(exprs(byTitle('Process CPU')).join(' ')).series).toEqual(['process_cpu_seconds_total']);
    expect(references(exprs(byTitle('Event-loop lag')).join(' ')).series).toEqual(
      expect.arrayContaining(['nodejs_eventloop_lag_seconds']),
    );
  });
});

describe(ALERTS, () => {
  const groups = list(record(readYaml(ALERTS), 'alerts').groups, 'groups').map((g, i) =>
    record(g, `groups[${i}]`),
  );
  const rules: Data[] = groups.flatMap((group, i) =>
    list(group.rules, `groups[${i}].rules`).map((rule, j) => record(rule, `groups[${i}].rules[${j}]`)),
  );
  const operations = markdownAnchors(readText('docs/operations.md'));

  it('holds alerting rules with a unique name, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    const names = rules.map((rule, i) => text(rule.alert, `rules[${i}].alert`));
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(['warning', 'critical']).toContain(record(rule.labels, `${String(rule.alert)}.labels`).severity);
      expect(text(record(rule.annotations, `${String(rule.alert)}.annotations`).summary, 'summary')).not.toBe(
        '',
      );
    }
  });

  it('queries only series and labels the code defines, each the way its type allows', () => {
    const found = rules.flatMap((rule) =>
      problemsOf(text(rule.expr, `${String(rule.alert)}.expr`), catalog).map(
        (problem) => `${String(rule.alert)}: ${problem}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('alerts on dead outbox messages, dead inbox handlers and outbox lag', () => {
    const series = rules.flatMap((rule) => references(String(rule.expr)).series);
    expect(series).toEqual(
      expect.arrayContaining([
        'courier_outbox_dead_messages',
        'courier_inbox_dead_handlers',
        'courier_outbox_oldest_pending_age_seconds',
      ]),
    );
  });

  it('points each runbook link at a heading of docs/operations.md', () => {
    for (const rule of rules) {
      const runbook = record(rule.annotations, 'annotations').runbook;
      if (runbook === undefined) continue;
      const [file, anchor] = text(runbook, `${String(rule.alert)}.runbook`).split('#');
      expect({ alert: rule.alert, file, anchorFound: operations.has(anchor) }).toEqual({
        alert: rule.alert,
        file: 'docs/operations.md',
        anchorFound: true,
      });
    }
  });
});
