import { CourierError } from './courier.error';
import { CoreMessages } from '../core.messages';
import type { SchemaChain } from '../schema/schema-chain.interface';
import { latestSchemaVersion } from '../schema/schema-chain';
import type { SchemaState } from '../schema/schema-state';

/**
 * A component's tables are not at the version its code needs: missing, older, made
 * before versioning, or newer. Raised at bootstrap, so the service does not start
 * against tables it would misuse; the message names the fixes.
 */
export class SchemaVersionError extends CourierError {
  readonly code = 'COURIER_SCHEMA_VERSION';
  /** `outbox`, `inbox`. */
  readonly component: string;
  /** The version found: `'no tables'`, `'unversioned'` (tables made before versioning), or a number. */
  readonly found: number | 'no tables' | 'unversioned';
  /** The version this code needs. */
  readonly expected: number;

  constructor(
    chain: SchemaChain,
    readonly schema: string,
    state: SchemaState,
  ) {
    const expected = latestSchemaVersion(chain);
    super(
      state.kind === 'versioned' && state.version > expected
        ? CoreMessages.schemaNewer(chain, schema, state.version, expected)
        : CoreMessages.schemaBehind(chain, schema, state, expected),
    );
    this.component = chain.component;
    this.expected = expected;
    this.found =
      state.kind === 'versioned' ? state.version : state.kind === 'missing' ? 'no tables' : 'unversioned';
  }
}
