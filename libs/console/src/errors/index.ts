export { ConsoleConfigurationError } from './console-configuration.error';
