import type { SchemaChain } from '../schema/schema-chain.interface';
import type { ComponentName } from './courier-schema.args';

/** Where each component's chain lives: core imports no lib, so they are looked up at run time. */
const SOURCES: Record<ComponentName, { packageName: string; exportName: string }> = {
  outbox: { packageName: '@courier-nest/outbox', exportName: 'outboxSchemaChain' },
  inbox: { packageName: '@courier-nest/inbox', exportName: 'inboxSchemaChain' },
};

export type LoadedComponent =
  | { readonly component: ComponentName; readonly packageName: string; readonly chain: SchemaChain }
  | { readonly component: ComponentName; readonly packageName: string; readonly chain?: undefined };

/**
 * Loads the schema chain of each component installed in the user's project (resolved
 * from the working directory first, then beside this package). A component that is not
 * installed comes back without a chain; one that is installed but fails to load throws.
 */
export function loadSchemaComponents(components: readonly ComponentName[]): LoadedComponent[] {
  return components.map((component) => {
    const { packageName, exportName } = SOURCES[component];
    let resolved: string;
    try {
      resolved = require.resolve(packageName, { paths: [process.cwd(), __dirname] });
    } catch {
      return { component, packageName };
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at run time on purpose
    const chain = (require(resolved) as Record<string, unknown>)[exportName];
    if (!isSchemaChain(chain)) {
      throw new Error(
        `${packageName} (${resolved}) has no ${exportName}: upgrade it to a release with versioned schema.`,
      );
    }
    return { component, packageName, chain };
  });
}

function isSchemaChain(value: unknown): value is SchemaChain {
  const chain = value as SchemaChain | undefined;
  return (
    typeof chain?.component === 'string' &&
    Array.isArray(chain.steps) &&
    typeof chain.versionTable === 'string'
  );
}
