import type { ConsoleConnection } from './http/console-connection';

export const COMPONENTS = ['outbox', 'inbox', 'consumer'] as const;
export type Component = (typeof COMPONENTS)[number];

/** What `courier-console --help` can explain: the whole tool or one command. */
export type HelpTopic = 'all' | 'overview' | 'dead list' | 'replay' | 'purge' | 'journey';

/** Query parameters of a dead list, as the API names them (`destination`, `eventType`, …). */
export type ListQuery = Readonly<Record<string, string | number | undefined>>;

/** A command line, read and checked: what to ask the console, and how to print the answer. */
export type CliCommand =
  | { readonly kind: 'help'; readonly topic: HelpTopic }
  | { readonly kind: 'overview'; readonly connection: ConsoleConnection; readonly json: boolean }
  | {
      readonly kind: 'dead list';
      readonly component: Component;
      readonly connection: ConsoleConnection;
      readonly query: ListQuery;
      /** Follow `nextCursor` / `nextOffset` to the end. */
      readonly allPages: boolean;
      readonly json: boolean;
      readonly payload: boolean;
    }
  | {
      readonly kind: 'replay' | 'purge';
      readonly component: Component;
      readonly connection: ConsoleConnection;
      /** The POST body, as docs/console.md gives it (purge's `confirm` added when sent). */
      readonly body: Readonly<Record<string, unknown>>;
      /** How many entries the command named (0 for --all), to report those that were not dead. */
      readonly named: readonly string[];
      readonly json: boolean;
    }
  | {
      readonly kind: 'journey';
      readonly id: string;
      readonly connection: ConsoleConnection;
      readonly json: boolean;
    };
