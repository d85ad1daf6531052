import type { CliCommand, Component, ListQuery } from '../cli-command';
import type { ConsoleClient } from '../http/console.client';
import type { CursorPage, OffsetPage } from '../http/console-api.types';
import { DEAD_NOUN } from '../output/dead-nouns';
import { formatDeadList } from '../output/dead-list.format';
import { counted } from '../output/terminal-text';
import { jsonText, type CommandOutput } from './command-output';

const PATHS: Record<Component, string> = {
  outbox: 'api/outbox/dead',
  inbox: 'api/inbox/dead',
  consumer: 'api/consumer/dead',
};

type Page = Partial<CursorPage<never> & OffsetPage<never>> & { items: unknown[] };

/**
 * `courier-console dead list <component>`: one page, or (`--all-pages`) every page, following
 * `nextCursor` (outbox, inbox) or `nextOffset` (consumer) until the console says there is none.
 */
export async function runDeadList(
  client: ConsoleClient,
  command: Extract<CliCommand, { kind: 'dead list' }>,
  io: CommandOutput,
): Promise<void> {
  const items: unknown[] = [];
  let query: ListQuery = command.query;
  let page: Page;
  const seen = new Set<string>();
  for (;;) {
    page = await client.get<Page>(PATHS[command.component], query);
    items.push(...page.items);
    const next = nextPage(page);
    if (!command.allPages || next === undefined) break;
    // A console that hands back a page it gave already would keep this loop going for ever.
    const key = JSON.stringify(next);
    if (seen.has(key) || page.items.length === 0) {
      throw new Error(
        `the console's pages do not advance (${key} again); stopped after ${items.length} entries`,
      );
    }
    seen.add(key);
    query = { ...query, ...next };
  }
  if (command.json) {
    io.out(jsonText({ ...page, items }));
    return;
  }
  io.out(formatDeadList(command.component, items as never[], command.payload));
  io.out(`${footer(command, items.length, page)}\n`);
}

function nextPage(page: Page): { cursor: string } | { offset: number } | undefined {
  if (typeof page.nextCursor === 'string' && page.nextCursor !== '') return { cursor: page.nextCursor };
  if (typeof page.nextOffset === 'number') return { offset: page.nextOffset };
  return undefined;
}

function footer(command: Extract<CliCommand, { kind: 'dead list' }>, shown: number, last: Page): string {
  const [one, many] = DEAD_NOUN[command.component];
  const filtered = Object.keys(command.query).some(
    (key) => !['limit', 'cursor', 'offset', 'queue'].includes(key),
  );
  if (shown === 0) return `No ${many}${filtered ? ' match the filters' : ''}.`;
  const listed =
    typeof last.total === 'number' && last.total > shown
      ? `${shown} of ${last.total} ${many}`
      : counted(shown, one, many);
  const next = nextPage(last);
  const more =
    next === undefined
      ? ''
      : ` More: add ${'cursor' in next ? `--cursor ${next.cursor}` : `--offset ${next.offset}`}, or --all-pages.`;
  return `${listed}.${more}`;
}
