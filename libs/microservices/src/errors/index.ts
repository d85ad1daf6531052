export { CourierMicroservicesConfigurationError } from './courier-microservices-configuration.error';
export { CourierRequestResponseUnsupportedError } from './courier-request-response-unsupported.error';
