import { environmentValidator } from '../../shared/src/sample-environment';

/** Orders's settings: these defaults, then the environment (see SampleEnvironment). */
export const validateOrdersEnvironment = environmentValidator({
  PORT: 3000,
  SERVICE_NAME: 'orders',
  COURIER_SCHEMA: 'courier_orders',
});
