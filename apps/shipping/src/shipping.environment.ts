import { environmentValidator } from '../../shared/src/sample-environment';

/** Shipping's settings: these defaults, then the environment (see SampleEnvironment). */
export const validateShippingEnvironment = environmentValidator({
  PORT: 3001,
  SERVICE_NAME: 'shipping',
  COURIER_SCHEMA: 'courier_shipping',
});
