import { describeOrderLoop } from './order-loop';

describeOrderLoop('rabbitmq');
