import type { ActionTarget } from '../console-action.log';
import type { Selection } from './input/selection';

export interface SelectionAction<Item, Filter, Done> {
  /** The action on the entries listed; returns those it applied to. */
  listed(items: Item[]): Promise<Done[]>;
  /** The action on all entries matching the filter; returns how many. */
  matching(filter: Filter): Promise<number>;
  /** How a listed entry is named in the action log. @default the entry itself */
  nameOf?(item: Item): string;
}

/** Runs an action on the entries listed or on all that match, and logs it once. */
export async function applySelection<Item, Filter extends object, Done>(
  selection: Selection<Item, Filter>,
  action: SelectionAction<Item, Filter, Done>,
  log: (target: ActionTarget) => void,
): Promise<{ count: number; done?: Done[] }> {
  if ('items' in selection) {
    const done = await action.listed(selection.items);
    const nameOf = action.nameOf ?? String;
    log({ ids: selection.items.map((item) => nameOf(item)), count: done.length });
    return { count: done.length, done };
  }
  const count = await action.matching(selection.filter);
  log({ filter: selection.filter, count });
  return { count };
}
