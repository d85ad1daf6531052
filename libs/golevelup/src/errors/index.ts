export { GolevelupConfigurationError } from './golevelup-configuration.error';
export { MalformedDeliveryError } from './malformed-delivery.error';
