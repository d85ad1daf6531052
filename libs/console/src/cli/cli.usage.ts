import type { HelpTopic } from './cli-command';

const CONNECTION = `Connection (every command):
  --url <url>           the console's mount URL, e.g. http://localhost:3001/courier
                        (default: COURIER_CONSOLE_URL)
  --token <token>       a bearer token (default: COURIER_CONSOLE_TOKEN)
  --user, --password    HTTP Basic credentials instead of a token
  --json                print the API's answer as JSON
  -h, --help            this help`;

const EXIT = `Exit codes: 0 done; 1 the console refused or failed (its status and message are
printed), or nothing answered at --url; 2 a usage error (this help says how).`;

const TOPICS: Record<Exclude<HelpTopic, 'all'>, string> = {
  overview: `courier-console overview
  Pending, running, failed and dead counts: outbox destinations, inbox handlers, consumer queues.`,

  'dead list': `courier-console dead list outbox   [--destination d] [--type t] [filters] [paging]
courier-console dead list inbox    [--event-type t] [--handler-key k] [filters] [paging]
courier-console dead list consumer --queue q [--error text] [--limit n] [--offset n] [--all-pages]
  The dead entries, oldest first: id, type, attempts, dead time and the last error, shortened.
  The id column is what replay and purge take (inbox: <messageId>/<handlerKey>).
  --error <text>        the last error contains this text (any case)
  --from, --to <time>   dead between these times (ISO 8601, e.g. 2026-12-02T15:00:00Z)
  --limit <n>           entries per page (the console's default and maximum apply)
  --cursor <c>          the next page: the cursor the previous page printed (outbox, inbox)
  --offset <n>          skip this many dead letters (consumer)
  --all-pages           follow the pages to the end
  --payload             print each payload below the table (--json always has them)`,

  replay: `courier-console replay outbox   <id>… | --all [--destination d] [--type t] [--error text] [--from t] [--to t]
courier-console replay inbox    <messageId>/<handlerKey>… | --all [--event-type t] [--handler-key k] [--error text] [--from t] [--to t]
courier-console replay consumer --queue q <messageId>… | --all
  Puts dead entries back: an outbox message is published again, an inbox handler run starts
  again from attempt 1 (the message's other handlers untouched), a dead letter goes back to
  its queue. Ids come from "dead list"; --all takes every dead entry the filters match.`,

  purge: `courier-console purge outbox|inbox|consumer <ids>… | --all [filters] --yes
  Deletes dead entries for good: they cannot be replayed afterwards. The ids and filters are
  those of replay; --yes is required. A purged inbox run's message stays until retention
  removes it, so a redelivery is still recognised as a duplicate.`,

  journey: `courier-console journey <id>
  One message in this service: its outbox row, the relay's outcome, its inbox handlers, and
  the steps in time order.`,
};

/** The text of `courier-console --help`, or of one command's. */
export function usage(topic: HelpTopic): string {
  const commands =
    topic === 'all'
      ? `courier-console: look at, replay and purge dead messages of a service's Courier console

${Object.values(TOPICS).join('\n\n')}`
      : TOPICS[topic];
  return `${commands}\n\n${CONNECTION}\n\n${EXIT}\n`;
}
