export { CourierMicroservicesConfigurationError } from './courier-microservices-configuration.error';
export { CourierRequestTransportMissingError } from './courier-request-transport-missing.error';
