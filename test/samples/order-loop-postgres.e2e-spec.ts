import { describeOrderLoop } from './order-loop';

describeOrderLoop('postgres');
